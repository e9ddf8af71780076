"""The map a reader can read, in Chromium: names that never cover each other before and after
zooming, at 1280 px and at 390 px, large enough to read on a phone; the year slider of the map
and the network redraws the ties in place and keeps the view in the address. In Japanese and
Korean, with a crowded cluster of districts built for the test."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from exchanges.models import SisterTie

from . import factories as make
from .browsing import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    browser_tests,
    screenshot,
    serious_accessibility_violations,
)

pytestmark = browser_tests

DISTRICTS = 16
FIRST_YEAR = 1975


def placed(latitude, longitude):
    return {
        "latitude": Decimal(str(round(latitude, 4))),
        "longitude": Decimal(str(round(longitude, 4))),
        "coordinates_basis": "context",
    }


@pytest.fixture(autouse=True)
def crowded(transactional_db):
    """A Korean metropolitan city with many districts within a third of a degree, each tied
    to one of four Japanese prefectures, one tie every three years from 1975."""
    token = make.new_token()
    city = make.region(
        token,
        country="KR",
        level="metropolitan_city",
        name_en="Gasang Metropolitan City",
        name_ja="架空広域市",
        name_ko="가상광역시",
        **placed(35.18, 129.07),
    )
    prefectures = [
        make.region(
            token,
            level="prefecture",
            name_en=f"Kakū {n} Prefecture",
            name_ja=f"架空第{n}県",
            name_ko=f"가쿠{n}현",
            **placed(33.0 + n * 0.8, 130.4 + n * 1.5),
        )
        for n in range(1, 5)
    ]
    ties, districts = [], []
    for i in range(DISTRICTS):
        district = make.region(
            token,
            country="KR",
            level="district",
            parent=city,
            name_en=f"Gasang District {i + 1}",
            name_ja=f"架空第{i + 1}区",
            name_ko=f"가상 제{i + 1}구",
            **placed(35.05 + (i % 4) * 0.08, 128.95 + (i // 4) * 0.08),
        )
        districts.append(district)
        ties.append(
            make.tie(
                token,
                region_a=prefectures[i % 4],
                region_b=district,
                **make.year("established", FIRST_YEAR + 3 * i),
            )
        )
    return {"city": city, "districts": districts, "ties": ties}


NAME_BOXES = """() => Array.from(document.querySelectorAll('svg.tie-map text.label'))
  .filter((name) => getComputedStyle(name).display !== 'none')
  .map((name) => { const r = name.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom, parseFloat(getComputedStyle(name).fontSize)
      * r.height / name.getBBox().height]; })"""


def picture(page, name: str) -> None:
    """A screenshot of the map with its zoom buttons, in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("figure.map-figure").screenshot(path=str(ARTIFACTS / f"{name}.png"))


def shown_names(page) -> list:
    return page.evaluate(NAME_BOXES)


def intersecting(boxes) -> list:
    return [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5
    ]


