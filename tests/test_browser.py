"""What a person sees: the public pages in a real browser (Debian's Chromium via Playwright).

Each test builds a small directory of its own (``directory``), committed for the live server,
with names as long as real ones in four scripts. Screenshots land in test-artifacts/ for a human
to look at.
"""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from exchanges.models import SisterTie, TieStatus
from exchanges.models.querysets import is_cited
from exchanges.record_types import record_types

from . import factories as make
from .browsing import DESKTOP, PHONE, browser_tests, screenshot, serious_accessibility_violations

pytestmark = browser_tests

HUB = "tf-browser-hub"  # the Japanese prefecture every test's directory is built around


def placed(latitude, longitude):
    return {
        "latitude": Decimal(str(latitude)),
        "longitude": Decimal(str(longitude)),
        "coordinates_basis": "context",
    }


@pytest.fixture(autouse=True)
def directory(transactional_db):
    """A Japanese prefecture with a city, a Korean province and a Chinese autonomous
    prefecture, tied to each other, with offices, a firm, missions and sources. The live
    server's transactional tests empty the database after each test; each builds it anew."""
    token = make.new_token()
    prefecture = make.region(
        token,
        slug=HUB,
        level="prefecture",
        name_en=f"Kakū {token} Prefecture",
        name_ja="架空県",
        name_zh="架空县",
        name_ko="가쿠현",
        **placed(34.7, 131.5),
    )
    city = make.region(
        token,
        parent=prefecture,
        name_en="Kakū Harbour City",
        name_ja="架空港市",
        **placed(34.0, 131.0),
    )
    province = make.region(
        token,
        country="KR",
        level="province",
        name_en="South Gasang Province",
        name_ko="가상남도",
        **placed(35.3, 128.3),
    )
    autonomous = make.region(
        token,
        country="CN",
        level="autonomous_prefecture",
        name_en=f"Jiakong {token} Korean Autonomous Prefecture",
        name_zh="架空朝鲜族自治州",
        name_ko="가공조선족자치주",
        **placed(42.9, 129.5),
    )
    sister = make.tie(
        token,
        region_a=province,
        region_b=prefecture,
        source_label="자매결연",
        **make.year("established", 1987),
    )
    make.cite(sister, make.source(token, title="Gasang–Kakū exchange report"), locator="p. 38")
    make.tie(
        token,
        region_a=city,
        region_b=province,
        tie_type="friendship",
        **make.year("established", 1994),
    )
    make.tie(token, region_a=prefecture, region_b=autonomous, tie_type="friendship")
    make.tie(token, region_a=autonomous, region_b=province, tie_type="friendship")
    make.office(token, operator_region=province, host_region=city)
    make.office(token, operator_region=prefecture, host_region=province)
    firm = make.firm(token, region=autonomous, name_en=f"Jiakong {token} Trading Company")
    mission = make.mission(
        token,
        origin_regions=[autonomous],
        destination_regions=[prefecture],
        organisers=[firm],
        **make.year("start", 2007),
    )
    speaker = make.person(token, name_ja="架空太郎", title="知事", body_region=prefecture)
    make.participation(token, mission=mission, person=speaker, role="keynote")
    visitors = make.indicator(
        token,
        region=prefecture,
        partner_region=province,
        measure="visitors from the partner province",
        wording="延べ213,243人",
        value=Decimal("213243"),
        unit="人",
        period_start=2007,
        period_end=2008,
        qualifier="trips",
    )
    make.cite(visitors, make.source(token, title="Gasang visitors survey"), locator="p. 12")
    return {"token": token, "prefecture": prefecture, "autonomous": autonomous, "sister": sister}


def test_a_researcher_searches_filters_follows_and_downloads(page, live_server, directory):
    token, autonomous, tie = directory["token"], directory["autonomous"], directory["sister"]
    page.goto(live_server.url + "/")
    page.get_by_label("Search every record").fill(token)
    page.get_by_label("Search every record").press("Enter")
    page.wait_for_url(f"**/search/?q={token}")
    page.get_by_role("link", name=autonomous.name_en).first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(autonomous.name_en)

    # Apply a filter on the ties list through its form.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ties").click()
    page.wait_for_url("**/ties/")
    page.locator("#id_q").fill(token)
    page.get_by_label("Type").select_option("sister")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/ties/?*kind=sister*")
    assert page.get_by_text("1–1 of 1").is_visible()
    screenshot(page, "ties-filtered-desktop")

    # Open a region from the table, then follow its tie.
    page.get_by_role("link", name="South Gasang Province").first.click()
    page.wait_for_url(f"**{tie.region_a.get_absolute_url()}")
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
    for path, name in [("/", "home"), ("/regions/", "regions"), (f"/regions/{HUB}/", "region")]:
        page.goto(live_server.url + path)
        screenshot(page, f"{name}-{label}")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, f"{path} scrolls sideways at {label} width"
    assert page.console_errors == []


