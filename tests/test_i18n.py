"""Four languages: every page answers in each, with no English template string left over.

The check reads the compiled catalogues (``make compile-messages``) for the English msgids and
their translations, renders each page in Japanese, Korean and Chinese, and looks for any msgid
whose translation differs in the text a reader sees or hears (text, aria-label, placeholder,
title). Content marked with a ``lang`` attribute is another language on purpose (names in their
own script, English free text of the records, the language switcher) and is left out.
"""

import datetime
import gettext
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from exchanges.partial_dates import format_partial_date
from exchanges.record_types import record_types

from . import factories as make

pytestmark = pytest.mark.django_db

LOCALES = {"ja": "ja", "ko": "ko", "zh-hans": "zh_Hans"}
SHOWN_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")
SKIPPED_ELEMENTS = {"script", "style", "textarea"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@cache
def catalogue(locale: str) -> dict[str, str]:
    """English msgid → translation, from the project's compiled catalogue (not Django's)."""
    mo = Path(settings.LOCALE_PATHS[0]) / locale / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"{mo} is missing: run `make compile-messages`"
    with mo.open("rb") as file:
        entries = gettext.GNUTranslations(file)._catalog
    translations = {}
    for key, value in entries.items():
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04")[-1]  # drop a msgctxt
        if msgid and value != msgid:
            translations[msgid] = value
    return translations


def fragments(msgid: str) -> list[str]:
    """The literal runs of a msgid between its placeholders, stripped."""
    return [part.strip() for part in PLACEHOLDER.split(msgid) if part.strip()]


class ShownText(HTMLParser):
    """Collects what a reader sees or hears, skipping scripts and content in another language."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = tag in SKIPPED_ELEMENTS or ("lang" in attrs and tag != "html")
        if not skip and not self.skipping:
            self.texts.extend(attrs[name] for name in SHOWN_ATTRIBUTES if attrs.get(name))
        if tag not in {"input", "meta", "link", "br", "img", "hr", "area", "source", "col"}:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def shown_texts(html: str) -> list[str]:
    parser = ShownText()
    parser.feed(html)
    return parser.texts


def untranslated(html: str, locale: str, translations: dict[str, str] | None = None) -> set[str]:
    """English msgids (or their longer literal runs) found in what the page shows: those of
    the project's catalogue, or of ``translations`` (msgid → translation) when given."""
    translations = catalogue(locale) if translations is None else translations
    texts = shown_texts(html)
    stripped = {text.strip(" :·()–—,.") for text in texts}
    found = {msgid for msgid in translations if msgid.strip(" :.") in stripped}
    joined = "\n".join(texts)
    for msgid in translations:
        for fragment in fragments(msgid):
            # Runs of three words or more are unmistakable inside longer text.
            if len(fragment.split()) >= 3 and fragment in joined:
                found.add(msgid)
    return found


@pytest.fixture
def records():
    """One record of each type with every link filled in, and a region tied to three others
    (so that the pictures draw a hub), built for the test."""
    token = make.new_token()
    hub = make.region(
        token, name_ja="架空県", latitude=35, longitude=135, coordinates_basis="context"
    )
    for index in range(3):
        partner = make.region(
            token, country="KR", latitude=36 + index, longitude=128, coordinates_basis="context"
        )
        make.tie(token, region_a=hub, region_b=partner, **make.year("established", 1990 + index))
    return {"token": token, "hub": hub} | {
        declared.short_name: make.linked(declared.model, token) for declared in record_types()
    }


def public_pages(records) -> list[str]:
    """Every kind of public page: home, search, lists, one of each record, the pictures."""
    details = [records[declared.short_name].get_absolute_url() for declared in record_types()]
    lists = [declared.list_url() for declared in record_types()]
    pictures = [reverse(f"exchanges:{name}") for name in ("stats", "map", "network")]
    return [
        reverse("exchanges:home"),
        reverse("exchanges:search") + f"?q={records['token']}",
        *lists,
        reverse("exchanges:sistertie-list") + "?pair=JP-KR",
        *details,
        records["hub"].get_absolute_url(),
        *pictures,
    ]


def admin_pages(records) -> list[str]:
    pages = [reverse("admin:index")]
    for declared in record_types():
        opts, record = declared.model._meta, records[declared.short_name]
        pages += [
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pk]),
        ]
    return pages


@pytest.mark.parametrize("language", list(LOCALES))
def test_every_public_page_speaks_the_language_of_its_address(client, language, records):
    with translation.override(language):
        urls = public_pages(records)
    problems = {}
    for url in urls:
        assert url.startswith(f"/{language}/"), url
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, url
        leftovers = untranslated(html, LOCALES[language])
        if leftovers:
            problems[url] = sorted(leftovers)
    assert problems == {}


