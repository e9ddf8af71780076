"""The server-side base map: TopoJSON decoding, the frame's projection, and the SVG paths.

No database needed: everything comes from the vendored Natural Earth file.
"""

import math
import re
from itertools import pairwise

import pytest

from exchanges.pictures import basemap
from exchanges.pictures.basemap import (
    EAST_ASIA,
    MapFrame,
    alpha2,
    graticule,
    land_paths,
    load_countries,
)

TOKYO = (139.69, 35.69)
SEOUL = (126.98, 37.57)
BUSAN = (129.08, 35.18)
SAPPORO = (141.35, 43.06)
FUKUOKA = (130.40, 33.59)
PYONGYANG = (125.75, 39.02)
BEIJING = (116.40, 39.90)
SEA_OF_JAPAN = (134.0, 39.0)
PACIFIC_SOUTH_OF_HONSHU = (138.0, 32.0)

# One or more subpaths "M x,y L x,y … Z" and nothing else: numbers with at most one decimal.
NUMBER = r"-?\d+(?:\.\d)?"
POINT = rf"{NUMBER},{NUMBER}"
PATH_DATA = re.compile(rf"(?:M{POINT}(?:L{POINT})*Z)+")


def country(numeric_id):
    (found,) = [c for c in load_countries() if c.numeric_id == numeric_id]
    return found


def ring_area(ring):
    """Shoelace area of a closed ring in square degrees (the sign gives the winding)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring)) / 2


def point_in_ring(point, ring):
    """Even-odd ray casting: count the ring's edges crossed by a ray going east from the point."""
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def point_in_polygon(point, polygon):
    outline, *holes = polygon
    return point_in_ring(point, outline) and not any(point_in_ring(point, h) for h in holes)


def point_in_country(point, c):
    return any(point_in_polygon(point, polygon) for polygon in c.polygons)


def largest_polygon(c):
    return max(c.polygons, key=lambda polygon: abs(ring_area(polygon[0])))


# --- decoding -------------------------------------------------------------------------------


def test_the_vendored_file_decodes_into_named_countries():
    countries = load_countries()
    assert len(countries) > 200
    assert load_countries() is countries  # read once
    names = {c.numeric_id: c.name for c in countries}
    assert names["392"] == "Japan"
    assert names["156"] == "China"
    assert names["410"] == "South Korea"
    assert names["408"] == "North Korea"
    assert names["076"] == "Brazil"


def test_japan_is_many_islands_in_the_right_place():
    japan = country("392")
    assert len(japan.polygons) >= 4  # Honshu, Hokkaido, Kyushu, Shikoku and many more
    for polygon in japan.polygons:
        for ring in polygon:
            assert len(ring) >= 4
            assert ring[0] == ring[-1], "rings are closed"
            for lon, lat in ring:
                assert 122 <= lon <= 154
                assert 20 <= lat <= 46


def test_every_coordinate_is_on_the_globe():
    for c in load_countries():
        for polygon in c.polygons:
            for ring in polygon:
                for lon, lat in ring:
                    assert -180 <= lon <= 180 and -90 <= lat <= 90, c.name


def test_every_ring_is_closed_without_repeated_points():
    # Joining arcs must keep each arc's last point and drop only the next arc's first (the same
    # point): keeping both repeats a point, dropping the wrong one leaves a ring open.
    for c in load_countries():
        for polygon in c.polygons:
            for ring in polygon:
                assert ring[0] == ring[-1], c.name
                assert all(a != b for a, b in pairwise(ring)), c.name


def edges(c):
    return {edge for polygon in c.polygons for ring in polygon for edge in pairwise(ring)}


@pytest.mark.parametrize(
    ("one", "other"), [("410", "408"), ("408", "156"), ("156", "643"), ("156", "496")]
)
def test_neighbours_walk_their_shared_border_in_opposite_directions(one, other):
    # Both neighbours draw the shared border from one arc, one of them through ~i (reversed).
    # Forgetting to reverse makes both walk it the same way (and jump at its ends).
    one_edges, other_edges = edges(country(one)), edges(country(other))
    reversed_other = {(b, a) for a, b in other_edges}
    assert len(one_edges & reversed_other) > 10
    assert not one_edges & other_edges


