"""Citing the directory: the version and last change on every page, the "Cite this" box and its
permalink, the sources as BibTeX, RIS and CSL-JSON, and the About page. Each test builds its
records (tests/factories.py)."""

import datetime
import html
import json
import re

import bibtexparser
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from exchanges import citing
from exchanges.licences import DATA_LICENSES
from exchanges.models import Region
from tests.query_counts import RecordQueries

from . import factories as make
from .test_i18n import LOCALES, untranslated

pytestmark = pytest.mark.django_db

CITE_BOX = re.compile(r'<section class="cite-box".*?</section>', re.S)
FOOTER_VERSION = re.compile(r'<p class="dataset-version">(.*?)</p>', re.S)


def cite_box(response) -> str:
    assert response.status_code == 200
    found = CITE_BOX.search(response.content.decode())
    assert found, "the page has no Cite box"
    return found.group(0)


def cited(box: str, format_id: str) -> str:
    """The text of one format of the box (``cite-text``, ``cite-bibtex``, ``cite-ris``)."""
    found = re.search(rf'<pre class="cite-code" id="{format_id}"[^>]*>(.*?)</pre>', box, re.S)
    return html.unescape(found.group(1))


def permalink_of(box: str) -> str:
    return html.unescape(re.search(r'id="cite-permalink" href="([^"]+)"', box).group(1))


def utc_date(moment) -> str:
    return moment.astimezone(datetime.UTC).date().isoformat()


# --- version and last change ----------------------------------------------------------------


