"""What a person sees: the public pages in a real browser (Debian's Chromium via Playwright).

Screenshots land in test-artifacts/ for a human to look at.
"""

import csv
import io
import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from exchanges.models import SisterTie

from .conftest import FIXTURES, REPO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

if not Path(CHROMIUM).exists():
    pytest.skip(
        "Debian's chromium is not installed (make test installs it)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def browser():
    # The live server runs in this process; Playwright's sync API must not see an event loop.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def directory(transactional_db):
    """The live server's transactional tests flush the database after each test: reload."""
    call_command("load_fixtures", *FIXTURES, verbosity=0)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and page.console_errors.append(f"{response.status} {response.url}")
        ),
    )
    yield page
    context.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_researcher_searches_filters_follows_and_downloads(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_label("Search every record").fill("Yanbian")
    page.get_by_label("Search every record").press("Enter")
    page.wait_for_url("**/search/?q=Yanbian")
    page.get_by_role("link", name="Yanbian Korean Autonomous Prefecture").first.click()
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Yanbian Korean Autonomous Prefecture")
    )

    # Apply a filter on the ties list through its form.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ties").click()
    page.get_by_label("Type").select_option("sister")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/ties/?*kind=sister*")
    assert page.get_by_text("1–1 of 1").is_visible()
    screenshot(page, "ties-filtered-desktop")

    # Open a region from the table, then follow its tie.
    page.get_by_role("link", name="South Gyeongsang Province").first.click()
    page.wait_for_url("**/regions/gyeongsangnam-do/")
    tie = SisterTie.objects.get(tie_type="sister")
    page.locator(f'a[href="{tie.get_absolute_url()}"]').first.click()
    page.wait_for_url(f"**{tie.get_absolute_url()}")
    assert "1987" in page.locator("dl.facts").inner_text()
    assert page.get_by_role("heading", name="Sources").is_visible()

    # Back to the filtered list and download exactly its rows.
    page.go_back()
    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["id"] for row in rows] == [str(tie.pk)]
    assert page.console_errors == []


@pytest.mark.parametrize("viewport, label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_pages_fit_phone_and_desktop(page, live_server, viewport, label):
    page.set_viewport_size(viewport)
    for path, name in [("/", "home"), ("/regions/", "regions"), ("/regions/yamaguchi/", "region")]:
        page.goto(live_server.url + path)
        screenshot(page, f"{name}-{label}")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, f"{path} scrolls sideways at {label} width"
    assert page.console_errors == []


@pytest.mark.parametrize(
    "path", ["/", "/ties/?pair=JP-KR", "/regions/yanbian/", "/firms/?country=ZZ"]
)
def test_no_serious_accessibility_violations(page, live_server, path):
    page.goto(live_server.url + path)
    results = Axe().run(page)
    serious = [
        (violation["id"], violation["help"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []


PICTURES = [
    # path, the SVG's class, an element each drawing must contain
    ("/stats/", "chart", "rect"),
    ("/map/", "tie-map", "path.tie"),
    ("/network/", "network", "circle"),
]


@pytest.mark.parametrize("language", ["ja", "ko"])
@pytest.mark.parametrize("path, svg_class, mark", PICTURES)
def test_pictures_draw_in_japanese_and_korean(page, live_server, language, path, svg_class, mark):
    page.goto(f"{live_server.url}/{language}{path}?pair=JP-KR")
    assert page.locator("html").get_attribute("lang") == language
    drawings = page.locator(f"svg.{svg_class}")
    assert drawings.count() >= 1
    for index in range(drawings.count()):
        drawing = drawings.nth(index)
        assert drawing.locator(mark).count() > 0
        box = drawing.bounding_box()  # a chart of one bar is short, but never collapsed
        assert box["width"] > 300 and box["height"] > 40
    # The page is in the reader's language, names included.
    assert "長崎県" in page.content() if language == "ja" else "나가사키현" in page.content()
    screenshot(page, f"{path.strip('/')}-{language}")
    assert page.console_errors == []
    results = Axe().run(page)
    serious = [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_clicking_a_network_node_opens_its_region(page, live_server):
    page.goto(f"{live_server.url}/ko/network/")
    page.locator('svg.network a.node[data-slug="nagasaki"] circle').click()
    page.wait_for_url("**/ko/regions/nagasaki/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("나가사키현")


def test_switching_language_keeps_the_filters(page, live_server):
    page.goto(f"{live_server.url}/map/?pair=JP-KR&kind=friendship")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="日本語").click()
    page.wait_for_url("**/ja/map/?pair=JP-KR&kind=friendship")
    assert (
        page.locator("svg.tie-map path.tie").count()
        == SisterTie.objects.filter(tie_type="friendship").count()
    )
    assert page.console_errors == []


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("path, svg_class", [("/map/", "tie-map"), ("/network/", "network")])
def test_many_ties_are_drawn_gathered_and_open_their_list(
    page, live_server, monkeypatch, language, path, svg_class
):
    from exchanges.pictures import network, tie_map

    # As if the directory were full: gather as soon as there is more than one tie.
    monkeypatch.setattr(tie_map, "MAP_TIES", 1)
    monkeypatch.setattr(network, "NETWORK_TIES", 1)
    prefix = "" if language == "en" else f"/{language}"
    page.goto(f"{live_server.url}{prefix}{path}")
    assert page.locator(".note.aggregated").first.is_visible()
    links = page.locator(f"svg.{svg_class} a:has(.link)")
    assert links.count() > 0
    screenshot(page, f"{path.strip('/')}-gathered-{language}")
    results = Axe().run(page)
    serious = [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []
    # The line's tooltip gives its number of ties; its list shows exactly those.
    ties = re.findall(r"\d+", links.first.locator("title").text_content())[-1]
    href = links.first.get_attribute("href")
    assert "partner=" in href
    page.goto(live_server.url + href)
    assert page.locator("table.records tbody tr").count() == int(ties)
    assert ties in re.findall(r"\d+", page.locator(".result-count").inner_text())
    assert page.console_errors == []


def test_admin_and_api_docs_work_under_the_content_security_policy(
    page, live_server, django_user_model
):
    """Staff sign in through the form and use a change form whose widgets are scripts
    (autocomplete, the slug filled from the name, inlines); partners read the API docs. The
    policy allows no inline script or style: any it blocks is a console error."""
    django_user_model.objects.create_superuser("keeper", "keeper@example.org", "pw-keeper-1")
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    page.goto(f"{live_server.url}/ja/admin/")
    page.fill("#id_username", "keeper")
    page.fill("#id_password", "pw-keeper-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/ja/admin/")
    page.goto(f"{live_server.url}/ja/admin/exchanges/region/add/")
    page.locator("#id_name_en").press_sequentially("Test Harbour City")
    assert page.input_value("#id_slug") == "test-harbour-city"  # prepopulated by a script
    page.click("[aria-labelledby='select2-id_parent-container']")  # autocomplete: a JSON view
    page.wait_for_selector(".select2-results__option")
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock-tag")  # drawn by the vendored Swagger UI
    assert page.locator(".swagger-ui .opblock-tag").count() >= 6
    assert violations == []
    assert page.console_errors == []