@pytest.mark.parametrize("language", list(LOCALES))
def test_every_admin_page_speaks_the_language_of_its_address(admin_client, language, records):
    with translation.override(language):
        urls = admin_pages(records)
    problems = {}
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        leftovers = untranslated(response.content.decode(), LOCALES[language])
        if leftovers:
            problems[url] = sorted(leftovers)
    assert problems == {}


def test_the_check_would_catch_an_english_string():
    """The detector itself: English template text is found, marked-up other languages are not."""
    html = (
        '<html lang="ja"><body><h2>Ties by type and status</h2>'
        '<p>Nagasaki · <a aria-label="Active filters">×</a></p>'
        '<p lang="en">Ties by type and status, as written in a note</p>'
        '<nav><a lang="en" href="/">English</a></nav>'
        "<p>Nothing matches these filters. Try again</p></body></html>"
    )
    assert untranslated(html, "ja") == {
        "Ties by type and status",
        "Active filters",
        "Nothing matches these filters.",
    }


@pytest.mark.parametrize("locale", list(LOCALES.values()))
def test_catalogues_translate_every_project_string(locale):
    """Every msgid of the .po has a translation: nothing fuzzy, nothing empty."""
    po = Path(settings.LOCALE_PATHS[0]) / locale / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]
    entries = [entry for entry in text.split("\n\n")[1:] if "msgid" in entry]
    empty = [entry for entry in entries if re.search(r'msgstr(\[0\])? ""\n?$', entry)]
    assert empty == []
    assert len(catalogue(locale)) > 400


def test_language_switcher_keeps_the_filters(client):
    response = client.get("/ties/?pair=JP-KR&kind=friendship&sort=-established")
    html = response.content.decode()
    for code in ("ja", "ko", "zh-hans"):
        assert f'href="/{code}/ties/?pair=JP-KR&amp;kind=friendship&amp;sort=-established"' in html
    switched = client.get("/ko/ties/?pair=JP-KR&kind=friendship&sort=-established")
    assert 'href="/ties/?pair=JP-KR&amp;kind=friendship&amp;sort=-established"' in (
        switched.content.decode()
    )
    assert switched.context["table"].paginator.count == response.context["table"].paginator.count


def test_language_switcher_on_pictures_keeps_the_filters(client):
    slug = make.region().slug
    html = client.get(f"/ja/stats/?pair=JP-KR&region={slug}").content.decode()
    assert f'href="/stats/?pair=JP-KR&amp;region={slug}"' in html
    assert f'href="/zh-hans/stats/?pair=JP-KR&amp;region={slug}"' in html


def test_unprefixed_addresses_are_english_whatever_the_browser_asks(client):
    response = client.get("/ties/", HTTP_ACCEPT_LANGUAGE="ja")
    assert '<html lang="en">' in response.content.decode()


# A Japanese prefecture no fixture holds, named in the four languages.
PREFECTURE_NAMES = {
    "name_en": "Kakū Prefecture",
    "name_ja": "架空県",
    "name_zh": "架空县",
    "name_ko": "가쿠현",
}


@pytest.mark.parametrize(
    "language, expected",
    [("en", "Kakū Prefecture"), ("ja", "架空県"), ("ko", "가쿠현"), ("zh-hans", "架空县")],
)
def test_names_in_the_readers_script_with_the_native_name_beside(client, language, expected):
    prefecture = make.region(level="prefecture", **PREFECTURE_NAMES)
    with translation.override(language):
        url = prefecture.get_absolute_url()
    heading = re.search(r"<h1>(.*?)</h1>", client.get(url).content.decode(), re.S).group(1)
    assert heading.startswith(expected)
    # The native (Japanese) name stands beside the reader's, marked as Japanese; in Japanese
    # the name is given once.
    beside = '<span class="native" lang="ja">架空県</span>' in heading
    assert beside == (language != "ja")
    assert ("native" in heading) == (language != "ja")


@pytest.mark.parametrize(
    "language, year, month",
    [
        ("en", "1987", "July 1996"),
        ("ja", "1987年", "1996年7月"),
        ("ko", "1987년", "1996년 7월"),
        ("zh-hans", "1987年", "1996年7月"),
    ],
)
def test_partial_dates_in_each_locales_style(language, year, month):
    with translation.override(language):
        assert format_partial_date(datetime.date(1987, 1, 1), "year") == year
        assert format_partial_date(datetime.date(1996, 7, 1), "month") == month


def test_a_tie_page_shows_its_year_in_the_readers_style(client):
    tie = make.tie(**make.year("established", 1987))
    with translation.override("ko"):
        url = tie.get_absolute_url()
    assert "1987년" in client.get(url).content.decode()
