"""Spreadsheets that are safe to open, and an admin import that a crafted file cannot upset.

Every download that a spreadsheet opens (list pages, API, statistics, admin) writes a text
that would run as a formula with a leading quote, numbers as numbers; the admin import refuses
oversized, overlong, crafted and garbled files with a message, a tampered confirm step with a
400, and a change to an existing record from a user who may only add.
"""

import csv
import io
import os
import tempfile
import time
import zipfile

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from import_export.forms import SelectableFieldsExportForm

from exchanges import spreadsheets
from exchanges.models import Firm, Region, SisterTie
from exchanges.resources import resource_for

from . import factories as make

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com","x")'
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

RegionResource, FirmResource = resource_for(Region), resource_for(Firm)


def admin_url(model, view: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def format_index(formats, format_class) -> str:
    return str(formats.index(format_class))


def csv_rows(content: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


@pytest.fixture
def formula_region():
    """A region whose names would run as formulas, with a negative longitude."""
    parent = Region.objects.create(
        slug="sheet-test-parent", name_en="Sheet Test Parent", country="US", level="state"
    )
    return Region.objects.create(
        slug="sheet-test-formula",
        name_en=FORMULA,
        name_ja="+81 3 1234",
        name_zh="@SUM(A1)",
        name_ko="-2+3",
        country="US",
        level="city",
        parent=parent,
        latitude="37.770000",
        longitude="-122.400000",
        coordinates_basis="context",
    )


# Safe to open -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, written",
    [
        (FORMULA, "'" + FORMULA),
        ("+81 3 1234", "'+81 3 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("'=1+1", "''=1+1"),  # a quote already there is kept through a round trip
        ("-135.5", "-135.5"),  # a number written as text is still a number
        ("1996-07", "1996-07"),
        ("Niigata", "Niigata"),
        ("", ""),
        (-135.5, -135.5),
        (None, None),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_quoted_and_reads_back(value, written):
    assert spreadsheets.safe_cell(value) == written
    assert spreadsheets.plain_cell(spreadsheets.safe_cell(value)) == value


def test_the_list_page_csv_quotes_formulas_and_keeps_numbers(client, formula_region):
    url = reverse("exchanges:region-list")
    response = client.get(url, {"parent": "sheet-test-parent", "export": "csv"})
    assert response.status_code == 200
    header, row = csv_rows(b"".join(response.streaming_content))
    cells = dict(zip(header, row, strict=True))
    assert cells["name_en"] == "'" + FORMULA
    assert cells["name_ja"] == "'+81 3 1234"
    assert cells["name_zh"] == "'@SUM(A1)"
    assert cells["name_ko"] == "'-2+3"
    assert float(cells["longitude"]) == -122.4


def test_the_api_csv_quotes_formulas_and_the_json_stays_raw(client, formula_region):
    url = reverse("api:region-list")
    response = client.get(url, {"parent": "sheet-test-parent", "format": "csv"})
    assert response.status_code == 200
    header, row = csv_rows(b"".join(response.streaming_content))
    cells = dict(zip(header, row, strict=True))
    assert cells["name_en"] == "'" + FORMULA
    assert float(cells["longitude"]) == -122.4
    data = client.get(url, {"parent": "sheet-test-parent", "format": "json"}).json()
    assert data["results"][0]["name_en"] == FORMULA


def test_the_statistics_csv_quotes_a_slug_that_would_run_as_a_formula(client):
    dash = Region.objects.create(slug="-sheet-test", name_en="Dash", country="JP", level="city")
    other = Region.objects.create(slug="sheet-test-b", name_en="B", country="KR", level="city")
    SisterTie.objects.create(region_a=dash, region_b=other, tie_type="sister")
    url = reverse("exchanges:stats_csv", args=["regions-with-most-ties"])
    response = client.get(url, {"region": "-sheet-test"})
    assert response.status_code == 200
    rows = csv_rows(response.content)
    assert ["'-sheet-test", "1", "1"] in rows
    assert ["-sheet-test", "1", "1"] not in rows


def admin_export(client, model, resource_class, format_class):
    data = {
        "format": format_index(spreadsheets.EXPORT_FORMATS, format_class),
        "resource": "0",
    }
    for field in resource_class().get_export_order():
        data[SelectableFieldsExportForm.create_boolean_field_name(resource_class, field)] = "on"
    response = client.post(admin_url(model, "export"), data)
    assert response.status_code == 200, response.content[:500]
    return response


@pytest.fixture
def formula_firm(formula_region):
    return Firm.objects.create(name_en=FORMULA, kind="company", country="US", region=formula_region)


@pytest.mark.parametrize(
    "model, resource_class, record",
    [(Region, RegionResource, "formula_region"), (Firm, FirmResource, "formula_firm")],
)
def test_an_admin_xlsx_export_holds_no_formula(
    admin_client, request, model, resource_class, record
):
    record = request.getfixturevalue(record)
    response = admin_export(admin_client, model, resource_class, spreadsheets.XLSX)
    assert response["Content-Type"] == XLSX_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert not [
        cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]
    header = [cell.value for cell in sheet[1]]
    (row,) = [
        row for row in sheet.iter_rows(min_row=2) if row[header.index("id")].value == record.pk
    ]
    name = row[header.index("name_en")]
    assert (name.value, name.data_type) == ("'" + FORMULA, "s")
    if model is Region:
        longitude = row[header.index("longitude")]
        assert (longitude.value, longitude.data_type) == (-122.4, "n")


@pytest.mark.parametrize(
    "format_class, delimiter", [(spreadsheets.CSV, ","), (spreadsheets.TSV, "\t")]
)
def test_an_admin_text_export_quotes_formulas(
    admin_client, formula_region, format_class, delimiter
):
    response = admin_export(admin_client, Region, RegionResource, format_class)
    header, *rows = csv_rows(response.content, delimiter)
    (cells,) = [
        cells
        for cells in (dict(zip(header, row, strict=True)) for row in rows)
        if cells["id"] == str(formula_region.pk)
    ]
    assert cells["name_en"] == "'" + FORMULA
    assert cells["name_ko"] == "'-2+3"
    assert float(cells["longitude"]) == -122.4


def test_an_admin_html_export_quotes_formulas_and_json_stays_raw(admin_client, formula_region):
    html = admin_export(admin_client, Region, RegionResource, spreadsheets.HTML)
    assert "<td>'=HYPERLINK(" in html.content.decode()
    assert "<td>=HYPERLINK(" not in html.content.decode()
    data = admin_export(admin_client, Region, RegionResource, spreadsheets.JSON).json()
    (record,) = [record for record in data if record["id"] == str(formula_region.pk)]
    assert record["name_en"] == FORMULA


def test_an_admin_xlsx_export_imports_back_unchanged(admin_client, formula_region):
    response = admin_export(admin_client, Region, RegionResource, spreadsheets.XLSX)
    dataset = spreadsheets.XLSX().create_dataset(response.content)
    result = RegionResource().import_data(dataset, dry_run=True, raise_errors=True)
    assert {row.import_type for row in result.rows} == {"skip"}


# Import permissions --------------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "text/csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def preview(client, model, name: str, content: bytes, format_class=spreadsheets.CSV):
    return client.post(
        admin_url(model, "import"),
        {
            "resource": "0",
            "format": format_index(spreadsheets.IMPORT_FORMATS, format_class),
            "import_file": upload(name, content),
        },
    )


def confirm_data(response) -> dict:
    form = response.context["confirm_form"]
    assert form is not None, response.context["result"].invalid_rows
    return {name: form[name].value() for name in form.fields}


def region_sheet(*regions: Region, changes: dict | None = None, new: dict | None = None) -> bytes:
    """A CSV of the regions as the admin exports them, the first one changed, a new row added."""
    dataset = RegionResource().export(Region.objects.filter(pk__in=[r.pk for r in regions]))
    rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
    if changes:
        rows[0].update(changes)
    if new:
        rows.append({**dict.fromkeys(dataset.headers, ""), **new})
    sheet = tablib.Dataset(headers=dataset.headers)
    for row in rows:
        sheet.append([row[header] for header in dataset.headers])
    return sheet.export("csv").encode()


NEW_REGION = {"slug": "sheet-test-new", "name_en": "New", "country": "JP", "level": "city"}


@pytest.fixture
def add_only_client(client, django_user_model):
    user = django_user_model.objects.create_user("adder", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="exchanges", codename__in=["add_region", "view_region"]
        )
    )
    client.force_login(user)
    return client


def test_a_user_who_may_only_add_cannot_change_a_region_by_import(add_only_client):
    region = Region.objects.create(slug="sheet-test-old", name_en="Old", country="JP", level="city")
    sheet = region_sheet(region, changes={"name_en": "Changed"}, new=NEW_REGION)
    response = preview(add_only_client, Region, "regions.csv", sheet)
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    (invalid,) = response.context["result"].invalid_rows
    message = f"Row 2: the region with id {region.pk} already exists"
    assert message in invalid.non_field_specific_errors[0]
    assert message in response.content.decode()
    region.refresh_from_db()
    assert region.name_en == "Old"
    assert not Region.objects.filter(slug="sheet-test-new").exists()


def test_a_user_who_may_only_add_imports_new_rows_beside_unchanged_ones(add_only_client):
    region = Region.objects.create(slug="sheet-test-old", name_en="Old", country="JP", level="city")
    response = preview(add_only_client, Region, "regions.csv", region_sheet(region, new=NEW_REGION))
    confirmed = add_only_client.post(admin_url(Region, "process_import"), confirm_data(response))
    assert confirmed.status_code == 302
    assert Region.objects.get(slug="sheet-test-new").name_en == "New"


def test_a_user_who_may_change_updates_a_region_by_import(admin_client):
    region = Region.objects.create(slug="sheet-test-old", name_en="Old", country="JP", level="city")
    sheet = region_sheet(region, changes={"name_en": "Changed"})
    response = preview(admin_client, Region, "regions.csv", sheet)
    confirmed = admin_client.post(admin_url(Region, "process_import"), confirm_data(response))
    assert confirmed.status_code == 302
    region.refresh_from_db()
    assert region.name_en == "Changed"


# The confirm step ----------------------------------------------------------------------------


@pytest.fixture
def confirmation(admin_client):
    sheet = region_sheet(make.region(), new=NEW_REGION)
    return confirm_data(preview(admin_client, Region, "regions.csv", sheet))


def gone(data: dict, field: str) -> dict:
    return {name: value for name, value in data.items() if name != field}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda data: {**data, "import_file_name": "../../../etc/passwd"},
        lambda data: {**data, "import_file_name": "/etc/passwd"},
        lambda data: {**data, "import_file_name": "no-such-file"},
        lambda data: gone(data, "import_file_name"),
        lambda data: {**data, "original_file_name": "other.csv"},
        lambda data: gone(data, "original_file_name"),
        lambda data: {**data, "format": "x"},
        lambda data: {**data, "format": "99"},
        lambda data: {**data, "format": "1"},
        lambda data: gone(data, "format"),
        lambda data: {**data, "resource": "7"},
        lambda data: {**data, "resource": "x"},
        lambda data: {**data, "token": "forged"},
        lambda data: gone(data, "token"),
        lambda data: {},
    ],
    ids=[
        "file-outside",
        "file-absolute",
        "file-missing-on-disk",
        "file-field-missing",
        "original-changed",
        "original-missing",
        "format-not-a-number",
        "format-out-of-range",
        "format-other",
        "format-missing",
        "resource-out-of-range",
        "resource-not-a-number",
        "token-forged",
        "token-missing",
        "nothing",
    ],
)
def test_a_tampered_confirm_step_answers_400_and_imports_nothing(
    admin_client, confirmation, tamper
):
    response = admin_client.post(admin_url(Region, "process_import"), tamper(confirmation))
    assert response.status_code == 400
    assert not Region.objects.filter(slug="sheet-test-new").exists()


def test_a_confirmation_is_for_the_user_who_saw_the_preview(
    confirmation, client, django_user_model
):
    other = django_user_model.objects.create_superuser("other", "other@example.org", "pw")
    client.force_login(other)
    response = client.post(admin_url(Region, "process_import"), confirmation)
    assert response.status_code == 400
    assert not Region.objects.filter(slug="sheet-test-new").exists()


def test_confirming_twice_imports_once_and_then_answers_400(admin_client, confirmation):
    url = admin_url(Region, "process_import")
    assert admin_client.post(url, confirmation).status_code == 302
    again = admin_client.post(url, confirmation)
    assert again.status_code == 400
    assert "no longer there" in again.content.decode()
    assert Region.objects.filter(slug="sheet-test-new").count() == 1


# Limits ---------------------------------------------------------------------------------------


def import_error(response) -> str:
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    return " ".join(response.context["form"].errors.get("import_file", []))


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(workbook: bytes, write_sheet) -> bytes:
    """The workbook with its first sheet's XML replaced by what ``write_sheet`` writes."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for member in source.infolist():
            if member.filename == "xl/worksheets/sheet1.xml":
                with target.open(member.filename, "w", force_zip64=True) as sheet:
                    write_sheet(sheet)
            else:
                target.writestr(member, source.read(member))
    return buffer.getvalue()


def bomb(unzipped_megabytes: int) -> bytes:
    """A real XLSX whose sheet XML inflates to the given size, of the same row repeated."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
    count = unzipped_megabytes * 1024 * 1024 // len(row)

    def write(sheet):
        sheet.write(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        )
        sheet.write(b"<sheetData>")
        for _ in range(count):
            sheet.write(row)
        sheet.write(b"</sheetData></worksheet>")

    return with_sheet_xml(xlsx([["id", "slug"]]), write)


@pytest.mark.parametrize(
    "megabytes, message",
    [(300, "workbooks up to 50.0\xa0MB unpacked"), (40, "times its size")],
    ids=["hundreds-of-mb", "absurd-ratio"],
)
def test_a_zip_bomb_is_refused_before_it_is_parsed(admin_client, megabytes, message):
    content = bomb(megabytes)
    assert len(content) < megabytes * 1024 * 1024 // 250  # a few hundred KB at most
    started = time.monotonic()
    response = preview(admin_client, Region, "regions.xlsx", content, spreadsheets.XLSX)
    assert time.monotonic() - started < 2
    assert message in import_error(response)
    kept = response.context["form"].files["import_file"].tmp_storage_name
    assert not os.path.exists(os.path.join(tempfile.gettempdir(), kept))


def test_a_small_xlsx_that_claims_every_cell_is_refused_quickly(admin_client):
    workbook = openpyxl.Workbook()
    workbook.active.append(["id", "slug"])
    workbook.active["XFD1048576"] = "x"  # the last cell a sheet can have
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(buffer.getvalue()) < 10_000
    started = time.monotonic()
    response = preview(admin_client, Region, "regions.xlsx", buffer.getvalue(), spreadsheets.XLSX)
    assert time.monotonic() - started < 2
    assert "more than 10,000 rows" in import_error(response)


@override_settings(SPREADSHEET_IMPORT_MAX_ROWS=3)
@pytest.mark.parametrize("format_class", [spreadsheets.CSV, spreadsheets.XLSX])
def test_a_sheet_over_the_row_limit_is_refused(admin_client, format_class):
    rows = [["slug", "name_en", "country", "level"]] + [
        [f"sheet-test-{n}", f"Row {n}", "JP", "city"] for n in range(4)
    ]
    if format_class is spreadsheets.XLSX:
        content = xlsx(rows)
    else:
        content = "\n".join(",".join(row) for row in rows).encode()
    response = preview(
        admin_client, Region, f"regions.{format_class().get_extension()}", content, format_class
    )
    assert "more than 3 rows" in import_error(response)
    assert not Region.objects.filter(slug__startswith="sheet-test-").exists()


@override_settings(SPREADSHEET_IMPORT_MAX_BYTES=1000)
def test_an_upload_over_the_size_limit_is_refused(admin_client):
    content = b"slug,name_en\n" + b"sheet-test,Name\n" * 100
    response = preview(admin_client, Region, "regions.csv", content)
    assert "files up to 1000" in import_error(response)


@pytest.mark.parametrize(
    "content", [b"slug,name_en\nnot a zip", b"PK\x03\x04 truncated"], ids=["text", "truncated-zip"]
)
def test_an_xlsx_that_is_not_a_zip_is_refused(admin_client, content):
    response = preview(admin_client, Region, "regions.xlsx", content, spreadsheets.XLSX)
    assert "not a valid XLSX workbook" in import_error(response)


def test_a_csv_in_an_encoding_the_import_does_not_read_is_refused(admin_client):
    content = "slug,name_en\nsheet-test,新潟\n".encode("utf-16")
    response = preview(admin_client, Region, "regions.csv", content)
    assert "File to import: The text is in none of the encodings" in import_error(response)


@pytest.mark.parametrize(
    "content",
    [b"slug,name_en\nsheet-test,a,b,c\n", b'slug,name_en\n"' + b"x" * 200_000 + b'"\n'],
    ids=["ragged-rows", "overlong-cell"],
)
def test_a_garbled_csv_is_refused(admin_client, content):
    response = preview(admin_client, Region, "regions.csv", content)
    assert "could not be read as CSV" in import_error(response)
