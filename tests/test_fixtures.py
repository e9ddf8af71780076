"""The fixtures carry the five source reports faithfully, each fact with its citation."""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command

from exchanges.models import (
    Citation,
    Firm,
    FirmPartner,
    Indicator,
    Mission,
    OfficeRole,
    OverseasOffice,
    Participation,
    Region,
    SalesRoute,
    SisterTie,
    Source,
)
from exchanges.record_types import record_types

from .conftest import FIXTURES, SEEDS

pytestmark = pytest.mark.django_db

CITED_MODELS = [
    Region,
    SisterTie,
    Firm,
    FirmPartner,
    SalesRoute,
    OverseasOffice,
    Mission,
    Participation,
    Indicator,
]


@pytest.mark.parametrize("model", CITED_MODELS, ids=lambda m: m.__name__)
def test_every_fixture_record_has_a_citation(model):
    assert model.objects.exists()
    uncited = model.objects.filter(citations__isnull=True).values_list("pk", flat=True)
    assert list(uncited) == []


def test_every_fixture_record_passes_validation():
    for model in apps.get_app_config("exchanges").get_models():
        if model.__name__.startswith("Historical"):
            continue
        for record in model.objects.all():
            record.full_clean()


@pytest.mark.parametrize("declared", record_types(), ids=lambda declared: declared.short_name)
def test_every_fixture_record_has_a_page(client, declared):
    records = declared.model.objects.all()
    assert records.exists()
    for record in records:
        assert client.get(record.get_absolute_url()).status_code == 200, record


def test_loading_the_fixtures_twice_changes_no_count():
    models = list(apps.get_app_config("exchanges").get_models())
    before = {model.__name__: model.objects.count() for model in models}
    call_command("load_fixtures", *FIXTURES, verbosity=0)
    after = {model.__name__: model.objects.count() for model in models}
    assert after == before


def fold(text: str) -> str:
    """Drop white space and repair the source set's mis-encoded apostrophes."""
    return re.sub(r"\s+", "", text).replace("¡¯", "’")


def stitched_from(quote: str, text: str, shortest: int = 4) -> bool:
    """True when the quote is made of runs of at least `shortest` characters of the text.

    Quotes from the two-column PDF extraction are whole sentences whose pieces the extraction
    interleaves with the other column; each piece must still be the document's own words.
    """
    rest = fold(quote)
    while rest:
        length = next((n for n in range(len(rest), shortest - 1, -1) if rest[:n] in text), 0)
        if not length:
            return False
        rest = rest[length:]
    return True


@pytest.mark.skipif(
    SEEDS is None, reason="the source reports were not found: set SEEDS_DIR to their folder"
)
def test_every_quote_is_the_sources_own_words():
    texts = {
        source.pk: fold((SEEDS / source.file_name).read_text(encoding="utf-8"))
        for source in Source.objects.all()
    }
    misquoted = [
        (citation.source.file_name, citation.locator, citation.quote)
        for citation in Citation.objects.select_related("source").exclude(quote="")
        if not stitched_from(citation.quote, texts[citation.source_id])
    ]
    assert misquoted == []


def test_table_1_sales_by_city_add_up_as_printed():
    """Table 1 of the ERINA report: A's and C's sales by city add up to their annual sales;
    B's do not (1,180 against 1,360), and the record says so rather than correcting it."""
    for name, total in [("Buyer A", 20000), ("Buyer C", 1200)]:
        firm = Firm.objects.get(name_en__startswith=name)
        assert firm.annual_sales == total
        assert sum(route.amount for route in firm.sales_routes.all()) == total
    buyer_b = Firm.objects.get(name_en__startswith="Buyer B")
    assert sum(route.amount for route in buyer_b.sales_routes.all()) == Decimal(1180)
    assert buyer_b.annual_sales == Decimal(1360)
    assert "1,180" in buyer_b.notes


def test_region_hierarchy_from_the_reports():
    yanji = Region.objects.get(slug="yanji")
    assert [region.slug for region in yanji.ancestors()] == ["yanbian", "jilin"]
    assert Region.objects.get(slug="mitsuke").parent.slug == "niigata"
    assert Region.objects.get(slug="yanbian").capital == yanji


