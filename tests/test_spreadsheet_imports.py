"""Spreadsheets from the Japanese, Korean and Chinese offices, through the admin.

A CSV that Excel saved in an office's encoding (Shift_JIS, EUC-KR, GB18030, or UTF-8 with or
without its byte-order mark) imports with its names intact, and the preview says which encoding
it was read in; garbled text is refused with a message naming the file field. The admin's
exports open in a spreadsheet as they are and import back unchanged, writing no history. A
region the sheet names wrongly is an error of its row, numbered as the spreadsheet numbers it,
and of its column. The import and export screens speak the staff's language. Each test builds
its own records (tests/factories.py).
"""

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import import_export
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from import_export.forms import SelectableFieldsExportForm

from exchanges import spreadsheets, text_encodings
from exchanges.models import Firm, Mission, OverseasOffice, Region, SisterTie
from exchanges.resources import resource_for

from . import factories as make
from .test_i18n import LOCALES, untranslated

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def admin_url(model, view: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def preview(client, model, content: bytes, *, name="sheet.csv", encoding="", language="en"):
    format_class = spreadsheets.XLSX if name.endswith(".xlsx") else spreadsheets.CSV
    return client.post(
        admin_url(model, "import", language),
        {
            "resource": "0",
            "format": str(spreadsheets.IMPORT_FORMATS.index(format_class)),
            "encoding": encoding,
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def confirm(client, model, response, language="en"):
    form = response.context.get("confirm_form")
    result = response.context.get("result")
    assert form is not None, (
        response.context["form"].errors,
        result and [row.error_dict for row in result.invalid_rows],
        result and [error.error for error in result.base_errors],
    )
    data = {name: form[name].value() for name in form.fields}
    return client.post(admin_url(model, "process_import", language), data)


def file_error(response) -> str:
    """The message the import form shows on its file field, the preview refused."""
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    return " ".join(response.context["form"].errors.get("import_file", []))


def export(client, model, format_class, token: str, language="en"):
    """The admin's export of the test's own records (its search for ``token``), every column."""
    resource_class = resource_for(model)
    data = {"format": str(spreadsheets.EXPORT_FORMATS.index(format_class)), "resource": "0"}
    for field in resource_class().get_export_order():
        data[SelectableFieldsExportForm.create_boolean_field_name(resource_class, field)] = "on"
    response = client.post(f"{admin_url(model, 'export', language)}?q={token}", data)
    assert response.status_code == 200, response.content[:300]
    return response


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # as Excel writes it
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def opened_in_japanese_excel(text: str) -> str:
    """What Excel on Japanese Windows shows of a UTF-8 file without a byte-order mark: its
    bytes read as CP932, a byte that starts no character there shown as ・."""
    return text.encode("utf-8").decode("cp932", errors="replace").replace("\ufffd", "・")


# Encodings --------------------------------------------------------------------------------

# A region of each country, named in the four languages; a sheet in an encoding leaves empty the
# names it cannot hold: Shift_JIS has no Hangul and no simplified Chinese characters, EUC-KR
# has kana and traditional Han characters but no simplified ones.
NAMES = [
    ("JP", "Minato Kaku City", "みなと架空市", "港架空市", "미나토가쿠시"),
    ("KR", "Gasang Harbour City", "架空港市", "架空港市", "가상항구시"),
    ("CN", "Kakong Border County", "架空辺県", "架空边县", "가공변현"),
]
HEADER = ["slug", "name_en", "name_ja", "name_zh", "name_ko", "country", "level"]


def holds(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def region_rows(token: str, encoding: str) -> list[list[str]]:
    return [
        [
            f"tf-{token}-sheet-{index}",
            name_en,
            *(n if holds(n, encoding) else "" for n in names),
            c,
            "city",
        ]
        for index, (c, name_en, *names) in enumerate(NAMES)
    ]


@pytest.mark.parametrize(
    "encoding, read_as",
    [
        ("cp932", "cp932"),
        ("cp949", "cp949"),
        ("gb18030", "gb18030"),
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8"),
    ],
)
def test_a_sheet_saved_in_each_offices_encoding_keeps_its_names(admin_client, encoding, read_as):
    token = make.new_token()
    rows = region_rows(token, encoding)
    scripts = {
        script
        for row in rows
        for name in row[2:5]
        for script, pattern in (("kana", "[ぁ-ヶ]"), ("han", "[一-鿿]"), ("hangul", "[가-힣]"))
        if re.search(pattern, name)
    }
    assert scripts >= {"kana", "han"} and ("hangul" in scripts) == (encoding != "cp932")
    content = csv_text(HEADER, rows).encode(encoding)

    response = preview(admin_client, Region, content)
    assert response.context["form"].decoded.encoding == read_as
    reading = f"Read as {text_encodings.name_of(read_as)} (detected)."
    assert reading in response.content.decode()
    assert confirm(admin_client, Region, response).status_code == 302

    for slug, name_en, name_ja, name_zh, name_ko, country, _level in rows:
        region = Region.objects.get(slug=slug)
        assert (region.name_en, region.name_ja, region.name_zh, region.name_ko) == (
            name_en,
            name_ja,
            name_zh,
            name_ko,
        )
        assert region.country == country


def test_the_encoding_chosen_is_the_one_read(admin_client):
    token = make.new_token()
    content = csv_text(HEADER, region_rows(token, "cp932")).encode("cp932")
    chosen = preview(admin_client, Region, content, encoding="cp932")
    assert "Read as Shift_JIS (CP932, Japanese Windows), as chosen." in chosen.content.decode()
    wrong = preview(admin_client, Region, content, encoding="utf-8")
    assert file_error(wrong) == (
        "File to import: The text is not UTF-8: line 2 holds bytes that encoding does not have. "
        "Choose the file's encoding, or “Detect”."
    )
    assert not Region.objects.filter(slug__startswith=f"tf-{token}-").exists()


@pytest.mark.parametrize(
    "text, encoding, detected",
    [
        ("name_ja\n新潟県見附市\nみなと架空市\n", "cp932", "cp932"),
        ("name_ko\n경상남도 창원시\n가상항구시\n", "cp949", "cp949"),
        ("name_zh\n延边朝鲜族自治州\n架空边县\n", "gb18030", "gb18030"),
        ("name_ja,name_ko\nみなと架空市,가상항구시\n", "cp949", "cp949"),
        ("name_ja,name_ko\nみなと架空市,가상항구시\n", "gb18030", "gb18030"),
    ],
)
def test_detection_reads_each_legacy_encoding(text, encoding, detected):
    decoded = text_encodings.decode(text.encode(encoding))
    assert (decoded.text, decoded.encoding, decoded.detected) == (text, detected, True)


def test_utf8_with_damaged_characters_is_refused():
    """What a spreadsheet that misread a UTF-8 file leaves when it saves it again: the bytes
    its code page had no character for replaced."""
    damaged = "name_ja\nみなと架空市\n新潟県見附市\n".encode().replace(b"\x82", b"?", 1)
    with pytest.raises(text_encodings.UnreadableText, match="damaged from line 2 on"):
        text_encodings.decode(damaged)


@pytest.mark.parametrize(
    "text, garbled",
    [
        (opened_in_japanese_excel("みなと架空市"), True),  # 縺ｿ縺ｪ縺ｨ譫ｶ遨ｺ蟶・
        (opened_in_japanese_excel("新潟県"), True),
        ("Qu\u00c3\u00a9bec", True),  # é read as Windows-1252
        ("名\ufffd市", True),
        ("みなと架空市", False),
        ("가상항구시 (架空港市)", False),
        ("延边朝鲜族自治州", False),
        ("ｶﾌﾞｼｷｶﾞｲｼｬ ｶｸｳ", False),  # half-width katakana on their own, as old systems write
        ("Québec", False),
    ],
)
def test_garbled_text_is_told_from_text(text, garbled):
    assert bool(text_encodings.garbled(text)) is garbled


def garbled_sheet(token: str) -> str:
    """A Japanese office's sheet: a region named in Japanese and Chinese."""
    return csv_text(HEADER, region_rows(token, "cp932")[:1])


@pytest.mark.parametrize(
    "saved_as",
    ["utf-8-sig", "cp932"],
    ids=["saved-as-csv-utf8", "saved-as-csv"],
)
def test_a_sheet_garbled_by_opening_it_in_the_wrong_encoding_is_refused(admin_client, saved_as):
    """The admin's old export without a byte-order mark, opened in Japanese Excel and saved
    again, as "CSV UTF-8" or as "CSV" (Shift_JIS)."""
    token = make.new_token()
    content = opened_in_japanese_excel(garbled_sheet(token)).encode(saved_as)
    message = file_error(preview(admin_client, Region, content))
    assert message.startswith("File to import: The text in row 2, column name_ja is garbled (“")
    assert not Region.objects.filter(slug__startswith=f"tf-{token}-").exists()


def test_a_workbook_with_garbled_text_is_refused_in_the_staffs_language(admin_client):
    token = make.new_token()
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(
        [f"tf-{token}-1", "Minato", opened_in_japanese_excel("みなと架空市"), "", "", "JP", "city"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = preview(admin_client, Region, buffer.getvalue(), name="s.xlsx", language="ja")
    message = file_error(response)
    assert message.startswith("インポートするファイル：2 行目、列 name_ja の文字が化けています")
    assert not Region.objects.filter(slug__startswith=f"tf-{token}-").exists()


# Exports ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "format_class, delimiter", [(spreadsheets.CSV, ","), (spreadsheets.TSV, "\t")]
)
def test_an_admin_text_export_starts_with_a_byte_order_mark(admin_client, format_class, delimiter):
    token = make.new_token()
    region = make.region(token, name_ja="みなと架空市", name_zh="港架空市", name_ko="가상항구시")
    response = export(admin_client, Region, format_class, token)
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"].endswith("; charset=utf-8")
    text = response.content.decode("utf-8")[1:]  # after the byte-order mark
    header, *rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    (cells,) = [dict(zip(header, row, strict=True)) for row in rows]
    assert (cells["slug"], cells["name_ja"], cells["name_zh"], cells["name_ko"]) == (
        region.slug,
        "みなと架空市",
        "港架空市",
        "가상항구시",
    )
    reimport = preview(
        admin_client, Region, response.content, name=f"r.{format_class().get_title()}"
    )
    assert [row.import_type for row in reimport.context["result"].rows] == ["skip"]


def test_an_admin_xlsx_export_reads_back_with_openpyxl(admin_client):
    token = make.new_token()
    region = make.region(token, name_ja="みなと架空市", name_ko="가상항구시")
    tie = make.tie(token, region_a=region, **make.year("established", 1993))
    response = export(admin_client, SisterTie, spreadsheets.XLSX, token)
    assert response["Content-Type"] == XLSX_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    (cells,) = [dict(zip(header, row, strict=True)) for row in rows]
    assert cells["id"] == tie.pk
    assert cells["region_a"] == region.slug  # regions are written by slug
    assert cells["established"].date() == datetime.date(1993, 1, 1)


# Unchanged rows ---------------------------------------------------------------------------------


def records_of_every_kind(token: str) -> dict:
    """Records with dates, decimals, empty texts and many-to-many links."""
    japanese = make.region(
        token,
        name_ja="みなと架空市",
        latitude=Decimal("35.123456"),
        longitude=Decimal("-135.5"),
        coordinates_basis="context",
        population=123_456,
    )
    korean = make.region(token, country="KR", name_ko="가상항구시")
    partner = make.firm(token)
    firm = make.firm(
        token,
        region=japanese,
        registered_capital=Decimal("123456789.50"),
        capital_currency="JPY",
        capital_year=2020,
    )
    firm.partners.add(partner)
    tie = make.tie(
        token,
        region_a=japanese,
        region_b=korean,
        **make.year("established", 1990),
        ended=datetime.date(2005, 7, 1),
        ended_precision="month",
        status="ended",
    )
    office = make.office(
        token,
        operator_region=japanese,
        host_region=korean,
        opened=datetime.date(1996, 7, 1),
        opened_precision="month",
    )
    mission = make.mission(
        token,
        origin_regions=[japanese],
        destination_regions=[korean],
        participating_firms=[firm, partner],
        start=datetime.date(2019, 10, 14),
        start_precision="day",
        end=datetime.date(2019, 10, 17),
        end_precision="day",
        outcome_value=Decimal("0.10"),
        outcome_currency="KRW",
    )
    return {Region: japanese, Firm: firm, SisterTie: tie, OverseasOffice: office, Mission: mission}


def cells(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize(
    "model", [Region, Firm, SisterTie, OverseasOffice, Mission], ids=lambda m: m.__name__
)
def test_an_unchanged_xlsx_export_imports_as_unchanged_and_writes_no_history(admin_client, model):
    token = make.new_token()
    record = records_of_every_kind(token)[model]
    exported = export(admin_client, model, spreadsheets.XLSX, token)
    rows = cells(exported.content)
    assert len(rows) > 1 and record.pk in [row[0] for row in rows[1:]]
    history, updated = model.history.count(), model.objects.get(pk=record.pk).updated

    response = preview(admin_client, model, exported.content, name="sheet.xlsx")
    result = response.context["result"]
    assert {row.import_type for row in result.rows} == {"skip"}, [
        row.diff for row in result.rows if row.import_type != "skip"
    ]
    assert confirm(admin_client, model, response).status_code == 302

    assert model.history.count() == history
    assert model.objects.get(pk=record.pk).updated == updated
    assert cells(export(admin_client, model, spreadsheets.XLSX, token).content) == rows


def test_a_changed_row_is_updated_and_an_edited_derived_column_changes_nothing(admin_client):
    token = make.new_token()
    region = make.region(token, name_ja="みなと架空市")
    workbook = openpyxl.load_workbook(
        io.BytesIO(export(admin_client, Region, spreadsheets.XLSX, token).content)
    )
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    sheet.cell(2, header.index("search_text") + 1, "edited by hand")
    buffer = io.BytesIO()
    workbook.save(buffer)
    unchanged = preview(admin_client, Region, buffer.getvalue(), name="r.xlsx")
    assert [row.import_type for row in unchanged.context["result"].rows] == ["skip"]

    sheet.cell(2, header.index("name_ko") + 1, "미나토가쿠시")
    buffer = io.BytesIO()
    workbook.save(buffer)
    changed = preview(admin_client, Region, buffer.getvalue(), name="r.xlsx")
    assert [row.import_type for row in changed.context["result"].rows] == ["update"]
    history = region.history.count()
    assert confirm(admin_client, Region, changed).status_code == 302
    region.refresh_from_db()
    assert region.name_ko == "미나토가쿠시"
    assert region.search_text != "edited by hand"
    latest = region.history.latest()
    assert region.history.count() == history + 1
    assert [change.field for change in latest.diff_against(latest.prev_record).changes] == [
        "name_ko"
    ]


# Linked records -------------------------------------------------------------------------------

TIE_HEADER = ["region_a", "region_b", "tie_type", "status"]


def test_a_region_may_be_named_by_slug_id_or_any_of_its_names(admin_client):
    token = make.new_token()
    niigata = make.region(token, name_ja="架空新潟県", name_zh="架空新泻县", name_ko="가공니가타현")
    korean = [make.region(token, country="KR") for _ in range(4)]
    rows = [
        [niigata.slug, korean[0].slug, "sister", "active"],
        [str(niigata.pk), korean[1].name_en.upper(), "friendship", "active"],
        ["架空新潟県", korean[2].pk, "economic_partnership", "active"],
        ["가공니가타현", korean[3].slug, "sister", "active"],
    ]
    response = preview(admin_client, SisterTie, csv_text(TIE_HEADER, rows).encode())
    assert confirm(admin_client, SisterTie, response).status_code == 302
    partners = SisterTie.objects.filter(region_a=niigata).values_list("region_b", flat=True)
    assert sorted(partners) == sorted(region.pk for region in korean)


def test_an_unknown_or_ambiguous_region_is_an_error_of_its_row_and_column(admin_client):
    token = make.new_token()
    first, second = make.region(token), make.region(token, country="KR")
    twins = [make.region(token, country="KR", name_ja="架空双子市") for _ in range(2)]
    rows = [
        [first.slug, second.slug, "sister", "active"],
        [first.slug, "tf-no-such-region", "sister", "active"],
        [first.slug, "架空双子市", "friendship", "active"],
    ]
    response = preview(admin_client, SisterTie, csv_text(TIE_HEADER, rows).encode())
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    invalid = response.context["result"].invalid_rows
    assert [row.number for row in invalid] == [3, 4]  # the header is row 1
    assert invalid[0].field_specific_errors == {
        "region_b": ["No region has the slug, id or name “tf-no-such-region”."]
    }
    (several,) = invalid[1].field_specific_errors["region_b"]
    assert several.startswith("“架空双子市” is the name of several regions: ")
    assert all(twin.slug in several for twin in twins)
    assert several.endswith("Give the slug of the one you mean.")
    page = response.content.decode()
    assert "No region has the slug, id or name “tf-no-such-region”." in page
    assert not SisterTie.objects.filter(region_a=first).exists()


def test_an_unknown_region_among_a_missions_regions_is_an_error_of_that_column(admin_client):
    token = make.new_token()
    origin, destination = make.region(token), make.region(token, country="KR")
    header = ["name_en", "kind", "origin_regions", "destination_regions"]
    rows = [
        [f"Mission {token}", "trade", f"{origin.slug}|tf-nowhere", destination.name_en],
    ]
    response = preview(admin_client, Mission, csv_text(header, rows).encode(), language="ja")
    (invalid,) = response.context["result"].invalid_rows
    assert invalid.number == 2
    assert invalid.field_specific_errors == {
        "origin_regions": ["スラッグ・ID・名称のいずれかが「tf-nowhere」である地域はありません。"]
    }
    assert not Mission.objects.filter(name_en=f"Mission {token}").exists()


def test_a_value_the_field_cannot_hold_is_refused_in_the_staffs_language(admin_client):
    token = make.new_token()
    header = ["slug", "name_en", "country", "level", "population"]
    rows = [[f"tf-{token}-1", "Minato", "JP", "city", "many"]]
    response = preview(admin_client, Region, csv_text(header, rows).encode(), language="ko")
    (invalid,) = response.context["result"].invalid_rows
    assert invalid.number == 2
    with translation.override("ko"):
        message = Region._meta.get_field("population").error_messages["invalid"]
        assert invalid.field_specific_errors == {"population": [message % {"value": "many"}]}
    assert "정수" in message


# The screens in the staff's language ----------------------------------------------------------

PO_ENTRY = re.compile(r'^msgid "(.*)"\n((?:".*"\n)*)(?:msgid_plural "(.*)"\n)?', re.M)


def library_msgids() -> list[tuple[str, str | None]]:
    """The English messages of django-import-export, as its catalogues list them."""
    po = Path(import_export.__file__).parent / "locale" / "ja" / "LC_MESSAGES" / "django.po"
    entries = []
    for match in PO_ENTRY.finditer(po.read_text(encoding="utf-8")):
        msgid = match.group(1) + "".join(re.findall(r'^"(.*)"$', match.group(2), re.M))
        if msgid:
            entries.append((msgid.replace('\\"', '"'), match.group(3)))
    return entries


def library_translations() -> dict[str, str]:
    return {
        msgid: translation.ngettext(msgid, plural, 1) if plural else translation.gettext(msgid)
        for msgid, plural in library_msgids()
    }


@pytest.mark.parametrize("language", list(LOCALES))
def test_the_library_messages_are_all_translated(language):
    with translation.override(language):
        translations = library_translations()
    assert len(translations) > 30
    assert [msgid for msgid, translated in translations.items() if translated == msgid] == []


def import_export_pages(client, language: str) -> tuple[dict, set[str]]:
    """The import form, a preview, a refused file, rows refused, the message after an import
    and the export form, as staff see them in ``language``; and the cells of the sheets they
    show, which are the sheets' own words, in whatever language."""
    token = make.new_token()
    make.region(token, name_ja="みなと架空市")
    rows = region_rows(token, "utf-8")
    new_sheet = csv_text(HEADER, rows).encode("utf-8-sig")
    bad_sheet = csv_text(HEADER, [[*rows[0][:5], "JP", "no-such-level"]]).encode()
    garbled = opened_in_japanese_excel(garbled_sheet(token)).encode("utf-8")
    shown = preview(client, Region, new_sheet, language=language)
    done = confirm(client, Region, shown, language)
    assert done.status_code == 302
    after = client.get(done.url)  # the first page after the import shows its message
    cells = {cell for row in [HEADER, *rows, ["no-such-level"]] for cell in row}
    cells |= set(resource_for(Region)().get_export_order())  # the columns the preview shows
    return {
        "import form": client.get(admin_url(Region, "import", language)),
        "preview": shown,
        "refused file": preview(client, Region, garbled, language=language),
        "refused rows": preview(client, Region, bad_sheet, language=language),
        "after the import": after,
        "export form": client.get(admin_url(Region, "export", language)),
    }, cells


@pytest.mark.parametrize("language", list(LOCALES))
def test_the_import_and_export_screens_have_no_english(admin_client, language):
    locale = LOCALES[language]
    with translation.override(language):
        library = library_translations()
    pages, cells = import_export_pages(admin_client, language)
    problems = {}
    for page, response in pages.items():
        assert response.status_code == 200, page
        html = response.content.decode()
        assert f'<html lang="{language}"' in html, page
        leftovers = untranslated(html, locale) - cells
        leftovers |= untranslated(html, locale, library)
        if leftovers:
            problems[page] = sorted(leftovers)
    assert problems == {}


def test_the_japanese_screens_say_what_happened(admin_client):
    pages = {
        page: response.content.decode()
        for page, response in import_export_pages(admin_client, "ja")[0].items()
    }
    assert "文字コード" in pages["import form"]
    assert "UTF-8 として読み込みました（自動判定）。" in pages["preview"]
    assert (
        "インポートするファイル：2 行目、列 name_ja の文字が化けています" in pages["refused file"]
    )
    assert "検証に失敗した行があります" in pages["refused rows"]
    assert "地域のインポートが完了しました: 新規 3 件、更新 0 件" in pages["after the import"]
    assert "名称（英語） (name_en)" in pages["export form"]
    assert "すべて選択" in pages["export form"]
