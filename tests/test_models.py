"""The rules that must never break: refused by the database and explained by full_clean()."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from exchanges.models import (
    Firm,
    Mission,
    OverseasOffice,
    Region,
    SalesRoute,
    SisterTie,
)

from . import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    kanagawa = Region.objects.create(
        slug="test-kanagawa",
        name_en="Test Kanagawa",
        name_ja="テスト神奈川県",
        country="JP",
        level="prefecture",
    )
    gyeonggi = Region.objects.create(
        slug="test-gyeonggi",
        name_en="Test Gyeonggi",
        name_ko="테스트경기도",
        country="KR",
        level="province",
    )
    return kanagawa, gyeonggi


def refused_by_database(model, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)


def clean_errors(instance) -> dict:
    with pytest.raises(ValidationError) as raised:
        instance.full_clean()
    return raised.value.message_dict


class TestSisterTieRules:
    def test_self_tie_is_refused_by_the_database(self, pair):
        refused_by_database(SisterTie, region_a=pair[0], region_b=pair[0], tie_type="sister")

    def test_duplicate_in_reverse_order_is_refused_by_the_database(self, pair):
        SisterTie.objects.create(region_a=pair[0], region_b=pair[1], tie_type="sister")
        refused_by_database(SisterTie, region_a=pair[1], region_b=pair[0], tie_type="sister")

    def test_same_pair_with_another_type_is_allowed(self, pair):
        SisterTie.objects.create(region_a=pair[0], region_b=pair[1], tie_type="sister")
        SisterTie.objects.create(region_a=pair[1], region_b=pair[0], tie_type="friendship")
        assert SisterTie.objects.involving(pair[0]).count() == 2

    def test_end_before_start_is_refused_by_the_database(self, pair):
        refused_by_database(
            SisterTie,
            region_a=pair[0],
            region_b=pair[1],
            tie_type="sister",
            status="ended",
            established=datetime.date(2000, 1, 1),
            established_precision="year",
            ended=datetime.date(1999, 1, 1),
            ended_precision="year",
        )

    @pytest.mark.parametrize(
        "value, precision",
        [
            (datetime.date(1987, 3, 1), "year"),  # a year claims 1 January
            (datetime.date(1996, 7, 15), "month"),  # a month claims its first day
            (datetime.date(1996, 7, 1), ""),  # a date needs a precision
            (None, "year"),  # a precision needs a date
        ],
    )
    def test_precision_contradicting_the_date_is_refused(self, pair, value, precision):
        refused_by_database(
            SisterTie,
            region_a=pair[0],
            region_b=pair[1],
            tie_type="sister",
            established=value,
            established_precision=precision,
        )

    def test_clean_names_the_field_for_each_rule(self, pair):
        SisterTie.objects.create(region_a=pair[0], region_b=pair[1], tie_type="sister")
        duplicate = SisterTie(region_a=pair[1], region_b=pair[0], tie_type="sister")
        assert clean_errors(duplicate) == {
            "tie_type": ["These two regions already have a tie of this type."]
        }
        self_tie = SisterTie(region_a=pair[0], region_b=pair[0], tie_type="other")
        assert "region_b" in clean_errors(self_tie)
        backwards = SisterTie(
            region_a=pair[0],
            region_b=pair[1],
            tie_type="friendship",
            status="ended",
            established=datetime.date(2000, 5, 1),
            established_precision="month",
            ended=datetime.date(2000, 4, 1),
            ended_precision="month",
        )
        assert clean_errors(backwards)["ended"] == ["The tie cannot end before it was established."]
        vague = SisterTie(
            region_a=pair[0],
            region_b=pair[1],
            tie_type="other",
            established=datetime.date(1987, 6, 1),
            established_precision="year",
        )
        assert "established" in clean_errors(vague)

    def test_end_date_requires_status_ended(self, pair):
        tie = SisterTie(
            region_a=pair[0],
            region_b=pair[1],
            tie_type="sister",
            ended=datetime.date(2019, 1, 1),
            ended_precision="year",
        )
        assert "status" in clean_errors(tie)
        refused_by_database(
            SisterTie,
            region_a=pair[0],
            region_b=pair[1],
            tie_type="sister",
            ended=datetime.date(2019, 1, 1),
            ended_precision="year",
        )

    def test_partial_dates_display_to_their_precision(self, pair):
        tie = SisterTie(
            region_a=pair[0],
            region_b=pair[1],
            tie_type="sister",
            established=datetime.date(1996, 7, 1),
            established_precision="month",
        )
        assert tie.established_display == "July 1996"
        tie.established, tie.established_precision = datetime.date(1987, 1, 1), "year"
        assert tie.established_display == "1987"


class TestOtherRules:
    def test_office_needs_an_operator(self, pair):
        refused_by_database(
            OverseasOffice, name_en="Nobody's office", kind="trade_office", host_region=pair[1]
        )
        office = OverseasOffice(name_en="Nobody's office", kind="trade_office", host_region=pair[1])
        assert "operator_region" in clean_errors(office)

    def test_office_cannot_close_before_it_opened(self, pair):
        refused_by_database(
            OverseasOffice,
            name_en="Office",
            kind="trade_office",
            operator_region=pair[0],
            host_region=pair[1],
            status="closed",
            opened=datetime.date(2010, 1, 1),
            opened_precision="year",
            closed=datetime.date(2009, 1, 1),
            closed_precision="year",
        )

    def test_mission_cannot_end_before_it_starts(self):
        refused_by_database(
            Mission,
            name_en="Mission",
            kind="trade",
            start=datetime.date(2009, 8, 2),
            start_precision="day",
            end=datetime.date(2009, 8, 1),
            end_precision="day",
        )
        mission = Mission(
            name_en="Mission",
            kind="trade",
            start=datetime.date(2009, 8, 2),
            start_precision="day",
            end=datetime.date(2009, 8, 1),
            end_precision="day",
        )
        assert "end" in clean_errors(mission)

    @pytest.mark.parametrize("field", ["delegation_size"])
    def test_negative_counts_are_refused(self, field):
        refused_by_database(Mission, name_en="Mission", kind="trade", **{field: -1})

    def test_negative_amounts_are_refused(self, pair):
        refused_by_database(
            Firm,
            name_en="Firm",
            kind="company",
            country="JP",
            annual_sales=Decimal("-1"),
            sales_currency="JPY",
        )
        firm = Firm(
            name_en="Firm",
            kind="company",
            country="JP",
            annual_sales=Decimal("-1"),
            sales_currency="JPY",
        )
        assert "annual_sales" in clean_errors(firm)

    def test_an_amount_needs_its_currency(self, pair):
        refused_by_database(
            Firm, name_en="Firm", kind="company", country="JP", registered_capital=Decimal("50")
        )
        firm = Firm.objects.create(name_en="Firm", kind="company", country="JP")
        route = SalesRoute(firm=firm, region=pair[0], amount=Decimal("10"))
        assert "currency" in clean_errors(route)

    def test_firm_region_must_lie_in_the_firms_country(self, pair):
        firm = Firm(name_en="Firm", kind="company", country="CN", region=pair[0])
        assert "region" in clean_errors(firm)

    def test_region_cannot_sit_inside_itself(self, pair):
        child = Region.objects.create(
            slug="test-child", name_en="Child", country="JP", level="city", parent=pair[0]
        )
        pair[0].parent = child
        assert clean_errors(pair[0])["parent"] == ["This parent lies inside the region itself."]

    def test_coordinates_come_in_pairs(self, pair):
        pair[0].latitude = Decimal("35.0")
        assert "longitude" in clean_errors(pair[0])


class TestNames:
    def test_native_name_follows_the_country(self):
        japanese = make.region(name_en="Kakū City", name_ja="架空市", name_ko="가쿠시")
        korean = make.region(country="KR", name_en="Gasang", name_ja="架空道", name_ko="가상도")
        chinese = make.region(country="CN", name_en="Jiakong", name_zh="架空市", name_ko="가공시")
        american = make.region(country="US", name_en="Fictional City", name_ja="架空都市")
        assert [region.native_name for region in (japanese, korean, chinese, american)] == [
            "架空市",
            "가상도",
            "架空市",
            "Fictional City",
        ]
        assert str(korean) == "Gasang (가상도)"
        assert str(american) == "Fictional City"

    def test_name_follows_the_active_language_and_falls_back_to_english(self):
        firm = make.firm(name_en="Kakū Trading", name_ja="架空商事")
        region = make.region(
            country="CN",
            name_en="Jiakong Prefecture",
            name_ja="仮想州",
            name_zh="虚构州",
            name_ko="가공주",
        )
        with translation.override("ko"):
            assert region.name == "가공주"
            assert firm.name == "Kakū Trading"  # no Korean name recorded
        with translation.override("zh-hans"):
            assert region.name == "虚构州"
        with translation.override("ja"):
            assert region.name == "仮想州"
            assert firm.name == "架空商事"
        assert region.name == "Jiakong Prefecture"
