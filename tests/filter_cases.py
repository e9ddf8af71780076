"""What each method filter must find and leave out, per record type.

A filter that reads a field by its ``field_name`` (a choice, a year, a linked region's slug) is
checked from the field alone by ``record_type_cases.field_filter_cases``; ``q``,
``updated_since`` and ``source`` are checked alike for every type. A filter whose ``method``
decides what it selects says so here: each case is a query, the records it must select (hits)
and those it must leave out (misses), all built for it with the token the test gives. The test
restricts every query to that token (``q``), so that the records of the fixtures never count.
"""

from dataclasses import dataclass, field

from exchanges.models import (
    Firm,
    Indicator,
    Mission,
    OverseasOffice,
    Participation,
    Person,
    Region,
    SisterTie,
    Source,
)

from . import factories as make


@dataclass
class FilterCase:
    query: dict
    hits: list
    misses: list = field(default_factory=list)
    token: str = ""  # the word every record of the case carries, set by the test


def regions_within(token):
    """A region, one within it and one within that, and a region outside them."""
    top = make.region(token, level="prefecture")
    child = make.region(token, parent=top)
    grandchild = make.region(token, level="district", parent=child)
    return top, child, grandchild, make.region(token)


def one_per_country(token, *countries):
    return [make.region(token, country=country) for country in countries]


# --- ties ---------------------------------------------------------------------------------


def tie_country(token):
    jp, kr, cn = one_per_country(token, "JP", "KR", "CN")
    hits = [
        make.tie(token, region_a=cn, region_b=jp),
        make.tie(token, region_a=kr, region_b=cn),
    ]
    return [FilterCase({"country": "CN"}, hits, [make.tie(token, region_a=jp, region_b=kr)])]


def tie_pair(token):
    jp, kr, cn, kr2 = one_per_country(token, "JP", "KR", "CN", "KR")
    hits = [make.tie(token, region_a=jp, region_b=kr), make.tie(token, region_a=kr2, region_b=jp)]
    misses = [make.tie(token, region_a=jp, region_b=cn), make.tie(token, region_a=kr, region_b=kr2)]
    # Either order, in either case.
    return [FilterCase({"pair": "kr-jp"}, hits, misses)]


def tie_region(token):
    top, child, grandchild, outside = regions_within(token)
    hits = [
        make.tie(token, region_a=top),
        make.tie(token, region_b=child),
        make.tie(token, region_a=grandchild),
    ]
    misses = [make.tie(token, region_a=outside)]
    # Named by id or by its full name in a script of its own: the same ties.
    return [
        FilterCase({"region": top.slug}, hits, misses),
        FilterCase({"region": str(top.pk)}, hits, misses),
        FilterCase({"region": top.name_en.upper()}, hits, misses),
    ]


def tie_include_subregions(token):
    """Off, a region filter selects the region's own records, not those of the regions within."""
    top, child, _grandchild, outside = regions_within(token)
    own = make.tie(token, region_a=top)
    below = make.tie(token, region_a=child)
    elsewhere = make.tie(token, region_a=outside)
    return [
        FilterCase({"region": top.slug, "include_subregions": "false"}, [own], [below, elsewhere]),
        FilterCase({"partner": top.slug, "include_subregions": "false"}, [own], [below]),
        FilterCase({"region": top.slug, "include_subregions": "true"}, [own, below], [elsewhere]),
    ]


def tie_partner(token):
    """Alone, the ties on either side of the region and those within it; with ``region``, only
    the ties between the two."""
    top, child, _grandchild, outside = regions_within(token)
    other = make.region(token, country="KR")
    with_region = FilterCase(
        {"region": other.slug, "partner": top.slug},
        hits=[
            make.tie(token, region_a=other, region_b=top),
            make.tie(token, region_a=child, region_b=other),
        ],
        misses=[make.tie(token, region_a=other, region_b=outside), make.tie(token, region_a=top)],
    )
    alone = FilterCase(
        {"partner": top.slug},
        hits=[*with_region.hits, with_region.misses[1]],
        misses=[with_region.misses[0]],
    )
    return [alone, with_region]


def tie_decade(token):
    """A decade is its ten years, 1990 to 1999; several decades select the ties of any."""

    def established(year):
        return make.tie(token, **make.year("established", year))

    nineties = [established(1990), established(1999)]
    seventies = established(1975)
    misses = [established(1989), established(2000), make.tie(token)]
    return [
        FilterCase({"decade": "1990"}, nineties, [seventies, *misses]),
        FilterCase({"decade": ["1970", "1990"]}, [*nineties, seventies], misses),
    ]