@pytest.mark.parametrize(
    "path", ["/", "/ties/?pair=JP-KR", f"/regions/{HUB}/", "/firms/?country=ZZ"]
)
def test_no_serious_accessibility_violations(page, live_server, path):
    page.goto(live_server.url + path)
    assert serious_accessibility_violations(page) == []


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
    assert {"ja": "架空県", "ko": "가쿠현"}[language] in page.content()
    screenshot(page, f"{path.strip('/')}-{language}")
    assert page.console_errors == []
    assert serious_accessibility_violations(page) == []


def test_clicking_a_network_node_opens_its_region(page, live_server):
    page.goto(f"{live_server.url}/ko/network/")
    page.locator(f'svg.network a.node[data-slug="{HUB}"] circle').click()
    page.wait_for_url(f"**/ko/regions/{HUB}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("가쿠현")


def test_switching_language_keeps_the_filters(page, live_server):
    page.goto(f"{live_server.url}/map/?pair=JP-KR&kind=friendship")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="日本語").click()
    page.wait_for_url("**/ja/map/?pair=JP-KR&kind=friendship")
    japan_korea = SisterTie.objects.filter(tie_type="friendship").between_countries("JP", "KR")
    assert japan_korea.exists()
    assert page.locator("svg.tie-map path.tie").count() == japan_korea.count()
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
    assert serious_accessibility_violations(page) == []
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


def test_staff_enter_a_month_as_they_write_it_and_the_tie_page_shows_it(
    page, live_server, django_user_model, directory
):
    """A staff member signs in to the Japanese admin, adds a tie typing its month as a Japanese
    reader writes it, and the tie's page in Japanese shows that month."""
    from django.contrib.auth.models import Permission
    from django.utils import translation

    keeper = django_user_model.objects.create_user(
        "date-keeper", password="pw-date-keeper-1", is_staff=True
    )
    keeper.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_sistertie", "change_sistertie", "view_sistertie", "view_region"]
        )
    )
    prefecture, autonomous = directory["prefecture"], directory["autonomous"]
    page.goto(f"{live_server.url}/ja/admin/")
    page.fill("#id_username", "date-keeper")
    page.fill("#id_password", "pw-date-keeper-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/ja/admin/")
    page.goto(f"{live_server.url}/ja/admin/exchanges/sistertie/add/")
    for field, region in [("region_a", "prefecture"), ("region_b", "autonomous")]:
        page.click(f"[aria-labelledby='select2-id_{field}-container']")
        page.locator(".select2-dropdown .select2-search__field").fill(directory["token"])
        # Each option reads as the region, then its parents': the region's own option.
        own = re.compile("^" + re.escape(str(directory[region])))
        page.get_by_role("option", name=own).click()
    page.select_option("#id_tie_type", "sister")
    assert page.locator("#id_established_precision").count() == 0  # one box for the date
    page.fill("#id_established", "1996年7月")
    screenshot(page, "admin-tie-month-ja")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/ja/admin/exchanges/sistertie/")

    tie = SisterTie.objects.get(region_a=prefecture, region_b=autonomous, tie_type="sister")
    assert (str(tie.established), tie.established_precision) == ("1996-07-01", "month")
    with translation.override("ja"):
        address = tie.get_absolute_url()
    page.goto(live_server.url + address)
    assert "1996年7月" in page.locator("dl.facts").inner_text()
    screenshot(page, "tie-month-ja")


def sign_in_to_the_admin(page, live_server, django_user_model, language="ja"):
    django_user_model.objects.create_superuser("keeper", "keeper@example.org", "pw-keeper-1")
    page.goto(f"{live_server.url}/{language}/admin/")
    page.fill("#id_username", "keeper")
    page.fill("#id_password", "pw-keeper-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/{language}/admin/")


LONG_QUOTE = (
    "延辺大洋会社は2007年10月に延辺のビジネス関係者19名を引率し、新潟などで買い付けを実施した。"
    "結果として、ビジネスマンたちは金属洋食器などの新潟県産品を2,000万円前後購入した。"
)


def overflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("viewport, label", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_admin_lists_and_forms_fit_the_window(
    page, live_server, django_user_model, viewport, label
):
    """In Japanese, at 1280 px and at 390 px, the change list and the change form of every
    record type stay within the window: a list wider than the page scrolls inside its own box,
    and the citations' inline fits the form."""
    sign_in_to_the_admin(page, live_server, django_user_model)
    page.set_viewport_size(viewport)
    for declared in record_types():
        opts = declared.model._meta
        record = declared.model._default_manager.order_by("-pk").first()  # the directory's
        if is_cited(declared.model):  # an inline row with a long quote, as sources give them
            make.cite(record, locator="表1、p. 39", quote=LONG_QUOTE)
        base = f"{live_server.url}/ja/admin/{opts.app_label}/{opts.model_name}/"
        for view, url in (("list", base), ("form", f"{base}{record.pk}/change/")):
            page.goto(url)
            assert not overflows(page), f"{url} scrolls sideways at {label} width"
            if declared.short_name == "mission":  # the widest: regions, firms, citations
                screenshot(page, f"admin-mission-{view}-ja-{label}")
    assert page.console_errors == []


def test_admin_history_and_recent_changes_read_well_in_japanese(
    page, live_server, django_user_model, directory
):
    """Staff edit a tie on its form (its status, an exchange area, its citation's page); its
    history names each change in Japanese, and the recent changes list it with a link to the
    tie and its history."""
    tie = directory["sister"]
    make.exchange_area(name_en="Trade fairs", name_ja="見本市")
    sign_in_to_the_admin(page, live_server, django_user_model)
    page.goto(f"{live_server.url}/ja/admin/exchanges/sistertie/{tie.pk}/change/")
    page.select_option("#id_status", "dormant")
    page.locator(".field-exchange_areas .select2-selection").click()
    page.keyboard.type("見本")
    page.locator(".select2-results__option", has_text="見本市").click()
    page.fill("input[name$='-0-locator']", "p. 39")
    page.click("input[name=_save]")
    page.wait_for_url("**/ja/admin/exchanges/sistertie/")

    with translation.override("ja"):
        status = str(capfirst(SisterTie._meta.get_field("status").verbose_name))
        active, dormant = str(TieStatus.ACTIVE.label), str(TieStatus.DORMANT.label)
        history_path = reverse("admin:exchanges_sistertie_history", args=[tie.pk])
    page.goto(live_server.url + history_path)
    history = page.locator("#change-history").inner_text()
    assert f"{status}: {active} → {dormant}" in history
    assert "見本市" in history and "p. 38 → p. 39" in history
    assert "None" not in history and "dormant" not in history
    assert not overflows(page)
    screenshot(page, "admin-history-ja")

    page.goto(f"{live_server.url}/ja/admin/")
    page.get_by_role("link", name="すべてのデータの最近の変更").click()
    page.wait_for_url("**/ja/admin/exchanges/changes/")
    first = page.locator("#recent-changes tbody tr").first
    assert "keeper" in first.inner_text()
    assert first.get_by_role("link", name="履歴").get_attribute("href") == history_path
    assert not overflows(page)
    screenshot(page, "admin-recent-changes-ja")
    page.set_viewport_size(PHONE)
    assert not overflows(page)
    screenshot(page, "admin-recent-changes-ja-phone")
    assert page.console_errors == []


def test_staff_import_a_shift_jis_sheet_and_the_japanese_preview_says_how_it_was_read(
    page, live_server, django_user_model, tmp_path
):
    """A sheet saved by Excel on Japanese Windows (Shift_JIS) is chosen in the Japanese admin's
    import screen: the preview names the encoding it detected and shows the names as written,
    and confirming it stores them."""
    from exchanges.models import Region

    django_user_model.objects.create_superuser("sheet-keeper", password="pw-sheet-keeper-1")
    sheet = tmp_path / "regions.csv"
    sheet.write_bytes(
        "slug,name_en,name_ja,country,level\r\n"
        "minato-kaku,Minato Kaku City,みなと架空市,JP,city\r\n"
        "kakuyama,Kakuyama Town,架空山町,JP,town\r\n".encode("cp932")
    )
    page.goto(f"{live_server.url}/ja/admin/")
    page.fill("#id_username", "sheet-keeper")
    page.fill("#id_password", "pw-sheet-keeper-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/ja/admin/")
    page.goto(f"{live_server.url}/ja/admin/exchanges/region/import/")
    page.set_input_files("#id_import_file", str(sheet))
    page.select_option("#id_format", label="csv")
    page.click("input[type=submit]")
    preview = page.locator("#content")
    preview.get_by_text("Shift_JIS", exact=False).first.wait_for()
    assert "みなと架空市" in preview.inner_text() and "架空山町" in preview.inner_text()
    assert "(detected)" not in preview.inner_text()  # the preview speaks Japanese
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "admin-import-preview-ja")
    page.click("input[name=confirm]")
    page.wait_for_url("**/ja/admin/exchanges/region/")
    assert Region.objects.get(slug="minato-kaku").name_ja == "みなと架空市"
    assert page.console_errors == []
