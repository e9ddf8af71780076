"""Where the map writes its names (exchanges/pictures/labels.py): never over each other, at any
scale from the one a name shows at, nor over dots and markers, nor outside the picture."""

import random

import pytest

from exchanges.pictures import labels

SIZE = 12


def crowd(
    n=30, seed=14, spread=20.0, scripts=("釜山広域市", "부산 영도구", "Busan Yeongdo District")
):
    """``n`` points within ``spread`` map units (about a degree on the 960-unit map)."""
    rng = random.Random(seed)
    return [
        labels.Point(
            i,
            round(400 + rng.uniform(0, spread), 1),
            round(300 + rng.uniform(0, spread), 1),
            rng.choice([2.5, 3.0, 5.0, 8.0]),
            labels.text_width(f"{rng.choice(scripts)} {i}", SIZE),
            SIZE * labels.LINE_HEIGHT,
        )
        for i in range(n)
    ]


def shown_boxes(points, placements, scale):
    at = {point.key: point for point in points}
    return [
        (
            at[key].x * scale + p.box[0],
            at[key].y * scale + p.box[1],
            at[key].x * scale + p.box[2],
            at[key].y * scale + p.box[3],
        )
        for key, p in placements.items()
        if p.min_scale <= scale
    ]


def dot_boxes(points, scale):
    return [
        (
            p.x * scale - p.radius,
            p.y * scale - p.radius,
            p.x * scale + p.radius,
            p.y * scale + p.radius,
        )
        for p in points
    ]


def test_wide_characters_take_an_em_and_latin_about_half():
    assert labels.text_width("釜山", 10) == 20
    assert labels.text_width("부산", 10) == 20
    assert labels.text_width("Busan", 10) == pytest.approx(27.5)


@pytest.mark.parametrize("seed", [1, 2, 3, 14])
@pytest.mark.parametrize("spread", [1.0, 20.0, 60.0])
def test_no_two_names_intersect_at_any_scale_in_a_dense_cluster(seed, spread):
    points = crowd(30, seed=seed, spread=spread)
    placements = labels.place(points, size=(960, 700))
    assert placements, "some names fit"
    # Scales between the levels too: a reader zooms smoothly.
    for scale in [0.3, 0.37, 0.5, 0.7, 1.0, 1.17, 1.5, 2.0, 3.0, 4.4, 8.0, 11.0, 16.0, 20.0]:
        boxes = shown_boxes(points, placements, scale)
        for i, box in enumerate(boxes):
            assert not any(labels.intersects(box, other) for other in boxes[i + 1 :]), scale
            assert not any(labels.intersects(box, dot) for dot in dot_boxes(points, scale))


def test_the_point_given_first_chooses_first():
    first = labels.Point("first", 400, 300, 3, 60, 15)
    second = labels.Point("second", 400, 302, 3, 60, 15)
    placements = labels.place([first, second], size=(960, 700))
    assert placements["first"].position == "right"
    assert placements["second"].position != "right"


def test_names_wait_for_the_zoom_that_leaves_room():
    points = crowd(30, spread=20.0)
    placements = labels.place(points, size=(960, 700))
    levels = {p.min_scale for p in placements.values()}
    assert len(levels) > 1, "a crowd cannot all be named at the smallest scale"
    assert all(level in labels.SCALES for level in levels)
    # Spread out by the largest scales, most of them are named.
    assert len(placements) >= len(points) * 3 // 4


def test_names_try_every_side_and_avoid_obstacles():
    point = labels.Point("a", 100, 100, 4, 40, 15)
    blocker = labels.Obstacle(100, 100, (0, -20, 200, 20))  # everything right of the dot
    placed = labels.place([point], [blocker], size=(960, 700))["a"]
    assert placed.position == "left" and placed.anchor == "end"
    assert placed.box[2] <= -4


def test_a_name_with_no_room_at_any_scale_is_left_out():
    point = labels.Point("a", 100, 100, 4, 40, 15)
    walls = [labels.Obstacle(100, 100, (-500, -500, 500, 500))]
    assert labels.place([point], walls) == {}


def test_names_stay_inside_the_picture():
    point = labels.Point("edge", 955, 5, 3, 60, 15)
    placed = labels.place([point], size=(960, 700))["edge"]
    box = placed.box
    assert 955 + box[0] >= 0 and 955 + box[2] <= 960 and 5 + box[1] >= 0
