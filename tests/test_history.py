"""The change history as staff read it: a record's history page, the recent changes of every
record, and sources' titles in the reader's language.

Each test builds its records (tests/factories.py) and edits them through the admin's forms, as
staff do, or writes history rows of its own where only the listing is looked at."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst

from exchanges.change_history import tracked_models
from exchanges.models import (
    Citation,
    ExchangeArea,
    Mission,
    Region,
    SisterTie,
    Source,
    TieStatus,
)

from . import factories as make
from .query_counts import RecordQueries
from .test_admin import admin_url, change_form_data
from .test_i18n import LOCALES, untranslated

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    """A member of the Chamber staff group, signed in: may view, add and change records and
    read their histories."""
    user = django_user_model.objects.create_user("keeper", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Chamber staff"))
    client.force_login(user)
    client.user = user
    return client


def in_language(language: str, url_name: str, *args, query: str = "") -> str:
    with translation.override(language):
        url = reverse(url_name, args=args)
    return f"{url}?{query}" if query else url


def history_url(record, language: str = "en") -> str:
    opts = record._meta
    return in_language(language, f"admin:{opts.app_label}_{opts.model_name}_history", record.pk)


def recent_url(language: str = "en", query: str = "") -> str:
    return in_language(language, "admin:recent_changes", query=query)


def citations_prefix(data: dict) -> str:
    return next(key for key in data if "citation" in key and key.endswith("-TOTAL_FORMS"))[
        : -len("-TOTAL_FORMS")
    ]


def save_form(client, record, **changes):
    """Opens the record's admin form, changes the fields given (a list for a many-to-many
    field) and saves it, as staff do."""
    url = admin_url(type(record), "change", record.pk)
    data = change_form_data(client.get(url))
    data.update({name: value for name, value in changes.items() if value is not None})
    for name in [name for name, value in changes.items() if value is None]:
        data.pop(name, None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return data


def add_citation(client, record, cited: Source, locator: str) -> None:
    url = admin_url(type(record), "change", record.pk)
    data = change_form_data(client.get(url))
    prefix = citations_prefix(data)
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-source": str(cited.pk), f"{prefix}-{index}-locator": locator})
    assert client.post(url, data).status_code == 302


def edit_citation(client, record, **changes) -> None:
    """Changes the record's first citation on its form (``DELETE="on"`` removes it)."""
    url = admin_url(type(record), "change", record.pk)
    data = change_form_data(client.get(url))
    prefix = citations_prefix(data)
    data.update({f"{prefix}-0-{name}": value for name, value in changes.items()})
    assert client.post(url, data).status_code == 302


def entries_of(client, record, language: str = "en"):
    response = client.get(history_url(record, language))
    assert response.status_code == 200
    return response.context["entries"], response.content.decode()


def changes_of(entry) -> dict:
    return {
        change.label: (change.added, change.removed) if change.is_list else (change.old, change.new)
        for change in entry.changes
    }


def history_table(html: str) -> str:
    return html[html.index('id="change-history"') :]


def test_a_change_names_fields_choices_dates_and_links_in_the_readers_language(staff):
    tie = make.tie(**make.year("established", 1987))
    partner = make.region(country="KR", name_en="Gasang City", name_ko="가상시")
    area = make.exchange_area(name_en="Trade fairs", name_ja="見本市")
    rows_before = tie.history.count()
    save_form(
        staff,
        tie,
        status=TieStatus.DORMANT,
        established="July 1996",
        description="Buyers visit each spring.",
        region_b=str(partner.pk),
        exchange_areas=[str(area.pk)],
    )
    assert tie.history.count() == rows_before + 1  # one entry for the whole form

    entries, html = entries_of(staff, tie, "ja")
    latest = entries[0]
    assert (latest.action, latest.user.get_username()) == ("~", "keeper")
    with translation.override("ja"):
        label = {
            name: capfirst(SisterTie._meta.get_field(name).verbose_name)
            for name in ("status", "established", "description", "region_b", "exchange_areas")
        }
        expected = {
            label["region_b"]: (str(tie.region_b), str(partner)),
            label["established"]: ("1987年", "1996年7月"),
            label["status"]: (str(TieStatus.ACTIVE.label), str(TieStatus.DORMANT.label)),
            label["exchange_areas"]: (["見本市"], []),
            label["description"]: ("-", "Buyers visit each spring."),
        }
    assert changes_of(latest) == expected
    # In the form's order, and shown in Japanese: no raw code, no literal None.
    assert [change.label for change in latest.changes] == list(expected)
    table = history_table(html)
    assert "見本市" in table and "1996年7月" in table
    assert "None" not in table
    assert ">dormant<" not in table and "→ dormant" not in table