def tie_holder_stated(token):
    """true selects the ties whose holders the source names, false those it leaves open."""
    stated, open_ = make.tie(token), make.tie(token, holder_stated=False)
    return [
        FilterCase({"holder_stated": "true"}, [stated], [open_]),
        FilterCase({"holder_stated": "false"}, [open_], [stated]),
    ]


def tie_area(token):
    """An area selects the ties covering it; several areas the ties covering any, each once."""
    culture, economy, tourism = (make.exchange_area(token) for _ in range(3))
    both = make.tie(token)
    both.exchange_areas.add(culture, economy)
    cultural, economic, touristic = make.tie(token), make.tie(token), make.tie(token)
    cultural.exchange_areas.add(culture)
    economic.exchange_areas.add(economy)
    touristic.exchange_areas.add(tourism)
    without = make.tie(token)
    return [
        FilterCase({"area": culture.slug}, [both, cultural], [economic, touristic, without]),
        FilterCase(
            {"area": [culture.slug, economy.slug]},
            [both, cultural, economic],
            [touristic, without],
        ),
    ]


# --- firms --------------------------------------------------------------------------------


def firm_region(token):
    top, child, grandchild, outside = regions_within(token)
    hits = [make.firm(token, region=place) for place in (top, child, grandchild)]
    misses = [make.firm(token, region=outside), make.firm(token)]
    return [FilterCase({"region": top.slug}, hits, misses)]


def firm_include_subregions(token):
    top, child, _grandchild, _outside = regions_within(token)
    own, below = make.firm(token, region=top), make.firm(token, region=child)
    return [FilterCase({"region": top.slug, "include_subregions": "false"}, [own], [below])]


# --- offices ------------------------------------------------------------------------------


def office_run_by(token, operator_country, host_country, by_firm=False):
    host = make.region(token, country=host_country)
    if by_firm:
        return make.office(
            token, operator_firm=make.firm(token, country=operator_country), host_region=host
        )
    operator = make.region(token, country=operator_country)
    return make.office(token, operator_region=operator, host_region=host)


def office_country(token):
    hits = [
        office_run_by(token, "JP", "KR"),
        office_run_by(token, "KR", "JP"),
        office_run_by(token, "KR", "CN", by_firm=True),
    ]
    return [FilterCase({"country": "KR"}, hits, [office_run_by(token, "JP", "CN")])]


def office_operator_country(token):
    hits = [office_run_by(token, "KR", "JP"), office_run_by(token, "KR", "CN", by_firm=True)]
    # An office a region runs is that region's, whatever firm runs it with the region.
    both = office_run_by(token, "JP", "CN")
    both.operator_firm = make.firm(token, country="KR")
    both.save()
    return [FilterCase({"operator_country": "KR"}, hits, [office_run_by(token, "JP", "KR"), both])]


def office_pair(token):
    hits = [
        office_run_by(token, "JP", "KR"),
        office_run_by(token, "KR", "JP"),
        office_run_by(token, "KR", "JP", by_firm=True),
    ]
    misses = [office_run_by(token, "JP", "CN"), office_run_by(token, "KR", "KR")]
    return [FilterCase({"pair": "JP-KR"}, hits, misses)]


def office_region(token):
    top, child, _grandchild, outside = regions_within(token)
    hits = [
        make.office(token, operator_region=top),
        make.office(token, host_region=child),
    ]
    return [FilterCase({"region": top.slug}, hits, [make.office(token, host_region=outside)])]


def office_host_region(token):
    top, child, _grandchild, _outside = regions_within(token)
    hits = [make.office(token, host_region=top), make.office(token, host_region=child)]
    # The region it runs offices from does not count.
    return [FilterCase({"host_region": top.slug}, hits, [make.office(token, operator_region=top)])]


def office_include_subregions(token):
    top, child, _grandchild, outside = regions_within(token)
    own, below = make.office(token, host_region=top), make.office(token, host_region=child)
    run_from_below = make.office(token, operator_region=child)
    elsewhere = make.office(token, host_region=outside)
    return [
        FilterCase({"region": top.slug, "include_subregions": "false"}, [own], [below]),
        FilterCase({"host_region": top.slug, "include_subregions": "0"}, [own], [below]),
        FilterCase({"region": top.slug}, [own, below, run_from_below], [elsewhere]),
    ]


# --- missions -----------------------------------------------------------------------------


def mission_between(token, origins=(), destinations=()):
    return make.mission(
        token,
        origin_regions=one_per_country(token, *origins),
        destination_regions=one_per_country(token, *destinations),
    )


