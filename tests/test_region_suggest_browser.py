"""A reader types a region's name into the ties list's region box, in Japanese and in Korean,
picks the region from the suggestions and sees its ties, its districts' included."""

import re

import pytest

from . import factories as make
from .browsing import browser_tests, screenshot, serious_accessibility_violations

pytestmark = browser_tests


@pytest.fixture
def busan(transactional_db):
    """A metropolitan city with two districts whose own names do not name it, each tied to a
    Japanese city, and a tie of the city itself."""
    token = make.new_token()
    city = make.region(
        token,
        country="KR",
        level="metropolitan_city",
        name_en="Busan",
        name_ja="釜山",
        name_zh="釜山",
        name_ko="부산광역시",
    )
    seo = make.region(
        token,
        country="KR",
        level="district",
        parent=city,
        name_en="Seo District",
        name_ja="西区",
        name_ko="서구",
    )
    yeongdo = make.region(
        token,
        country="KR",
        level="district",
        parent=city,
        name_en="Yeongdo District",
        name_ja="影島区",
        name_ko="영도구",
    )
    partner = make.region(token, country="JP", name_en=f"Partner {token}", name_ja="相手市")
    ties = [make.tie(token, region_a=place, region_b=partner) for place in (city, seo, yeongdo)]
    elsewhere = make.tie(token, region_a=make.region(token, country="KR"), region_b=partner)
    return {"city": city, "partner": partner, "ties": ties, "elsewhere": elsewhere}


@pytest.mark.parametrize("language", ["ja", "ko"])
def test_typing_busan_suggests_it_and_its_ties_include_its_districts(
    page, live_server, busan, language
):
    city = busan["city"]
    page.goto(f"{live_server.url}/{language}/ties/")
    box = page.locator('input[name="region"]')
    assert box.get_attribute("role") == "combobox"
    box.press_sequentially("부산", delay=50)
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    option = listbox.locator(f'[role="option"][data-slug="{city.slug}"]')
    option.wait_for(state="visible")
    assert box.get_attribute("aria-expanded") == "true"
    # Named in the reader's language: 釜山 in Japanese, 부산광역시 in Korean.
    assert {"ja": "釜山", "ko": "부산광역시"}[language] in option.inner_text()
    listbox.scroll_into_view_if_needed()
    screenshot(page, f"region-suggest-{language}", full_page=False)
    assert serious_accessibility_violations(page) == []

    option.click()
    assert box.input_value() == city.slug
    assert listbox.is_hidden()
    page.locator('.filters button[type="submit"]').click()
    page.wait_for_url(re.compile(rf"region={re.escape(city.slug)}"))
    for tie in busan["ties"]:
        assert page.locator(f'a[href$="/ties/{tie.pk}/"]').count() >= 1, tie
    assert page.locator(f'a[href$="/ties/{busan["elsewhere"].pk}/"]').count() == 0
    assert page.console_errors == []
    assert serious_accessibility_violations(page) == []


def test_the_keyboard_picks_a_suggestion(page, live_server, busan):
    city = busan["city"]
    page.goto(f"{live_server.url}/ko/ties/")
    box = page.locator('input[name="region"]')
    box.press_sequentially("부산광역시", delay=30)
    page.locator(f'[role="option"][data-slug="{city.slug}"]').wait_for(state="visible")
    slugs = page.locator('[role="listbox"] [role="option"]').evaluate_all(
        "options => options.map(option => option.dataset.slug)"
    )
    for _ in range(slugs.index(city.slug) + 1):
        box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant")
    box.press("Enter")  # picks; a second Enter submits
    assert box.input_value() == city.slug
    box.press("Enter")
    page.wait_for_url(re.compile(rf"region={re.escape(city.slug)}"))
    assert page.locator(f'a[href$="/ties/{busan["ties"][1].pk}/"]').count() >= 1


def test_without_javascript_a_typed_name_is_taken(browser, live_server, busan):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/ko/ties/")
        page.locator('input[name="region"]').fill(busan["partner"].name_en)
        page.locator('.filters button[type="submit"]').click()
        page.wait_for_url(re.compile(r"region=Partner"))
        for tie in [*busan["ties"], busan["elsewhere"]]:
            assert page.locator(f'a[href$="/ties/{tie.pk}/"]').count() >= 1
    finally:
        context.close()
