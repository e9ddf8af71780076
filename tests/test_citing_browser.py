"""Citing in Chromium, in Japanese and Korean: copy a source's BibTeX to the clipboard from its
page, and the Cite box, the source page and the About page without serious accessibility
faults. Screenshots: test-artifacts/cite-ja.png, cite-ko.png."""

import pytest

from . import factories as make
from .browsing import (
    DESKTOP,
    browser_tests,
    recording_page,
    screenshot,
    serious_accessibility_violations,
)

pytestmark = browser_tests


@pytest.fixture(autouse=True)
def directory(transactional_db):
    """A Japanese paper cited by a tie between a Japanese and a Korean region."""
    token = make.new_token()
    paper = make.japanese_paper(token)
    tie = make.tie(token, **make.year("established", 1987))
    make.cite(tie, paper, locator="p. 38")
    return {"paper": paper, "tie": tie}


@pytest.fixture
def clipboard_page(browser, live_server):
    """A desktop page allowed to write and read the clipboard, recording console errors."""
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    yield recording_page(context)
    context.close()


COPIED = {"ja": "クリップボードにコピーしました。", "ko": "클립보드에 복사했습니다."}


@pytest.mark.parametrize("language", ["ja", "ko"])
def test_a_reader_copies_the_bibtex_of_a_source(clipboard_page, live_server, directory, language):
    page = clipboard_page
    paper = directory["paper"]
    page.goto(f"{live_server.url}/{language}/sources/{paper.pk}/")
    section = page.locator(".source-citations")
    section.locator("summary", has_text="BibTeX").click()
    bibtex = section.locator("#source-bibtex")
    assert bibtex.is_visible()
    section.locator('button[data-copy="source-bibtex"]').click()
    page.locator(".source-citations .copy-status", has_text=COPIED[language]).wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == bibtex.text_content()
    assert copied.startswith(f"@article{{regiontrade-source-{paper.pk},")
    assert "title = {日中間における地方経済の連携の可能性}" in copied
    assert "author = {{穆尭芋 (Mu Yaoqian), ERINA}}" in copied

    # The page's own Cite box copies its permalink-bearing citation the same way.
    box = page.locator(".cite-box")
    box.locator("summary", has_text="BibTeX").click()
    box.locator('button[data-copy="cite-bibtex"]').click()
    page.locator(".cite-box .copy-status", has_text=COPIED[language]).wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@misc{regiontrade")
    assert f"/{language}/sources/{paper.pk}/" in copied
    screenshot(page, f"cite-{language}")
    assert page.console_errors == []


@pytest.mark.parametrize("language", ["ja", "ko"])
def test_citing_pages_have_no_serious_accessibility_violations(
    page, live_server, directory, language
):
    paper = directory["paper"]
    page.goto(f"{live_server.url}/{language}/sources/{paper.pk}/")
    assert serious_accessibility_violations(page) == []

    page.goto(f"{live_server.url}/{language}/ties/?pair=JP-KR&page=1")
    closed = page.locator(".cite-box details:not([open]) summary")
    while closed.count():
        closed.first.click()
    assert page.locator("#cite-ris").is_visible()
    permalink = page.locator("#cite-permalink").get_attribute("href")
    assert permalink == f"{live_server.url}/{language}/ties/?pair=JP-KR"
    assert page.locator("button[data-copy]").first.is_visible()  # cite.js showed it
    assert serious_accessibility_violations(page) == []

    page.goto(f"{live_server.url}/{language}/about/")
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []


def test_a_script_can_move_the_permalink(page, live_server):
    """The map's year range changes the view without a new page: the box follows its event."""
    page.goto(f"{live_server.url}/map/?pair=JP-KR")
    old = page.locator("#cite-permalink").get_attribute("href")
    new = f"{live_server.url}/map/?pair=JP-KR&year_from=1990"
    page.evaluate(
        "url => document.dispatchEvent(new CustomEvent('regiontrade:permalink', {detail: {url}}))",
        new,
    )
    assert page.locator("#cite-permalink").get_attribute("href") == new
    assert new in page.locator("#cite-text").text_content()
    assert f"url = {{{new}}}" in page.locator("#cite-bibtex").text_content()
    assert f"UR  - {old}\n" not in page.locator("#cite-ris").text_content()


def test_the_permalink_follows_the_year_slider(page, live_server):
    """year-range.js redraws the map in place, puts the query in the address bar and sends
    "picture:replaced": the permalink becomes that view, in the server's order."""
    shuffled = "/map/?established_from=1990&page=2&sort=x&pair=JP-KR&kind="
    page.goto(live_server.url + shuffled)
    from_server = page.locator("#cite-permalink").get_attribute("href")
    assert "page=" not in from_server and "kind=" not in from_server

    page.goto(f"{live_server.url}/map/?pair=JP-KR")
    page.evaluate(
        "url => { history.replaceState(null, '', url);"
        " document.dispatchEvent(new CustomEvent('picture:replaced')); }",
        shuffled,
    )
    assert page.locator("#cite-permalink").get_attribute("href") == from_server
    assert from_server in page.locator("#cite-ris").text_content()