@pytest.mark.parametrize("language", ["ja", "ko"])
@pytest.mark.parametrize("viewport, size", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_zooming_the_map_shows_more_names_none_covering_another(
    page, live_server, language, viewport, size, crowded
):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/{language}/map/")
    svg = page.locator("svg.tie-map")
    scale = float(svg.get_attribute("data-scale"))  # the zoom script is running
    before = shown_names(page)
    assert before, "some names are written"
    assert intersecting(before) == []
    # Readable on a phone: every name at least 10 CSS px on the screen.
    assert min(box[3] - box[1] for box in before) >= 10
    assert min(box[4] for box in before) >= 10
    picture(page, f"map-{size}-{language}")

    # Zoom in on the crowded districts with the wheel, then further with the + button.
    district = page.locator(
        f'svg.tie-map a.place[data-slug="{crowded["districts"][5].slug}"] circle'
    )
    district.scroll_into_view_if_needed()
    box = district.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -200)  # not selected yet: the wheel scrolls the page
    page.wait_for_timeout(100)
    assert float(svg.get_attribute("data-scale")) == scale
    svg.focus()
    box = district.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(6):
        page.mouse.wheel(0, -200)
    page.wait_for_timeout(200)
    assert float(svg.get_attribute("data-scale")) > 3 * scale
    after = shown_names(page)
    assert len(after) > len(before), "zooming in makes room for more names"
    assert intersecting(after) == []
    assert min(box[3] - box[1] for box in after) >= 10
    picture(page, f"map-{size}-zoomed-{language}")
    page.get_by_role("button", name={"ja": "拡大", "ko": "확대"}[language], exact=True).click()
    assert intersecting(shown_names(page)) == []

    page.get_by_role("button", name={"ja": "ズームを戻す", "ko": "확대 초기화"}[language]).click()
    assert len(shown_names(page)) == len(before)
    # The keyboard on the selected map: + zooms in, − out, 0 back to the full view.
    svg.focus()
    page.keyboard.press("+")
    page.keyboard.press("+")
    assert float(svg.get_attribute("data-scale")) > 2 * scale
    assert intersecting(shown_names(page)) == []
    page.keyboard.press("ArrowRight")
    page.keyboard.press("-")
    page.keyboard.press("0")
    assert float(svg.get_attribute("data-scale")) == scale
    assert page.console_errors == []


@pytest.mark.parametrize("language", ["ja", "ko"])
def test_the_year_slider_redraws_map_and_network(page, live_server, language, crowded):
    first, last = SisterTie.objects.established_years()
    assert first <= FIRST_YEAR and last >= FIRST_YEAR + 3 * (DISTRICTS - 1)
    city = crowded["city"].slug
    page.goto(f"{live_server.url}/{language}/map/?region={city}")
    ties = page.locator("svg.tie-map path.tie")
    assert ties.count() == DISTRICTS
    slider = page.locator("#year-range-from")
    assert slider.is_visible()
    assert (slider.get_attribute("min"), slider.get_attribute("max")) == (str(first), str(last))
    slider.fill("1990")  # the ties of 1975, 1978, …, 1987 drop out
    page.wait_for_url("**/map/?*established_from=1990*")
    expect(ties).to_have_count(DISTRICTS - 5)
    assert page.locator("#id_established_from").input_value() == "1990"
    assert f"region={city}" in page.url
    # The address reproduces the view.
    page.goto(page.url)
    assert ties.count() == DISTRICTS - 5

    page.goto(f"{live_server.url}/{language}/network/?region={city}")
    lines = page.locator("svg.network line.tie")
    assert lines.count() == DISTRICTS
    page.locator("#year-range-to").fill("1992")  # 1975, 1978, …, 1990
    page.wait_for_url("**/network/?*established_to=1992*")
    expect(lines).to_have_count(6)
    page.locator("#year-range-from").fill("1981")  # 1981, 1984, 1987, 1990
    expect(lines).to_have_count(4)
    assert "established_from=1981" in page.url and "established_to=1992" in page.url
    screenshot(page, f"network-years-{language}")
    assert page.console_errors == []


@pytest.mark.parametrize("path", ["/map/", "/network/", "/map/?established_from=1990"])
@pytest.mark.parametrize("language", ["ja", "ko"])
def test_map_and_network_have_no_serious_accessibility_violations(
    page, live_server, path, language
):
    page.goto(f"{live_server.url}/{language}{path}")
    assert serious_accessibility_violations(page) == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE])
def test_without_javascript_the_map_is_drawn_as_sent_names_apart(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/ko/map/")
        assert page.locator("svg.tie-map path.tie").count() >= DISTRICTS
        assert intersecting(shown_names(page)) == []
        assert not page.locator("[data-map-zoom]").is_visible()
        assert not page.locator("[data-year-range]").is_visible()
        assert page.locator('input[name="established_from"]').is_visible()
    finally:
        context.close()