def test_rings_do_not_jump():
    # At 1:50m consecutive points in East Asia are well under a degree apart; a badly joined
    # ring jumps from the end of one arc to the far end of the next.
    for numeric_id in ("392", "410", "408", "156"):
        for polygon in country(numeric_id).polygons:
            for ring in polygon:
                assert max(math.dist(a, b) for a, b in pairwise(ring)) < 1


def test_tokyo_is_on_honshu_and_the_seas_are_not_japan():
    japan = country("392")
    honshu = largest_polygon(japan)
    assert point_in_polygon(TOKYO, honshu)
    assert point_in_country(SAPPORO, japan)  # Hokkaido
    assert point_in_country(FUKUOKA, japan)  # Kyushu
    assert not point_in_polygon(SAPPORO, honshu)
    assert not point_in_country(SEA_OF_JAPAN, japan)
    assert not point_in_country(PACIFIC_SOUTH_OF_HONSHU, japan)
    assert not point_in_country(SEOUL, japan)


def test_cities_fall_in_their_own_countries():
    # Korea's land border is made of arcs shared with (and reversed for) North Korea and China,
    # so wrongly joined or reversed arcs would put these points in the wrong place.
    assert point_in_country(SEOUL, country("410"))
    assert point_in_country(BUSAN, country("410"))
    assert not point_in_country(SEOUL, country("408"))
    assert point_in_country(PYONGYANG, country("408"))
    assert not point_in_country(PYONGYANG, country("410"))
    assert point_in_country(BEIJING, country("156"))


def test_areas_are_plausible():
    # About 100,000 km² for South Korea's mainland and 228,000 km² for Honshu; a square degree
    # at 36°N is about 111 km x 90 km. A ring joined from wrongly reversed arcs crosses itself
    # and its shoelace area comes out far off.
    assert 8 < abs(ring_area(largest_polygon(country("410"))[0])) < 12
    assert 20 < abs(ring_area(largest_polygon(country("392"))[0])) < 28


def test_holes_are_kept():
    # South Africa's outline has a hole: Lesotho.
    south_africa = country("710")
    lesotho = country("426")
    outline, hole = largest_polygon(south_africa)
    assert abs(ring_area(hole)) == pytest.approx(abs(ring_area(largest_polygon(lesotho)[0])))
    assert not point_in_country((28.2, -29.6), south_africa)  # Maseru area
    assert point_in_country((28.2, -29.6), lesotho)


# --- ISO codes ------------------------------------------------------------------------------


def test_alpha2():
    assert alpha2("392") == "JP"
    assert alpha2("156") == "CN"
    assert alpha2("410") == "KR"
    assert alpha2("408") == "KP"
    assert alpha2("158") == "TW"
    assert alpha2("643") == "RU"
    assert alpha2("496") == "MN"
    assert alpha2("704") == "VN"
    assert alpha2("840") == "US"
    assert alpha2("608") == "PH"
    assert alpha2(392) == "JP"
    assert alpha2("999") == ""
    assert alpha2("") == ""
    assert alpha2(None) == ""


def test_every_code_names_the_country_natural_earth_gives_that_id():
    by_code = {alpha2(c.numeric_id): c.name for c in load_countries() if alpha2(c.numeric_id)}
    expected = {"JP": "Japan", "CN": "China", "KR": "South Korea", "KP": "North Korea"}
    assert {code: by_code[code] for code in expected} == expected


# --- the frame ------------------------------------------------------------------------------


def test_project_maps_the_corners():
    frame = MapFrame(*EAST_ASIA)
    assert frame.width == 960
    assert frame.project(frame.west, frame.north) == (0, 0)
    assert frame.project(frame.east, frame.south) == (frame.width, frame.height)
    x, y = frame.project(122.5, 27.5)  # the middle
    assert x == pytest.approx(frame.width / 2, abs=0.1)
    assert y == pytest.approx(frame.height / 2, abs=0.1)


def test_height_keeps_local_proportions():
    frame = MapFrame(*EAST_ASIA)
    # 55° of longitude at cos(27.5°) against 45° of latitude.
    assert frame.height == pytest.approx(960 * 45 / (55 * 0.887010833), abs=0.1)
    # Further north, a degree of longitude is shorter: the same span of degrees draws taller.
    assert MapFrame(120, 40, 130, 50).height > MapFrame(120, 0, 130, 10).height
    assert frame.view_box == f"0 0 960 {frame.height:g}"


