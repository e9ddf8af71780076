"""The area and decade filters and their statistics in a real browser (Debian's Chromium), in
Japanese and Korean: chosen in the ties list's form, followed from a statistic's row, readable
at phone and desktop widths, and without serious accessibility violations."""

import pytest

from . import factories as make
from .browsing import DESKTOP, PHONE, browser_tests, screenshot, serious_accessibility_violations

pytestmark = browser_tests


@pytest.fixture(autouse=True)
def research(transactional_db):
    """A prefecture tied to three Korean regions: two ties of the 1990s covering culture (one
    also economy), one of the 2000s covering economy."""
    token = make.new_token()
    prefecture = make.region(token, slug="tf-research-pref", level="prefecture")
    culture = make.exchange_area(
        token, slug="tf-culture", name_en="Culture", name_ja="文化", name_ko="문화"
    )
    economy = make.exchange_area(
        token, slug="tf-economy", name_en="Economy", name_ja="経済", name_ko="경제"
    )
    ties = []
    for year, areas in [(1992, [culture, economy]), (1998, [culture]), (2004, [economy])]:
        tie = make.tie(
            token,
            region_a=prefecture,
            region_b=make.region(token, country="KR"),
            **make.year("established", year),
        )
        tie.exchange_areas.add(*areas)
        ties.append(tie)
    return {"token": token, "prefecture": prefecture, "ties": ties}


@pytest.mark.parametrize("language, area_label", [("ja", "交流分野"), ("ko", "교류 분야")])
def test_choose_areas_and_a_decade_in_the_ties_form(
    page, live_server, research, language, area_label
):
    page.goto(f"{live_server.url}/{language}/ties/?q={research['token']}")
    page.get_by_label(area_label).select_option(["tf-culture", "tf-economy"])
    page.locator("#id_decade").select_option("1990")
    page.locator("section.filters button[type=submit]").click()
    page.wait_for_url("**/ties/?*area=tf-culture&area=tf-economy*")
    rows = page.locator("table.records tbody tr")
    assert rows.count() == 2
    screenshot(page, f"ties-by-area-and-decade-{language}")
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []


@pytest.mark.parametrize("viewport, label", [(PHONE, "phone"), (DESKTOP, "desktop")])
@pytest.mark.parametrize("language", ["ja", "ko"])
def test_statistics_per_decade_and_area_fit_and_link_to_their_ties(
    page, live_server, research, viewport, label, language
):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/{language}/stats/?region=tf-research-pref")
    for slug in ("ties-per-decade", "ties-per-exchange-area"):
        assert page.locator(f"#{slug} svg rect").count() > 0
    screenshot(page, f"stats-decade-area-{language}-{label}")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow, f"the statistics scroll sideways at {label} width"
    if label == "desktop":
        assert serious_accessibility_violations(page) == []
    # The economy row counts two ties and opens their list.
    page.locator("#ties-per-exchange-area table a[href*='area=tf-economy']").click()
    page.wait_for_url("**/ties/?region=tf-research-pref&area=tf-economy")
    assert page.locator("table.records tbody tr").count() == 2
    assert page.console_errors == []
