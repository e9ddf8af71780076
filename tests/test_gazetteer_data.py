"""The committed gazetteer (fixtures/gazetteer/) and what it makes of the reports' regions.

The files are checked as files: every first-level region of the three countries with its ISO
code, every Japanese municipality with its JIS code, codes unique, parents present, every row
citing datasets that datasets.json describes. Then the fixtures and the gazetteer are loaded
together, as ``make run`` does: each region of the reports exists once, the report regions
keep what the reports say, and a region is found the same in any script."""

import csv
from collections import Counter

import pytest

from exchanges.gazetteer.loading import (
    COUNTRIES,
    GAZETTEER_DIRECTORY,
    load_gazetteer,
    read_datasets,
)
from exchanges.models import Region, RegionLevel, RegionOrigin
from exchanges.models.search import is_cjk

# First-level regions: ISO 3166-2:JP, ISO 3166-2:CN (with Taiwan, Hong Kong and Macao), :KR.
FIRST_LEVEL = {"JP": 47, "CN": 34, "KR": 17}
# Japan's municipalities: 792 cities, 743 towns and 183 villages (without the six villages of
# the Northern Territories, which neither Japan Post's data nor the usual count lists); and
# Tokyo's 23 special wards.
JAPANESE_MUNICIPALITIES = {"city": 792, "town": 743, "village": 183}
TOKYO = "13000"


def rows_of(country: str) -> list[dict]:
    with (GAZETTEER_DIRECTORY / f"{country}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_first_level_region_has_its_iso_code(country):
    rows = rows_of(country)
    first_level = [row for row in rows if not row["parent_code"]]
    assert len(first_level) == FIRST_LEVEL[country]
    assert all(row["iso_3166_2"].startswith(f"{country}-") for row in first_level)
    assert len({row["iso_3166_2"] for row in first_level}) == FIRST_LEVEL[country]
    assert not [row["code"] for row in rows if row["parent_code"] and row["iso_3166_2"]]


@pytest.mark.parametrize("country", COUNTRIES)
def test_codes_are_unique_parents_exist_and_every_row_is_cited(country):
    rows = rows_of(country)
    codes = Counter(row["code"] for row in rows)
    assert [code for code, count in codes.items() if count > 1] == []
    assert all(row["code"].isdigit() for row in rows)
    assert [
        row["code"] for row in rows if row["parent_code"] and row["parent_code"] not in codes
    ] == []
    datasets = read_datasets(GAZETTEER_DIRECTORY)
    cited = {key for row in rows for key in row["sources"].split(";")}
    assert all(row["sources"] for row in rows) and cited <= set(datasets)
    assert {row["level"] for row in rows} <= set(RegionLevel.values)
    # A name in some script for every row; never a name without its script's characters.
    assert all(row["name_en"] or row["name_ja"] or row["name_zh"] or row["name_ko"] for row in rows)
    # English names are Latin (Ma’anshan), never a CJK name put in the English column.
    assert not [row["code"] for row in rows if any(map(is_cjk, row["name_en"]))]


def test_every_dataset_names_its_version_date_and_licence():
    for dataset in read_datasets(GAZETTEER_DIRECTORY).values():
        assert dataset["version"] and dataset["published"] and dataset["licence"], dataset["key"]
        assert dataset["url"].startswith("https://"), dataset["key"]
        if dataset["licence"].startswith("CC-BY"):
            assert dataset["attribution"], dataset["key"]


def test_every_japanese_municipality_has_its_jis_code():
    rows = rows_of("JP")
    prefectures = {row["code"] for row in rows if row["level"] == "prefecture"}
    assert all(code.endswith("000") and len(code) == 5 for code in prefectures)
    municipalities = Counter(row["level"] for row in rows if row["parent_code"] in prefectures)
    special_wards = [
        row for row in rows if row["parent_code"] == TOKYO and row["level"] == "district"
    ]
    assert {
        level: municipalities[level] for level in JAPANESE_MUNICIPALITIES
    } == JAPANESE_MUNICIPALITIES
    assert len(special_wards) == 23
    assert all(len(row["code"]) == 5 for row in rows)
    # Designated cities' wards lie within their city.
    cities = {row["code"] for row in rows if row["level"] == "city"}
    wards = [row for row in rows if row["level"] == "district" and row["parent_code"] != TOKYO]
    assert wards and all(row["parent_code"] in cities for row in wards)


def test_korea_is_named_as_of_2024():
    """전라북도 became 전북특별자치도 (code 52) in 2024, 강원도 강원특별자치도 (51) in 2023."""
    names = {row["code"]: row["name_ko"] for row in rows_of("KR") if not row["parent_code"]}
    assert names["5200000000"] == "전북특별자치도"
    assert names["5100000000"] == "강원특별자치도"
    assert "전라북도" not in names.values()


@pytest.fixture
def directory(db):
    """The fixtures (loaded in the test database) and the whole gazetteer, as ``make run``
    leaves them: the load's report."""
    return load_gazetteer()


@pytest.mark.django_db
def test_the_reports_regions_exist_once_beside_the_gazetteer(directory):
    report = directory
    regions = Region.objects.filter(country__in=COUNTRIES)
    for country in COUNTRIES:
        assert (
            regions.filter(country=country, parent=None).exclude(iso_3166_2="").count()
            == (FIRST_LEVEL[country])
        )
        assert (
            report.counts[country].created + report.counts[country].matched
            == len(rows_of(country)) - report.counts[country].deleted
        )
    reported = Region.objects.filter(origin=RegionOrigin.REPORT)
    assert reported.count() >= 54
    # Each region of the reports is one region: none has a twin bearing one of its names in
    # its own country at its level, among the gazetteer's (Kyoto, the city or the prefecture
    # the source does not say, is of level "other" and stands apart).
    for region in reported.filter(country__in=COUNTRIES):
        native = {"JP": "name_ja", "CN": "name_zh", "KR": "name_ko"}[region.country]
        twins = Region.objects.filter(
            country=region.country,
            level=region.level,
            parent=region.parent,
            **{native: getattr(region, native)},
        ).exclude(pk=region.pk)
        assert not twins.exists(), region.slug
        if region.level != RegionLevel.OTHER and region.slug != "asiro":
            assert region.national_code, region.slug
    # The reports' regions keep their slugs and English names.
    busan = Region.objects.get(slug="busan")
    assert (busan.name_en, busan.iso_3166_2, busan.origin) == ("Busan", "KR-26", "report")
    assert Region.objects.get(slug="busan-seo-gu").parent == busan
    assert Region.objects.get(slug="niigata").iso_3166_2 == "JP-15"
    assert Region.objects.get(slug="mitsuke").national_code == "15211"
    assert Region.objects.get(slug="yanji").national_code == "222401"


@pytest.mark.django_db
def test_busan_is_found_the_same_in_any_script(directory, client):
    from exchanges.filters import RegionFilterSet

    found = [
        set(
            RegionFilterSet({"q": word}, queryset=Region.objects.all()).qs.values_list(
                "pk", flat=True
            )
        )
        for word in ("釜山", "부산", "Busan")
    ]
    busan = Region.objects.get(iso_3166_2="KR-26")
    assert busan.pk in found[0] and found[0] == found[1] == found[2]
    for word in ("釜山広域市", "부산광역시", "busan", "KR-26"):
        response = client.get("/api/v1/regions/", {"parent": word, "per_page": 1})
        assert response.status_code == 200, word