def test_empty_values_show_as_empty(staff):
    mission = make.mission(delegation_size=12, venue="")
    save_form(staff, mission, delegation_size="", venue="Toki Messe")
    entries, html = entries_of(staff, mission)
    assert changes_of(entries[0]) == {
        "Venue": ("-", "Toki Messe"),
        "Delegation size": ("12", "-"),
    }
    assert "None" not in history_table(html)


def test_many_to_many_edits_are_one_entry_each_save(staff):
    first, second = make.region(name_en="Niigata Port City"), make.region(name_en="Yanji Town")
    mission = make.mission(origin_regions=[first])
    rows_before = mission.history.count()
    save_form(staff, mission, origin_regions=[str(first.pk), str(second.pk)], leader="Mr Kim")
    save_form(staff, mission, origin_regions=[str(second.pk)])
    assert mission.history.count() == rows_before + 2

    entries, _html = entries_of(staff, mission)
    removed, added = entries[0], entries[1]
    assert changes_of(added) == {"Origin regions": (["Yanji Town"], []), "Leader": ("-", "Mr Kim")}
    assert changes_of(removed) == {"Origin regions": ([], ["Niigata Port City"])}
    # The entry's copy of the links is the saved one: the version page shows them.
    latest = mission.history.order_by("-history_date", "-history_id").first()
    assert [link.region_id for link in latest.origin_regions.all()] == [second.pk]


def test_a_form_saved_unchanged_leaves_no_entry(staff):
    mission = make.mission(origin_regions=[make.region()])
    rows_before, updated = mission.history.count(), mission.updated
    save_form(staff, mission)
    mission.refresh_from_db()
    assert (mission.history.count(), mission.updated) == (rows_before, updated)


def test_citation_edits_are_in_the_record_history(admin_client):
    """Added, changed and removed on the record's form (removing one takes the delete
    permission, which chamber staff lack)."""
    mission = make.mission()
    report = make.source(title="日韓経済報告", title_en="Japan–Korea economy report", language="ja")
    rows_before = mission.history.count()
    add_citation(admin_client, mission, report, "p. 12")
    edit_citation(admin_client, mission, locator="p. 13")
    edit_citation(admin_client, mission, DELETE="on")
    assert mission.history.count() == rows_before  # the mission itself did not change
    mission_type = ContentType.objects.get_for_model(Mission)
    assert Citation.history.filter(content_type=mission_type, object_id=mission.pk).count() == 3

    entries, html = entries_of(admin_client, mission)
    removed, changed, added = entries[:3]
    assert [entry.part_action_label for entry in (removed, changed, added)] == [
        "Citation removed",
        "Citation changed",
        "Citation added",
    ]
    assert added.label == "Japan–Korea economy report — p. 12"
    assert changes_of(changed) == {"Page or section": ("p. 12", "p. 13")}
    assert removed.label == "Japan–Korea economy report — p. 13"
    # A Japanese reader sees the report's Japanese title.
    entries, _html = entries_of(admin_client, mission, "ja")
    assert entries[2].label == "日韓経済報告 — p. 12"


def test_a_firms_sales_routes_are_in_its_history(staff):
    firm = make.firm()
    make.sales_route(firm_record=firm, region_record=make.region(name_en="Hunchun Town"))
    entries, _html = entries_of(staff, firm)
    route = next(entry for entry in entries if entry.is_part)
    assert route.part_action_label == "Sales route added"
    assert "Hunchun Town" in route.label


