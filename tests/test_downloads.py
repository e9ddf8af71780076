"""Downloads of every list: named in English in every language, XLSX beside CSV and JSON, and
the API's CSV with the page's columns."""

import csv
import io
import json

import openpyxl
import pytest
from rest_framework.test import APIClient

from . import factories as make

pytestmark = pytest.mark.django_db

LISTS = {
    "/regions/": ("/api/v1/regions/", "regions"),
    "/ties/": ("/api/v1/ties/", "ties"),
    "/firms/": ("/api/v1/firms/", "firms"),
    "/offices/": ("/api/v1/offices/", "overseas-offices"),
    "/missions/": ("/api/v1/missions/", "missions"),
    "/sources/": ("/api/v1/sources/", "sources"),
}
BY_LIST = pytest.mark.parametrize("page_url", list(LISTS))
LANGUAGES = pytest.mark.parametrize("language", ["", "/ja", "/ko", "/zh-hans"])
FORMULA = '=HYPERLINK("http://example.org","x")'


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = openpyxl.load_workbook(io.BytesIO(body(response)))
    (sheet,) = book.worksheets
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} holds a formula: {cell.value}"
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def same_cell(written, text: str) -> bool:
    """Whether an XLSX cell holds what the CSV wrote as ``text``: numbers as numbers, a yes or
    no as a boolean."""
    if written is None:
        return text == ""
    if isinstance(written, bool):  # before int: True is an int too
        return text == str(written)
    if isinstance(written, int | float):
        return float(text) == written
    return written == text


@LANGUAGES
@BY_LIST
def test_downloads_are_named_in_english_in_every_language(client, page_url, language):
    stem = LISTS[page_url][1]
    for export_format in ("csv", "json", "xlsx"):
        response = client.get(f"{language}{page_url}?export={export_format}")
        assert response.status_code == 200
        assert response["Content-Disposition"] == (f'attachment; filename="{stem}.{export_format}"')


@pytest.mark.parametrize("language", ["en", "ja", "ko", "zh-hans"])
@BY_LIST
def test_the_apis_csv_is_named_as_the_pages(page_url, language):
    api_url, stem = LISTS[page_url]
    response = APIClient().get(f"{api_url}?format=csv", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{stem}.csv"'


@BY_LIST
def test_the_apis_csv_has_the_pages_columns(client, page_url):
    api_url = LISTS[page_url][0]
    api_header = csv_rows(APIClient().get(f"{api_url}?format=csv"))[0]
    for language in ("", "/ja"):
        assert csv_rows(client.get(f"{language}{page_url}?export=csv"))[0] == api_header


@BY_LIST
def test_the_xlsx_holds_the_csvs_rows(client, page_url):
    expected = csv_rows(client.get(f"{page_url}?export=csv&sort=id"))
    written = xlsx_rows(client.get(f"{page_url}?export=xlsx&sort=id"))
    assert written[0] == expected[0], "the header is the CSV's"
    assert len(written) == len(expected)
    for row, text_row in zip(written, expected, strict=True):
        assert all(same_cell(cell, text) for cell, text in zip(row, text_row, strict=True)), row


def test_the_xlsx_writes_no_formula_and_keeps_numbers(client):
    token = make.new_token()
    make.region(
        token,
        name_en=f"{FORMULA} {token}",
        name_ja="-1+2",
        name_ko="bell\x07 and tab\there",
        country="FR",
        population=1500,
        latitude="-45.500000",
        longitude="-3.250000",
        coordinates_basis="context",
    )
    rows = xlsx_rows(client.get(f"/regions/?q={token}&export=xlsx"))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert record["name_en"] == f"'{FORMULA} {token}"
    assert record["name_ja"] == "'-1+2"
    assert record["name_ko"] == "bell and tab\there", "XML cannot hold a bell; a tab is kept"
    assert (record["population"], record["latitude"], record["longitude"]) == (1500, -45.5, -3.25)


def test_the_json_download_is_named_and_complete(client):
    token = make.new_token()
    region = make.region(token)
    response = client.get(f"/ko/regions/?q={token}&export=json")
    assert response["Content-Disposition"] == 'attachment; filename="regions.json"'
    assert [record["slug"] for record in json.loads(body(response))] == [region.slug]


@BY_LIST
def test_the_apis_xlsx_holds_the_pages_rows(client, page_url):
    api_url, stem = LISTS[page_url]
    response = APIClient().get(f"{api_url}?format=xlsx&ordering=id", HTTP_ACCEPT="application/json")
    assert response["Content-Disposition"] == f'attachment; filename="{stem}.xlsx"'
    api = xlsx_rows(response)
    page = xlsx_rows(client.get(f"{page_url}?export=xlsx"))
    assert api[0] == page[0]
    assert sorted(map(repr, api[1:])) == sorted(map(repr, page[1:]))


@BY_LIST
def test_every_list_links_its_xlsx_and_names_the_formats_it_refuses(client, page_url):
    page = client.get(page_url).content.decode()
    assert "export=xlsx" in page
    refused = client.get(f"{page_url}?export=xml")
    assert refused.status_code == 400
    assert "csv, json, xlsx" in refused.content.decode()