def test_every_page_shows_the_version_and_the_day_the_data_last_changed(client):
    region = make.region()
    Region.objects.filter(pk=region.pk).update(
        updated=datetime.datetime(2031, 3, 4, 5, 6, tzinfo=datetime.UTC)
    )
    source = make.source()
    pages = [
        reverse("exchanges:home"),
        reverse("exchanges:region-list"),
        region.get_absolute_url(),
        source.get_absolute_url(),
        reverse("exchanges:stats"),
        reverse("exchanges:map"),
        reverse("exchanges:network"),
        reverse("exchanges:about"),
        reverse("exchanges:data_package"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        footer = FOOTER_VERSION.search(response.content.decode()).group(1)
        assert f"Version {citing.project_version()}, data of" in footer, url
        assert ">2031-03-04</time>" in footer, url
    assert citing.dataset().version == f"{citing.project_version()}, data of 2031-03-04"


def test_the_last_change_is_one_query_and_then_cached(client):
    make.region()
    with CaptureQueriesContext(connection) as queries:
        moment = citing.read_last_change()
    assert len(queries) == 1
    assert "UNION ALL" in queries[0]["sql"]
    newest = max(Region.objects.values_list("updated", flat=True))
    assert moment >= newest

    url = reverse("exchanges:about")

    def latest_queries():
        with RecordQueries() as recorded:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in recorded if "UNION ALL" in q["sql"]]

    assert len(latest_queries()) == 1  # the first page computes it
    assert latest_queries() == []  # every later one reads it from the cache


# --- the Cite box -------------------------------------------------------------------------


def test_the_permalink_keeps_the_filters_in_order_and_drops_page_and_downloads(client):
    url = reverse("exchanges:sistertie-list")
    response = client.get(
        url, {"sort": "-established", "page": "2", "per_page": "5", "kind": "", "pair": "JP-KR"}
    )
    box = cite_box(response)
    link = permalink_of(box)
    assert link == f"http://testserver{url}?pair=JP-KR&sort=-established"
    same = permalink_of(cite_box(client.get(url, {"pair": "JP-KR", "sort": "-established"})))
    assert same == link
    text = cited(box, "cite-text")
    today = datetime.date.today().isoformat()
    assert text.startswith(f"regiontrade ({citing.dataset().data_date.year}). Ties (")
    assert "[Data set], version " in text
    assert f"retrieved {today}, {link}" in text


def test_the_permalink_follows_the_proxy_scheme_and_host(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["regiontrade.example.org"]
    settings.SECURE_SSL_REDIRECT = False
    response = client.get(
        reverse("exchanges:region-list"),
        {"country": "KR"},
        HTTP_HOST="regiontrade.example.org",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert permalink_of(cite_box(response)) == "https://regiontrade.example.org/regions/?country=KR"


def test_the_cite_box_is_on_lists_records_and_pictures_not_on_refused_pages(client):
    tie = make.tie()
    for url in [
        reverse("exchanges:sistertie-list"),
        tie.get_absolute_url(),
        tie.region_a.get_absolute_url(),
        reverse("exchanges:stats") + "?pair=JP-KR",
        reverse("exchanges:map") + "?pair=JP-KR",
        reverse("exchanges:network") + "?pair=JP-KR",
    ]:
        box = cite_box(client.get(url))
        assert "copy-button" in box and 'id="cite-permalink"' in box, url
    refused = client.get(reverse("exchanges:sistertie-list"), {"per_page": "0"})
    assert refused.status_code == 400
    assert not CITE_BOX.search(refused.content.decode())
    assert not CITE_BOX.search(client.get(reverse("exchanges:home")).content.decode())


def test_a_page_citation_parses_as_bibtex_and_ris(client):
    region = make.region(name_ja="架空市")
    url = f"/ja{region.get_absolute_url()}"
    box = cite_box(client.get(url))
    link = permalink_of(box)
    assert link == f"http://testserver{url}"

    library = bibtexparser.parse_string(cited(box, "cite-bibtex"))
    assert library.failed_blocks == []
    (entry,) = library.entries
    fields = {name: field.value for name, field in entry.fields_dict.items()}
    assert entry.entry_type == "misc"
    # bibtexparser hands values back without their enclosing braces.
    assert fields["title"] == "架空市"
    assert fields["author"] == "{regiontrade}"  # a name not to be split
    assert fields["url"] == link
    assert fields["urldate"] == datetime.date.today().isoformat()
    assert citing.project_version() in fields["version"]

    (reference,) = rispy.loads(cited(box, "cite-ris"))
    assert reference["type_of_reference"] == "DATA"
    assert reference["title"] == "架空市"
    assert reference["authors"] == ["regiontrade"]
    assert reference["urls"] == [link]
    assert reference["access_date"] == datetime.date.today().isoformat()


# --- sources as reference-manager files ------------------------------------------------------


@pytest.fixture
def paper():
    return make.japanese_paper(url="https://example.org/erina-90.pdf")


def test_a_source_as_bibtex(client, paper):
    response = client.get(f"/sources/{paper.pk}.bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="source-{paper.pk}.bib"'
    library = bibtexparser.parse_string(response.content.decode("utf-8"))
    assert library.failed_blocks == []
    (entry,) = library.entries
    fields = {name: field.value for name, field in entry.fields_dict.items()}
    assert (entry.entry_type, entry.key) == ("article", f"regiontrade-source-{paper.pk}")
    assert fields["title"] == "日中間における地方経済の連携の可能性"
    assert fields["author"] == "{穆尭芋 (Mu Yaoqian), ERINA}"  # one name, as written
    assert fields["journal"] == "ERINA REPORT Vol. 90"
    assert (fields["year"], fields["month"], fields["date"]) == ("2009", "11", "2009-11")
    assert fields["pages"] == "36--42"
    assert fields["language"] == "japanese"
    assert fields["url"] == "https://example.org/erina-90.pdf"
    assert "The Potential for Regional Economic Coordination" in fields["note"]


def test_a_source_as_ris(client, paper):
    response = client.get(f"/sources/{paper.pk}.ris")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    (reference,) = rispy.loads(response.content.decode("utf-8"))
    assert reference["type_of_reference"] == "JOUR"
    assert reference["title"] == paper.title
    assert reference["translated_title"] == paper.title_en
    assert reference["authors"] == ["穆尭芋 (Mu Yaoqian), ERINA"]
    assert reference["secondary_title"] == "ERINA REPORT Vol. 90"
    assert (reference["year"], reference["date"]) == ("2009", "2009/11")
    assert (reference["start_page"], reference["end_page"]) == ("36", "42")
    assert reference["urls"] == [paper.url]


def test_a_source_as_csl_json_renders_with_citeproc(client, paper):
    report = make.source(title="한일 지역간 경제교류포럼 보고", kind="report", language="ko")
    items = []
    for source in (paper, report):
        response = client.get(f"/sources/{source.pk}.csl.json")
        assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
        items += json.loads(response.content)
    assert items[0]["type"] == "article-journal"
    assert items[0]["issued"] == {"date-parts": [[2009, 11]]}
    assert items[0]["author"] == [{"literal": "穆尭芋 (Mu Yaoqian), ERINA"}]
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), citeproc_formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = "\n".join(str(entry) for entry in bibliography.bibliography())
    assert "穆尭芋 (Mu Yaoqian), ERINA" in rendered
    assert "日中間における地方経済の連携の可能性" in rendered
    assert "ERINA REPORT Vol. 90" in rendered
    assert "2009" in rendered
    assert "한일 지역간 경제교류포럼 보고" in rendered


def test_a_source_page_offers_its_entries_and_unknown_files_are_not_found(client, paper):
    page = client.get(paper.get_absolute_url()).content.decode()
    assert f'href="/sources/{paper.pk}.bib"' in page
    assert html.escape("@article{regiontrade-source-") in page or "@article{regiontrade" in page
    assert client.get(f"/sources/{paper.pk}.txt").status_code == 404
    assert client.get(f"/sources/{paper.pk + 10_000}.bib").status_code == 404


def source_ids(client, query: dict, export_format: str) -> list[int]:
    response = client.get(reverse("exchanges:source-list"), {**query, "export": export_format})
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    extension = citing.EXTENSIONS[export_format]
    assert response["Content-Disposition"] == f'attachment; filename="sources.{extension}"'
    assert response["Content-Type"] == citing.CONTENT_TYPES[export_format]
    if export_format == "bibtex":
        keys = [entry.key for entry in bibtexparser.parse_string(body).entries]
    elif export_format == "ris":
        keys = [reference["id"] for reference in rispy.loads(body)]
    else:
        keys = [item["id"] for item in json.loads(body)]
    return [int(key.rsplit("-", 1)[1]) for key in keys]


@pytest.mark.parametrize("export_format", citing.CITATION_FORMATS)
def test_the_sources_list_downloads_exactly_its_filtered_sources(client, export_format):
    token = make.new_token()
    japanese = [make.source(token, language="ja", title=f"資料 {token} {n}") for n in range(3)]
    make.source(token, language="en")
    make.source()  # another token
    ids = source_ids(client, {"q": token, "language": "ja"}, export_format)
    assert sorted(ids) == sorted(source.pk for source in japanese)
    listed = reverse("exchanges:source-list") + f"?q={token}&language=ja"
    assert f"export={export_format}" in client.get(listed).content.decode()


@pytest.mark.parametrize("export_format", citing.CITATION_FORMATS)
def test_source_downloads_run_the_same_queries_for_5_and_50_sources(client, export_format):
    counts = {}
    for rows in (5, 50):
        savepoint = connection.savepoint()
        token = make.new_token()
        for _ in range(rows):
            make.cite(make.region(token), make.source(token))
        url = f"{reverse('exchanges:source-list')}?q={token}&export={export_format}"
        with RecordQueries() as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(source_ids(client, {"q": token}, export_format)) == rows
        counts[rows] = len(queries)
        connection.savepoint_rollback(savepoint)
    assert counts[5] == counts[50], counts


def test_the_api_keeps_its_own_download_formats(client):
    response = client.get("/api/v1/sources/", {"format": "bibtex"})
    assert response.status_code == 404
    assert client.get("/api/v1/sources/", {"format": "csv"}).status_code == 200


# --- the About page --------------------------------------------------------------------------

ABOUT_HEADINGS = {
    "en": "About the directory",
    "ja": "このデータベースについて",
    "ko": "이 디렉터리에 대하여",
    "zh-hans": "关于本名录",
}


@pytest.mark.parametrize("language", list(ABOUT_HEADINGS))
def test_the_about_page_in_each_language(client, settings, language):
    prefix = "" if language == "en" else f"/{language}"
    with translation.override(language):
        url = reverse("exchanges:about")
    assert url == f"{prefix}/about/"
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{ABOUT_HEADINGS[language]}</h1>" in page
    licence = DATA_LICENSES[settings.DATA_LICENSE]
    assert f'href="{licence["path"]}" rel="license"' in page
    assert "https://www.naturalearthdata.com/" in page
    assert f'href="{url}"' in page  # the footer links to it
    if language != "en":
        assert untranslated(page, LOCALES[language]) == set()