def test_deleted_records_keep_a_readable_history(admin_client):
    area = make.exchange_area(name_en="Ice hockey")
    tie = make.tie()
    tie.exchange_areas.add(area)
    save_form(admin_client, tie, exchange_areas=[])
    response = admin_client.post(admin_url(ExchangeArea, "delete", area.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not ExchangeArea.objects.filter(pk=area.pk).exists()

    entries, _html = entries_of(admin_client, tie)
    assert changes_of(entries[0]) == {"Exchange areas": ([], ["Ice hockey (deleted)"])}
    entries, html = entries_of(admin_client, area)  # the deleted record's own history
    assert [entry.action for entry in entries[:2]] == ["-", "+"]
    assert "Ice hockey" in html


def test_sources_show_their_title_in_the_readers_language():
    japanese = make.source(
        title="日韓経済報告", title_en="Japan–Korea economy report", language="ja"
    )
    untitled = make.source(title="延边对外贸易", language="zh")
    expected = {
        "en": ("Japan–Korea economy report", "en", "延边对外贸易"),
        "ja": ("日韓経済報告", "ja", "延边对外贸易"),
        "ko": ("Japan–Korea economy report", "en", "延边对外贸易"),
        "zh-hans": ("Japan–Korea economy report", "en", "延边对外贸易"),
    }
    for language, (title, title_language, other) in expected.items():
        with translation.override(language):
            assert (str(japanese), japanese.reader_title_language, str(untitled)) == (
                title,
                title_language,
                other,
            ), language


def test_pages_and_admin_show_source_titles_in_the_readers_language(client, admin_client):
    token = make.new_token()
    report = make.source(
        token, title=f"日韓経済報告 {token}", title_en=f"Economy report {token}", language="ja"
    )
    tie = make.tie(token)
    make.cite(tie, report, locator="p. 4")
    japanese, english = f"日韓経済報告 {token}", f"Economy report {token}"
    pages = {
        "ja": f'lang="ja">{japanese}<',
        "en": f'lang="en">{english}<',
    }
    for language, shown in pages.items():
        with translation.override(language):
            urls = [
                tie.get_absolute_url(),
                report.get_absolute_url(),
                reverse("exchanges:source-list") + f"?q={token}",
            ]
            admin_list = reverse("admin:exchanges_source_changelist") + f"?q={token}"
        for url in urls:
            assert shown in client.get(url).content.decode(), url
        assert shown in admin_client.get(admin_list).content.decode()
    # Each title once on the source's page: the reader's as its heading, the other beside.
    page = client.get(report.get_absolute_url()).content.decode()
    assert f'<h1 lang="en">{english}</h1>' in page and f'<dd lang="ja">{japanese}</dd>' in page


@pytest.mark.parametrize("path", ["exchanges:source-list", "exchanges:sistertie-list"])
def test_downloads_name_sources_alike_in_every_language(client, path):
    token = make.new_token()
    report = make.source(
        token, title=f"日韓経済報告 {token}", title_en=f"Economy report {token}", language="ja"
    )
    make.cite(make.tie(token), report, locator="p. 4")
    downloads = {}
    for language in ("en", "ja", "ko"):
        url = in_language(language, path, query=f"q={token}&export=csv")
        downloads[language] = b"".join(client.get(url).streaming_content)
    assert downloads["en"] == downloads["ja"] == downloads["ko"]
    text = downloads["en"].decode("utf-8-sig")
    assert report.file_name in text or f"日韓経済報告 {token}" in text


# The recent changes of every record.


def test_recent_changes_are_for_staff_only(client, django_user_model, staff):
    url = recent_url()
    login = reverse("admin:login")
    anonymous = client.__class__().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(login)
    reader = client.__class__()
    reader.force_login(django_user_model.objects.create_user("reader", password="pw"))
    refused = reader.get(url)
    assert refused.status_code == 302 and refused["Location"].startswith(login)
    assert "recent-changes" not in refused.content.decode()
    assert staff.get(url).status_code == 200


def test_the_admin_index_links_to_the_recent_changes(staff):
    html = staff.get(reverse("admin:index")).content.decode()
    assert f'href="{recent_url()}"' in html


def as_user(user, record) -> dict:
    """No arguments for ``delete()``: marks the record so that its deletion's history row
    names ``user``."""
    record._history_user = user
    return {}


def by(user, *records) -> None:
    """Gives the records' history rows to ``user``, as if they had made them."""
    for record in records:
        record.history.update(history_user=user)


def test_recent_changes_list_every_kind_newest_first_with_links(staff, admin_client):
    tie = make.tie()
    region = make.region()
    region.name_en = "Renamed Harbour"
    region.save()
    citation = make.cite(tie)
    gone = make.exchange_area(name_en="Gone Area")
    by(staff.user, tie, region, citation, citation.source)
    gone.delete(**as_user(staff.user, gone))

    response = staff.get(recent_url(query=f"user={staff.user.pk}"))
    assert response.status_code == 200
    entries = response.context["entries"]
    times = [entry.time for entry in entries]
    assert times == sorted(times, reverse=True)
    assert {entry.model for entry in entries} == {
        SisterTie,
        Region,
        Citation,
        ExchangeArea,
        Source,
    }
    assert {entry.user for entry in entries} == {staff.user}

    renamed = next(entry for entry in entries if entry.model is Region and entry.action == "~")
    assert changes_of(renamed)["Name (English)"][1] == "Renamed Harbour"
    assert renamed.change_url == admin_url(Region, "change", region.pk)
    assert renamed.history_url == admin_url(Region, "history", region.pk)
    # A citation's change is shown with the record it cites, whose history lists it.
    cited = next(entry for entry in entries if entry.model is Citation)
    assert cited.record == tie and cited.change_url == admin_url(SisterTie, "change", tie.pk)
    assert cited.history_url == admin_url(SisterTie, "history", tie.pk)
    # A deleted record: no page to open, its history still readable.
    deleted = next(entry for entry in entries if entry.action == "-")
    assert deleted.change_url is None and deleted.label == "Gone Area"
    assert admin_client.get(deleted.history_url).status_code == 200


def test_recent_changes_filter_by_user_type_kind_and_dates(staff, django_user_model):
    other = django_user_model.objects.create_user("other", is_staff=True)
    mine, theirs = make.tie(), make.tie()
    mine.status = TieStatus.SUSPENDED
    mine.save()
    region = make.region()
    by(staff.user, mine, region)
    by(other, theirs)
    old = mine.history.filter(history_type="+")
    old.update(history_date=timezone.make_aware(datetime.datetime(2020, 1, 15, 23, 30)))

    def listed(query):
        response = staff.get(recent_url(query=query))
        assert response.status_code == 200, response.context["form"].errors
        return [
            (entry.model, entry.record_id, entry.action) for entry in response.context["entries"]
        ]

    assert set(listed(f"user={staff.user.pk}")) == {
        (SisterTie, mine.pk, "~"),
        (SisterTie, mine.pk, "+"),
        (Region, region.pk, "+"),
    }
    assert listed(f"user={staff.user.pk}&type=sistertie") == [
        (SisterTie, mine.pk, "~"),
        (SisterTie, mine.pk, "+"),
    ]
    assert listed(f"user={other.pk}&action=created") == [(SisterTie, theirs.pk, "+")]
    assert listed(f"user={staff.user.pk}&action=changed") == [(SisterTie, mine.pk, "~")]
    assert listed("since=2020-01-15&until=2020-01-15") == [(SisterTie, mine.pk, "+")]
    assert listed("since=2020-01-16&until=2020-01-31") == []


@pytest.mark.parametrize(
    "query, field",
    [
        ("user=999999999", "user"),
        ("user=abc", "user"),
        ("type=weather", "type"),
        ("action=renamed", "action"),
        ("since=2020-13-45", "since"),
        ("until=yesterday", "until"),
        ("since=2020-02-01&until=2020-01-01", "until"),
        ("per_page=0", "per_page"),
        ("per_page=501", "per_page"),
    ],
)
def test_a_bad_filter_answers_400_naming_it(staff, query, field):
    response = staff.get(recent_url(query=query))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert response.context["entries"] == []


def change_round(user) -> None:
    """A change of each kind a page may hold: a tie created and changed, a mission with its
    links, a citation, a region renamed, an exchange area created and deleted."""
    tie = make.tie()
    tie.status = TieStatus.DORMANT
    tie.save()
    mission = make.mission(origin_regions=[make.region()], related_tie=tie)
    citation = make.cite(tie)
    region = make.region()
    region.name_en = f"Renamed {region.pk}"
    region.save()
    area = make.exchange_area()
    by(user, tie, mission, citation, region, area, *mission.origin_regions.all())
    area.delete(**as_user(user, area))
    Region.history.filter(id=tie.region_a_id).update(history_user=user)
    Region.history.filter(id=tie.region_b_id).update(history_user=user)
    Source.history.filter(id=citation.source_id).update(history_user=user)


def test_recent_changes_take_the_same_queries_whatever_the_page_size(staff):
    change_round(staff.user)
    size = tracked_history_rows(staff.user)
    for _round in range(3):
        change_round(staff.user)
    counts = {}
    for rounds in (1, 4):
        query = f"user={staff.user.pk}&per_page={size * rounds}"
        staff.get(recent_url(query=query))  # content types and the session read once
        with RecordQueries() as queries:
            response = staff.get(recent_url(query=query))
        assert len(response.context["entries"]) == size * rounds
        counts[rounds] = len(queries)
    assert counts[1] == counts[4], counts


def tracked_history_rows(user) -> int:
    return sum(
        getattr(model, model._meta.simple_history_manager_attribute)
        .filter(history_user=user)
        .count()
        for model in tracked_models()
    )


def test_a_record_history_takes_the_same_queries_whatever_its_length(staff):
    report = make.source()
    counts, lengths = {}, {}
    for saves in (1, 4):
        mission = make.mission(origin_regions=[make.region()])
        for number in range(saves):
            save_form(
                staff,
                mission,
                leader=f"Leader {number}",
                origin_regions=[str(make.region().pk)],
                related_tie=str(make.tie().pk),
            )
            add_citation(staff, mission, report, f"p. {number}")
        url = history_url(mission)
        staff.get(url)
        with RecordQueries() as queries:
            response = staff.get(url)
        lengths[saves] = len(response.context["entries"])
        counts[saves] = len(queries)
    assert lengths[4] == lengths[1] + 6
    assert counts[1] == counts[4], counts


@pytest.mark.parametrize("language", list(LOCALES))
def test_history_pages_speak_the_language_of_their_address(staff, language):
    mission = make.mission(origin_regions=[make.region()])
    save_form(staff, mission, origin_regions=[str(make.region().pk)], delegation_size="8")
    add_citation(staff, mission, make.source(), "p. 1")
    for url in (
        history_url(mission, language),
        recent_url(language, query=f"user={staff.user.pk}"),
        recent_url(language, query="since=2020-02-01&until=2020-01-01"),
        in_language(language, "admin:index"),
    ):
        response = staff.get(url)
        assert response.status_code in (200, 400), url
        assert untranslated(response.content.decode(), LOCALES[language]) == set(), url


def test_the_api_change_feed_lists_an_admin_save_once(staff):
    mission, added = make.mission(origin_regions=[make.region()]), make.region()
    since = timezone.now().isoformat()
    save_form(staff, mission, origin_regions=[str(added.pk)], leader="Ms Park")
    feed = staff.get("/api/v1/changes/", {"since": since}).json()["results"]
    assert [(change["type"], change["id"]) for change in feed] == [("mission", mission.pk)]


def test_the_type_filter_offers_only_what_the_user_may_read(client, django_user_model):
    user = django_user_model.objects.create_user("ties-only", password="pw", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_sistertie"),
        Permission.objects.get(codename="view_historicalsistertie"),
    )
    client.force_login(user)
    make.tie()
    make.region()
    response = client.get(recent_url())
    assert [name for name, _label in response.context["form"].fields["type"].choices] == [
        "",
        "sistertie",
    ]
    assert {entry.model for entry in response.context["entries"]} == {SisterTie}
    assert client.get(recent_url(query="type=region")).status_code == 400


def test_the_site_history_models_are_every_tracked_model():
    assert Mission in tracked_models() and Citation in tracked_models()
    assert tracked_models()[0] is Region