def test_the_sister_tie_of_1987():
    tie = SisterTie.objects.get(region_a__slug="gyeongsangnam-do", region_b__slug="yamaguchi")
    assert (tie.tie_type, tie.established_display) == ("sister", "1987")
    assert tie.missions.count() == 3


def test_coordinates_in_the_fixtures_are_marked_as_context():
    placed = Region.objects.exclude(latitude=None)
    assert placed.count() > 40
    assert set(placed.values_list("coordinates_basis", flat=True)) == {"context"}


def test_the_south_gyeongsang_office_figures_are_held_once_for_the_whole_network():
    """003 credits its results to the province's offices as a whole: one figure each, on the
    operator, and none of them left in the notes of the single offices."""
    network = Indicator.objects.filter(
        subject="office_network", operator_region__slug="gyeongsangnam-do"
    )
    for wording in ["3,254 local buyers", "$12.74 million", "$2.52 million", "803 firms"]:
        assert network.filter(wording__contains=wording).count() == 1, wording
    assert network.get(wording__contains="3,254").value == 3254
    offices = OverseasOffice.objects.filter(operator_region__slug="gyeongsangnam-do")
    assert offices.count() == 6
    for office in offices:
        for figure in ["3,254", "12.74", "2.52", "803 firms", "interpreters", "$18 million"]:
            assert figure not in office.notes + office.functions, (office, figure)


# How the sources hedge a figure (a pattern of its wording), and the qualifier each calls for.
HEDGES = [
    (r"\d여건", "approximate"),
    (r"some \d", "approximate"),
    (r"延べ\d", "trips"),
    ("と言われている", "reported"),
    (r"nearly \d", "nearly"),
    (r"more than \d", "at_least"),
]


def test_hedged_figures_carry_their_qualifier():
    assert Indicator.objects.get(wording="200여건").qualifier == "approximate"
    for hedge, qualifier in HEDGES:
        hedged = Indicator.objects.filter(wording__regex=hedge)
        assert hedged.exists(), hedge
        assert set(hedged.values_list("qualifier", flat=True)) == {qualifier}, hedge


def test_a_figure_with_a_range_keeps_both_ends():
    flights = Indicator.objects.get(
        subject="region_pair", region__slug="yanji", partner_region__slug="incheon"
    )
    assert (flights.value, flights.value_to) == (2, 4)


def test_each_partnership_of_the_report_is_held_once_with_its_kind():
    """000: the chamber's agreement with Dayang (p. 39), Dayang importing for the buyers of
    Table 1 (p. 38), and the ERINA author's liaison with Dayang (p. 41)."""
    held = {
        (row.from_firm.name_en, row.to_firm.name_en, row.kind)
        for row in FirmPartner.objects.select_related("from_firm", "to_firm")
    }
    chamber, dayang = "Mitsuke City Chamber of Commerce and Industry", "Yanbian Dayang"
    buyers = {f"Buyer {letter} (Yanji textile buyer)" for letter in "ABCD"}
    assert held == {
        (chamber, dayang, "agreement"),
        (dayang, "ERINA", "liaison"),
        *((dayang, buyer, "import_agent") for buyer in buyers),
    }


def test_the_exhibition_hall_is_set_up_by_the_chamber_and_run_by_dayang():
    hall = OverseasOffice.objects.get(pk=12)
    assert hall.operator_firm.name_en == "Yanbian Dayang"
    role = OfficeRole.objects.get(office=hall)
    assert (role.firm.name_en, role.role) == (
        "Mitsuke City Chamber of Commerce and Industry",
        "set_up_by",
    )


def test_organising_firms_are_the_missions_organisers_and_regions_are_participations():
    assert not Participation.objects.filter(role="organiser", firm__isnull=False).exists()
    (organiser,) = Participation.objects.filter(role="organiser")
    assert (organiser.region.slug, organiser.mission.name_en) == (
        "gyeongsangnam-do",
        "South Gyeongsang trade missions to Shandong and Shanghai",
    )
