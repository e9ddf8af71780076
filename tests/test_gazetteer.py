"""The gazetteer's loader on small gazetteers of its own: rows become regions once, matched
with the regions already held by code or by name within their parent, filled in but never
overwritten, cited to their datasets, with history; a later edition corrects only what staff
left alone, and what staff deleted stays deleted. The codes' rules, filters and API fields.

Every name built here carries the test's token, so the fixtures' regions never match."""

import csv
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from exchanges.gazetteer.build.common import COLUMNS
from exchanges.gazetteer.loading import GAZETTEER_USERNAME, load_gazetteer
from exchanges.models import Citation, Region, RegionOrigin, Source

from . import factories as make

pytestmark = pytest.mark.django_db

DATASET = {
    "key": "test-codes",
    "title": "Test code list",
    "publisher": "Test ministry",
    "package": "pypi:test==1.0",
    "version": "1.0",
    "published": "2024-06",
    "licence": "CC-BY-4.0",
    "url": "https://example.org/codes",
    "language": "ko",
    "attribution": "Test ministry, CC BY 4.0",
    "supplies": "codes, names (ko)",
    "notes": "",
}


def write_gazetteer(directory: Path, rows_by_country: dict, datasets=(DATASET,)) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "datasets.json").write_text(json.dumps(list(datasets)), encoding="utf-8")
    for country, rows in rows_by_country.items():
        with (directory / f"{country}.csv").open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow(dict.fromkeys(COLUMNS, "") | {"sources": "test-codes"} | row)
    return directory


def korean_rows(token: str) -> list[dict]:
    """A metropolitan city with a 서구, and another city with a 서구 of its own."""
    return [
        {
            "code": "2600000000",
            "level": "metropolitan_city",
            "iso_3166_2": "KR-26",
            "name_en": f"Busan {token}",
            "name_ja": f"釜山{token}",
            "name_ko": f"부산광역시{token}",
            "latitude": "35.1796",
            "longitude": "129.0756",
        },
        {
            "code": "2614000000",
            "parent_code": "2600000000",
            "level": "district",
            "name_en": "Seo-gu",
            "name_ko": f"서구{token}",
        },
        {
            "code": "2800000000",
            "level": "metropolitan_city",
            "iso_3166_2": "KR-28",
            "name_en": f"Incheon {token}",
            "name_ko": f"인천광역시{token}",
        },
        {
            "code": "2826000000",
            "parent_code": "2800000000",
            "level": "district",
            "name_en": "Seo-gu",
            "name_ko": f"서구{token}",
        },
    ]


@pytest.fixture
def token():
    return make.new_token()


def loaded(tmp_path, rows_by_country, **options):
    directory = write_gazetteer(tmp_path / "gazetteer", rows_by_country)
    return load_gazetteer(list(rows_by_country), directory, **options)


def by_code(code: str) -> Region:
    return Region.objects.select_related("parent").get(national_code=code)


def test_rows_become_regions_with_parents_codes_citations_and_history(tmp_path, token):
    report = loaded(tmp_path, {"KR": korean_rows(token)})
    assert report.counts["KR"].created == 4
    busan, seo = by_code("2600000000"), by_code("2614000000")
    assert (busan.iso_3166_2, busan.origin, busan.parent) == ("KR-26", "gazetteer", None)
    assert str(busan.latitude) == "35.179600" and busan.coordinates_basis == "source"
    assert seo.parent == busan and by_code("2826000000").parent == by_code("2800000000")
    # Districts of the same name read apart by their slugs, which start with their city's.
    assert seo.slug.startswith(busan.slug) and seo.slug != by_code("2826000000").slug
    source = Source.objects.get(file_name="gazetteer/test-codes")
    assert (source.kind, source.licence, source.language) == ("dataset", "CC-BY-4.0", "ko")
    assert Citation.objects.filter(source=source, object_id=seo.pk, locator="2614000000").exists()
    (history,) = seo.history.all()
    assert history.history_user.username == GAZETTEER_USERNAME
    assert "KR.csv" in history.history_change_reason