def mission_country(token):
    hits = [
        mission_between(token, ["CN"], ["JP"]),
        mission_between(token, ["KR"], ["CN"]),
        mission_between(token, ["JP", "CN"], ["KR"]),  # regions of several countries
    ]
    misses = [mission_between(token, ["JP"], ["KR"]), mission_between(token)]
    return [FilterCase({"country": "CN"}, hits, misses)]


def mission_origin_country(token):
    hits = [mission_between(token, ["CN"], ["JP"]), mission_between(token, ["JP", "CN"], [])]
    misses = [mission_between(token, ["JP"], ["CN"]), mission_between(token)]
    return [FilterCase({"origin_country": "CN"}, hits, misses)]


def mission_destination_country(token):
    hits = [mission_between(token, ["JP"], ["CN"]), mission_between(token, [], ["KR", "CN"])]
    misses = [mission_between(token, ["CN"], ["JP"]), mission_between(token)]
    return [FilterCase({"destination_country": "CN"}, hits, misses)]


def mission_pair(token):
    hits = [
        mission_between(token, ["JP"], ["KR"]),
        mission_between(token, ["KR"], ["JP"]),
        mission_between(token, ["JP", "CN"], ["KR"]),
    ]
    misses = [mission_between(token, ["JP"], ["CN"]), mission_between(token, ["JP"], ["JP"])]
    return [FilterCase({"pair": "JP-KR"}, hits, misses)]


def mission_region(token):
    top, child, _grandchild, outside = regions_within(token)
    hits = [
        make.mission(token, origin_regions=[top]),
        make.mission(token, destination_regions=[child]),
    ]
    misses = [make.mission(token, origin_regions=[outside], destination_regions=[outside])]
    return [FilterCase({"region": top.slug}, hits, misses)]


def mission_include_subregions(token):
    top, child, _grandchild, _outside = regions_within(token)
    own = make.mission(token, destination_regions=[top])
    below = make.mission(token, origin_regions=[child])
    return [FilterCase({"region": top.slug, "include_subregions": "false"}, [own], [below])]


# --- people and participation ------------------------------------------------------------


def person_region(token):
    top, child, _grandchild, outside = regions_within(token)
    hits = [make.person(token, body_region=top), make.person(token, body_region=child)]
    misses = [make.person(token, body_region=outside), make.person(token)]
    return [FilterCase({"region": top.slug}, hits, misses)]


def person_include_subregions(token):
    top, child, _grandchild, _outside = regions_within(token)
    own = make.person(token, body_region=top)
    below = make.person(token, body_region=child)
    return [FilterCase({"region": top.slug, "include_subregions": "false"}, [own], [below])]


def person_mission(token):
    speaker, listener, absent = (make.person(token) for _ in range(3))
    forum = make.mission(token)
    make.participation(token, mission=forum, person=speaker, role="keynote")
    make.participation(token, person=listener)
    return [FilterCase({"mission": forum.pk}, [speaker], [listener, absent])]


def person_role(token):
    speaker, listener = make.person(token), make.person(token)
    make.participation(token, person=speaker, role="keynote")
    make.participation(token, person=listener, role="participant")
    return [FilterCase({"role": "keynote"}, [speaker], [listener, make.person(token)])]


def participation_region(token):
    top, child, _grandchild, outside = regions_within(token)
    hits = [
        make.participation(token, region=top),
        make.participation(token, person=make.person(token, body_region=child)),
    ]
    misses = [
        make.participation(token, region=outside),
        make.participation(token, firm=make.firm(token)),
    ]
    return [FilterCase({"region": top.slug}, hits, misses)]


def participation_include_subregions(token):
    top, child, _grandchild, _outside = regions_within(token)
    own = make.participation(token, region=top)
    below = make.participation(token, region=child)
    return [FilterCase({"region": top.slug, "include_subregions": "false"}, [own], [below])]


# --- figures ------------------------------------------------------------------------------


def indicator_region(token):
    """A figure about the region, about a pair it is the partner in, about the offices it
    runs, and about a region within it; not one about another region or a country."""
    top, child, _grandchild, outside = regions_within(token)
    hits = [
        make.indicator(token, region=top),
        make.indicator(token, partner_region=top, region=outside),
        make.indicator(token, operator_region=top),
        make.indicator(token, region=child, partner_country="CN"),
    ]
    misses = [make.indicator(token, region=outside), make.indicator(token, country="JP")]
    return [FilterCase({"region": top.slug}, hits, misses)]


def indicator_include_subregions(token):
    top, child, _grandchild, _outside = regions_within(token)
    own = make.indicator(token, region=top)
    below = make.indicator(token, region=make.region(token), partner_region=child)
    return [FilterCase({"region": top.slug, "include_subregions": "false"}, [own], [below])]