def test_project_rounds_and_y_grows_southwards():
    frame = MapFrame(*EAST_ASIA)
    x, y = frame.project(*TOKYO)
    assert (x, y) == (round(x, 1), round(y, 1))
    assert frame.project(130, 30)[1] > frame.project(130, 40)[1]
    assert frame.project(140, 30)[0] > frame.project(130, 30)[0]


def test_contains():
    frame = MapFrame(*EAST_ASIA)
    assert frame.contains(*TOKYO)
    assert frame.contains(95, 5) and frame.contains(150, 50)
    assert not frame.contains(-47.9, -15.8)  # Brasília
    assert not frame.contains(151, 30)


def test_frame_rejects_nonsense():
    with pytest.raises(ValueError):
        MapFrame(150, 5, 95, 50)
    with pytest.raises(ValueError):
        MapFrame(95, 50, 150, 5)
    with pytest.raises(ValueError):
        MapFrame(95, 5, 150, 50, width=0)


def test_frame_around_japan_and_korea():
    points = [TOKYO, SEOUL, BUSAN, SAPPORO, FUKUOKA]
    frame = MapFrame.around(points)
    for point in points:
        assert frame.contains(*point)
    # Padded by two degrees, then widened to whole half-degrees...
    assert SEOUL[0] - 2.5 < frame.west <= SEOUL[0] - 2
    assert SAPPORO[1] + 2 <= frame.north < SAPPORO[1] + 2.5
    assert (frame.west * 2).is_integer() and (frame.north * 2).is_integer()
    # ...and smaller than the whole region.
    assert frame.east - frame.west < EAST_ASIA[2] - EAST_ASIA[0]
    assert frame.north - frame.south < EAST_ASIA[3] - EAST_ASIA[1]
    assert frame.height < 1.5 * frame.width


def test_frame_around_nothing_is_the_bounds():
    assert MapFrame.around([]).bounds == EAST_ASIA
    assert MapFrame.around([(None, None)]).bounds == EAST_ASIA
    assert MapFrame.around([], width=500) == MapFrame(*EAST_ASIA, width=500)


def test_frame_around_one_point_has_the_minimum_span_centred_on_it():
    frame = MapFrame.around([TOKYO])
    # At least 8 degrees, widened to whole half-degrees, so centred to within half a degree.
    assert 8 <= frame.east - frame.west <= 9
    assert 8 <= frame.north - frame.south <= 9
    assert (frame.west + frame.east) / 2 == pytest.approx(TOKYO[0], abs=0.5)
    assert (frame.south + frame.north) / 2 == pytest.approx(TOKYO[1], abs=0.5)


def test_frame_around_stays_within_bounds():
    # Near the north-east corner the minimum span slides back inside instead of overflowing.
    frame = MapFrame.around([(149.5, 49.5)])
    assert frame.bounds == pytest.approx((142, 42, 150, 50))
    # Points spread wider than the bounds get the bounds, not more.
    frame = MapFrame.around([(60, -30), (170, 70)])
    assert frame.bounds == EAST_ASIA
    # Other bounds are respected too.
    frame = MapFrame.around([TOKYO], bounds=(138, 34, 142, 37))
    assert frame.bounds == (138, 34, 142, 37)


# --- land paths -----------------------------------------------------------------------------


def test_land_paths_for_east_asia():
    paths = land_paths(MapFrame(*EAST_ASIA))
    by_id = {p["numeric_id"]: p for p in paths}
    for numeric_id in ("392", "156", "410", "408"):
        assert numeric_id in by_id
    assert "076" not in by_id  # Brazil
    assert "250" not in by_id  # France
    assert by_id["392"]["name"] == "Japan"
    assert by_id["392"]["alpha2"] == "JP"
    # Japan's islands are several subpaths.
    assert by_id["392"]["d"].count("M") >= 4
    for p in paths:
        assert set(p) >= {"numeric_id", "name", "d"}


def test_path_data_is_only_numbers_commas_and_commands():
    for frame in (MapFrame(*EAST_ASIA), MapFrame.around([TOKYO, SEOUL])):
        for p in land_paths(frame):
            assert p["d"].startswith("M")
            assert PATH_DATA.fullmatch(p["d"]), p["name"]