def test_loading_twice_changes_nothing(tmp_path, token):
    loaded(tmp_path, {"KR": korean_rows(token)})
    before = list(Region.objects.filter(national_code__startswith="2").values())
    histories = Region.history.count()
    citations = Citation.objects.count()
    report = loaded(tmp_path, {"KR": korean_rows(token)})
    assert (report.counts["KR"].created, report.counts["KR"].corrected) == (0, 0)
    assert list(Region.objects.filter(national_code__startswith="2").values()) == before
    assert (Region.history.count(), Citation.objects.count()) == (histories, citations)


def test_a_report_region_is_matched_by_name_within_its_parent_and_only_filled_in(tmp_path, token):
    """The reports' Busan and its 서구 keep their slugs, names and citations; they gain the
    codes, a position they lacked, and the dataset's citation. Incheon's 서구 is another."""
    busan = make.region(
        country="KR",
        level="metropolitan_city",
        slug=f"busan-{token}",
        name_en=f"Busan City {token}",
        name_ko=f"부산광역시{token}",
        origin=RegionOrigin.REPORT,
    )
    seo = make.region(
        country="KR",
        level="district",
        parent=busan,
        slug=f"busan-seo-{token}",
        name_en="Seo District, Busan",
        name_ko=f"서구{token}",
        origin=RegionOrigin.REPORT,
    )
    paper = make.source()
    Citation.objects.create(source=paper, record=seo, locator="p. 3")
    report = loaded(tmp_path, {"KR": korean_rows(token)})
    assert report.counts["KR"].matched == 2 and report.counts["KR"].created == 2
    busan.refresh_from_db()
    seo.refresh_from_db()
    assert (busan.slug, busan.name_en, busan.origin) == (
        f"busan-{token}",
        f"Busan City {token}",
        "report",
    )
    assert (busan.national_code, busan.iso_3166_2, busan.name_ja) == (
        "2600000000",
        "KR-26",
        f"釜山{token}",
    )
    assert busan.latitude is not None and busan.coordinates_basis == "source"
    assert seo.national_code == "2614000000" and seo.name_en == "Seo District, Busan"
    assert set(seo.citations.values_list("locator", flat=True)) == {"p. 3", "2614000000"}
    assert Region.objects.filter(name_ko=f"서구{token}").count() == 2
    assert seo.history.first().history_change_reason.startswith("Matched with the gazetteer")


def test_a_mismatch_is_listed_and_never_overwritten(tmp_path, token):
    """A region already bearing a row's code but another native name keeps its name; a region
    whose name fits a row of another level is not matched, and the row becomes a region."""
    busan = make.region(
        country="KR",
        level="metropolitan_city",
        national_code="2600000000",
        name_ko=f"부산시{token}",
        origin=RegionOrigin.REPORT,
    )
    vague = make.region(
        country="KR", level="other", name_ko=f"인천광역시{token}", origin=RegionOrigin.REPORT
    )
    report = loaded(tmp_path, {"KR": korean_rows(token)})
    busan.refresh_from_db()
    vague.refresh_from_db()
    assert busan.name_ko == f"부산시{token}"
    assert vague.national_code == "" and by_code("2800000000").pk != vague.pk
    mismatches = "\n".join(report.mismatches)
    assert f"name_ko '부산시{token}', the gazetteer says '부산광역시{token}'" in mismatches
    assert f"[{vague.slug}]: level 'other'" in mismatches


def test_a_later_edition_corrects_only_what_staff_left_alone(tmp_path, token, superuser):
    loaded(tmp_path, {"KR": korean_rows(token)})
    edited = by_code("2800000000")
    edited.notes = "Checked by staff."
    edited._history_user = superuser
    edited.save()
    rows = korean_rows(token)
    rows[0]["name_en"] = f"Busan Metropolitan City {token}"
    rows[2]["name_en"] = f"Incheon Metropolitan City {token}"
    report = loaded(tmp_path, {"KR": rows})
    assert report.counts["KR"].corrected == 1
    assert by_code("2600000000").name_en == f"Busan Metropolitan City {token}"
    assert by_code("2800000000").name_en == f"Incheon {token}"