def indicator_firm(token):
    firm = make.firm(token)
    hits = [make.indicator(token, firm=firm), make.indicator(token, operator_firm=firm)]
    misses = [make.indicator(token, firm=make.firm(token)), make.indicator(token)]
    return [FilterCase({"firm": firm.pk}, hits, misses)]


def indicator_country(token):
    hits = [
        make.indicator(token, country="CN"),
        make.indicator(token, country="JP", partner_country="CN"),
        make.indicator(token, region=make.region(token), partner_country="CN"),
    ]
    misses = [make.indicator(token, country="KR", partner_country="JP"), make.indicator(token)]
    return [FilterCase({"country": "CN"}, hits, misses)]


def years(token, start, end=None):
    return make.indicator(token, period_start=start, period_end=end)


def indicator_period_from(token):
    """Figures whose years reach 2005: one of 2005, one of 2003–2007, one of 2010."""
    hits = [years(token, 2005), years(token, 2003, 2007), years(token, 2010)]
    misses = [years(token, 2004), years(token, 2001, 2004), make.indicator(token)]
    return [FilterCase({"period_from": 2005}, hits, misses)]


def indicator_period_to(token):
    hits = [years(token, 2005), years(token, 2003, 2007), years(token, 1990)]
    misses = [years(token, 2006), years(token, 2006, 2008), make.indicator(token)]
    return [FilterCase({"period_to": 2005}, hits, misses)]


def indicator_period_overlap(token):
    """Both bounds: the figures whose years overlap 2005–2006 (tests/test_indicators.py)."""
    hits = [years(token, 2004, 2005), years(token, 2006, 2010), years(token, 2000, 2020)]
    misses = [years(token, 2003, 2004), years(token, 2007)]
    return [FilterCase({"period_from": 2005, "period_to": 2006}, hits, misses)]


def indicator_published_year(token):
    hits = [make.indicator(token, published_year=2008)]
    misses = [make.indicator(token, published_year=2009), make.indicator(token)]
    return [FilterCase({"published_year": 2008}, hits, misses)]


# --- regions ------------------------------------------------------------------------------


def region_parent(token):
    """The regions directly below the parent, named by slug, id or full name."""
    top, child, grandchild, outside = regions_within(token)
    sibling = make.region(token, parent=top)
    hits, misses = [child, sibling], [top, grandchild, outside]
    return [
        FilterCase({"parent": value}, hits, misses)
        for value in (top.slug, str(top.pk), top.name_en.lower())
    ]


# --- sources ------------------------------------------------------------------------------


def source_country(token):
    """The sources a region of the country cites; a tie of that country's regions does not
    count."""
    korean, japanese = one_per_country(token, "KR", "JP")
    cited_by_korea, cited_by_japan, cited_by_a_tie = (make.source(token) for _ in range(3))
    make.cite(korean, cited_by_korea)
    make.cite(japanese, cited_by_japan)
    make.cite(make.tie(token, region_a=make.region(token, country="KR")), cited_by_a_tie)
    misses = [cited_by_japan, cited_by_a_tie, make.source(token)]
    return [FilterCase({"country": "KR"}, [cited_by_korea], misses)]


METHOD_FILTER_CASES = {
    SisterTie: {
        "country": tie_country,
        "pair": tie_pair,
        "region": tie_region,
        "partner": tie_partner,
        "decade": tie_decade,
        "area": tie_area,
        "holder_stated": tie_holder_stated,
        "include_subregions": tie_include_subregions,
    },
    Firm: {"region": firm_region, "include_subregions": firm_include_subregions},
    OverseasOffice: {
        "country": office_country,
        "operator_country": office_operator_country,
        "pair": office_pair,
        "region": office_region,
        "host_region": office_host_region,
        "include_subregions": office_include_subregions,
    },
    Mission: {
        "country": mission_country,
        "origin_country": mission_origin_country,
        "destination_country": mission_destination_country,
        "pair": mission_pair,
        "region": mission_region,
        "include_subregions": mission_include_subregions,
    },
    Person: {
        "region": person_region,
        "include_subregions": person_include_subregions,
        "mission": person_mission,
        "role": person_role,
    },
    Participation: {
        "region": participation_region,
        "include_subregions": participation_include_subregions,
    },
    Indicator: {
        "region": indicator_region,
        "include_subregions": indicator_include_subregions,
        "firm": indicator_firm,
        "country": indicator_country,
        "period_from": indicator_period_from,
        "period_to": indicator_period_to,
        "published_year": indicator_published_year,
    },
    Region: {"parent": region_parent},
    Source: {"country": source_country},
}