def parse_path(d):
    """ "M1,2L3,4L5,6Z…" -> [[(1.0, 2.0), (3.0, 4.0), (5.0, 6.0)], …], one list per subpath."""
    return [
        [tuple(float(n) for n in point.split(",")) for point in subpath.split("L")]
        for subpath in re.findall(r"M([^MZ]*)Z", d)
    ]


@pytest.mark.parametrize("width", [960, 120])
def test_paths_are_thinned_to_visible_detail(width):
    # Each subpath is a real shape (3+ points), with no point within half a pixel of the last;
    # on a thumbnail, small islands vanish rather than turning into specks.
    frame = MapFrame(*EAST_ASIA, width=width)
    for p in land_paths(frame):
        for ring in parse_path(p["d"]):
            assert len(ring) >= 3, p["name"]
            assert all(math.dist(a, b) >= basemap.MIN_STEP_PX for a, b in pairwise(ring))


def test_paths_stay_near_the_frame():
    # Outlines are clipped to the frame plus a small margin, so nothing strays far off-canvas.
    frame = MapFrame.around([TOKYO, SEOUL])
    margin = basemap.MARGIN_PX + 0.1
    for p in land_paths(frame):
        numbers = [float(n) for n in re.findall(NUMBER, p["d"])]
        xs, ys = numbers[0::2], numbers[1::2]
        assert min(xs) >= -margin and max(xs) <= frame.width + margin
        assert min(ys) >= -margin and max(ys) <= frame.height + margin


def test_tokyo_is_inside_the_projected_japan():
    frame = MapFrame(*EAST_ASIA)
    (japan,) = [p for p in land_paths(frame) if p["alpha2"] == "JP"]
    subpaths = parse_path(japan["d"])
    tokyo = frame.project(*TOKYO)
    assert any(point_in_ring(tokyo, ring) for ring in subpaths)
    assert not any(point_in_ring(frame.project(*SEA_OF_JAPAN), ring) for ring in subpaths)


def test_path_data_size_stays_reasonable():
    east_asia = sum(len(p["d"]) for p in land_paths(MapFrame(*EAST_ASIA)))
    japan_korea = sum(len(p["d"]) for p in land_paths(MapFrame.around([TOKYO, SEOUL, BUSAN])))
    print(
        f"\npath data: EAST_ASIA {east_asia / 1000:.1f} kB, Japan-Korea {japan_korea / 1000:.1f} kB"
    )
    assert east_asia < 250_000
    assert japan_korea < 250_000


def test_land_paths_are_cached_per_frame():
    frame = MapFrame(*EAST_ASIA)
    assert land_paths(frame) is land_paths(frame)
    assert land_paths(MapFrame(*EAST_ASIA)) is land_paths(frame)  # equal frames, one entry
    assert land_paths(MapFrame(*EAST_ASIA, width=480)) is not land_paths(frame)


def test_frame_far_from_land_draws_nothing():
    assert land_paths(MapFrame(-150, -40, -140, -30)) == []


# --- graticule ------------------------------------------------------------------------------


def test_graticule():
    frame = MapFrame(*EAST_ASIA)
    lines = graticule(frame)
    labels = [line["label"] for line in lines]
    assert "130°E" in labels
    assert "35°N" in labels
    # Strictly inside the frame: 100..145°E and 10..45°N.
    assert sum(label.endswith("E") for label in labels) == 10
    assert sum(label.endswith("N") for label in labels) == 8
    assert "95°E" not in labels and "50°N" not in labels
    x, _ = frame.project(130, 0)
    (meridian,) = [line for line in lines if line["label"] == "130°E"]
    assert meridian["d"] == f"M{x:g},0L{x:g},{frame.height:g}"
    for line in lines:
        assert re.fullmatch(rf"M{POINT}L{POINT}", line["d"])


def test_graticule_step_and_labels_either_side_of_zero():
    lines = graticule(MapFrame(-10, -10, 10, 10), step=10)
    assert [line["label"] for line in lines] == ["0°", "0°"]
    lines = graticule(MapFrame(-25, -25, 25, 25), step=10)
    assert [line["label"] for line in lines] == [
        "20°W",
        "10°W",
        "0°",
        "10°E",
        "20°E",
        "20°S",
        "10°S",
        "0°",
        "10°N",
        "20°N",
    ]