def test_a_region_staff_deleted_stays_deleted(tmp_path, token):
    loaded(tmp_path, {"KR": korean_rows(token)})
    by_code("2826000000").delete()
    report = loaded(tmp_path, {"KR": korean_rows(token)})
    assert report.counts["KR"].deleted == 1 and report.counts["KR"].created == 0
    assert not Region.objects.filter(national_code="2826000000").exists()


def test_the_command_loads_one_country_and_lists_what_it_did(tmp_path, token):
    japanese = [
        {
            "code": "15000",
            "level": "prefecture",
            "iso_3166_2": "JP-15",
            "name_en": f"Niigata {token}",
            "name_ja": f"新潟県{token}",
        }
    ]
    directory = write_gazetteer(tmp_path / "g", {"KR": korean_rows(token), "JP": japanese})
    out = []
    call_command("load_gazetteer", country=["JP"], directory=str(directory), stdout=Writer(out))
    assert Region.objects.filter(national_code="15000", country="JP").exists()
    assert not Region.objects.filter(national_code="2600000000").exists()
    assert "JP: 1 rows; 1 regions created" in "".join(out)


class Writer:
    def __init__(self, lines):
        self.lines = lines

    def write(self, text):
        self.lines.append(text)

    def flush(self):
        pass


def test_codes_are_unique_per_country_and_iso_codes_name_their_country():
    make.region(country="KR", national_code="1100000000")
    make.region(country="JP", national_code="1100000000")  # another country's list
    with pytest.raises(ValidationError) as error:
        Region(slug="dup", country="KR", level="city", national_code="1100000000").full_clean()
    assert "national_code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        Region(slug="bad", country="KR", level="city", iso_3166_2="JP-11").full_clean()
    assert "iso_3166_2" in error.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        Region.objects.create(
            slug="dup-code", country="KR", level="city", national_code="1100000000", name_en="x"
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        Region.objects.create(
            slug="bad-iso", country="KR", level="city", iso_3166_2="JP-11", name_en="x"
        )


def test_codes_name_regions_in_filters_and_the_api(client, tmp_path, token):
    loaded(tmp_path, {"KR": korean_rows(token)})
    api = APIClient()
    busan, seo = by_code("2600000000"), by_code("2614000000")
    response = api.get("/api/v1/regions/", {"iso_3166_2": "kr-26"})
    assert [row["id"] for row in response.json()["results"]] == [busan.pk]
    response = api.get("/api/v1/regions/", {"national_code": "2614000000"})
    assert [row["slug"] for row in response.json()["results"]] == [seo.slug]
    row = api.get(f"/api/v1/regions/{seo.pk}/").json()
    assert (row["national_code"], row["origin"], row["parent"]["id"]) == (
        "2614000000",
        "gazetteer",
        busan.pk,
    )
    assert api.get("/api/v1/regions/", {"national_code": "26-14"}).status_code == 400
    # A region filter takes the ISO code as it takes a slug.
    response = client.get("/regions/", {"parent": "KR-26", "q": token})
    assert seo.name_en in response.content.decode()
    page = client.get(seo.get_absolute_url()).content.decode()
    assert "2614000000" in page and "official list of local governments" in page


def test_an_api_client_cannot_claim_an_origin(admin_client, superuser):
    api = APIClient()
    api.force_authenticate(superuser)
    response = api.post(
        "/api/v1/regions/",
        {
            "slug": "staff-made",
            "name_en": "Staff Made",
            "country": "KR",
            "level": "city",
            "origin": "gazetteer",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Region.objects.get(slug="staff-made").origin == "staff"


def test_the_admin_autocomplete_tells_districts_apart_by_their_parents(
    admin_client, tmp_path, token
):
    loaded(tmp_path, {"KR": korean_rows(token)})
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": f"서구{token}",
            "app_label": "exchanges",
            "model_name": "sistertie",
            "field_name": "region_a",
        },
    )
    labels = sorted(result["text"] for result in response.json()["results"])
    assert len(labels) == 2
    assert f"Busan {token}" in labels[0] and f"Incheon {token}" in labels[1]


def test_the_about_page_credits_the_datasets(client, tmp_path, token):
    loaded(tmp_path, {"KR": korean_rows(token)})
    page = client.get("/about/").content.decode()
    assert "Test code list" in page and "CC-BY-4.0" in page
