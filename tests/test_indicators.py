"""Figures the sources state: the subject rules, ranges and periods; the value as printed; the
filters on the list and in the API; the figures on region, tie and firm pages."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exchanges.models import Indicator
from exchanges.models.indicators import SUBJECT_FIELD_NAMES, SUBJECT_FIELDS, IndicatorSubject
from tests.query_counts import RecordQueries

from . import factories as make
from .filter_cases import indicator_period_overlap
from .test_admin import admin_url, change_form_data

pytestmark = pytest.mark.django_db

LIST, API = "/indicators/", "/api/v1/indicators/"
ROWS = {"per_page": 500}


def page_ids(client, **query) -> set[int]:
    response = client.get(LIST, {**ROWS, **query})
    assert response.status_code == 200
    return {row.record.pk for row in response.context["table"].paginated_rows}


def api_ids(client, **query) -> set[int]:
    response = client.get(API, {"page_size": 500, **query})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def subject_values(kind) -> dict:
    """The fields a figure about ``kind`` fills, each given a value."""
    values = {
        "region": make.region(),
        "partner_region": make.region(country="KR"),
        "operator_region": make.region(),
        "firm": make.firm(),
        "country": "JP",
        "partner_country": "CN",
    }
    names = SUBJECT_FIELDS[kind]
    if kind == IndicatorSubject.OFFICE_NETWORK:
        names = ("operator_region",)
    return {name: values[name] for name in names}


def out_of_place(kind) -> str:
    """A subject field a figure about ``kind`` must leave empty."""
    return next(name for name in SUBJECT_FIELD_NAMES if name not in SUBJECT_FIELDS[kind])


def filled(name: str):
    return {"country": "KR", "partner_country": "KR"}.get(name) or (
        make.firm() if name in ("firm", "operator_firm") else make.region(country="CN")
    )


# --- the rules ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", IndicatorSubject.values)
def test_each_subject_is_accepted_with_exactly_its_fields(kind):
    figure = Indicator(measure="m", value=1, subject=kind, **subject_values(kind))
    figure.full_clean()
    figure.save()
    assert figure.subject_records == list(subject_values_of(figure))


def subject_values_of(figure):
    return [getattr(figure, name) for name in SUBJECT_FIELD_NAMES if getattr(figure, name)]


@pytest.mark.parametrize("kind", IndicatorSubject.values)
def test_a_field_out_of_place_is_refused_on_that_field_and_by_the_database(kind):
    extra = out_of_place(kind)
    figure = Indicator(
        measure="m", value=1, subject=kind, **subject_values(kind), **{extra: filled(extra)}
    )
    with pytest.raises(ValidationError) as refused:
        figure.full_clean()
    assert extra in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        figure.save()


@pytest.mark.parametrize(
    "kind", [kind for kind in IndicatorSubject.values if kind != IndicatorSubject.OFFICE_NETWORK]
)
def test_a_missing_subject_field_is_named(kind):
    values = subject_values(kind)
    missing = SUBJECT_FIELDS[kind][-1]
    del values[missing]
    figure = Indicator(measure="m", value=1, subject=kind, **values)
    with pytest.raises(ValidationError) as refused:
        figure.full_clean()
    assert missing in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        figure.save()


def test_an_office_network_has_one_operator():
    both = Indicator(
        measure="m",
        value=1,
        subject=IndicatorSubject.OFFICE_NETWORK,
        operator_region=make.region(),
        operator_firm=make.firm(),
    )
    with pytest.raises(ValidationError) as refused:
        both.full_clean()
    assert "operator_region" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        both.save()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"value": Decimal(4), "value_to": Decimal(2)}, "value_to"),
        ({"value": 1, "period_start": 2010, "period_end": 2009}, "period_end"),
        ({"value": 1, "period_end": 2009}, "period_end"),
    ],
    ids=["value_to below value", "period end before start", "period end without start"],
)
def test_ranges_and_periods_run_forwards(fields, field):
    figure = Indicator(measure="m", subject="country", country="JP", **fields)
    with pytest.raises(ValidationError) as refused:
        figure.full_clean()
    assert field in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        figure.save()


def test_the_admin_form_names_the_field_out_of_place(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_user("tf-staff", is_staff=True, is_superuser=True)
    )
    figure = make.indicator(country="JP")
    url = admin_url(Indicator, "change", figure.pk)
    data = change_form_data(client.get(url))
    data["firm"] = str(make.firm().pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "firm" in response.context["adminform"].form.errors
    data.pop("firm")
    data.update(value="4", value_to="2")
    response = client.post(url, data)
    assert "value_to" in response.context["adminform"].form.errors


@pytest.fixture
def writer(django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("tf-figure-writer")
    user.user_permissions.add(*Permission.objects.filter(codename__endswith="_indicator"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_the_api_refuses_a_wrong_subject_or_range_with_400_naming_the_field(writer):
    region, firm = make.region(), make.firm()
    base = {"measure": "visitors", "value": "10", "subject": "region", "region": region.pk}
    for extra, field in (
        ({"firm": firm.pk}, "firm"),
        ({"subject": "region_pair"}, "partner_region"),
        ({"value_to": "5"}, "value_to"),
        ({"period_start": 2010, "period_end": 2001}, "period_end"),
    ):
        response = writer.post(API, {**base, **extra}, format="json")
        assert response.status_code == 400, extra
        assert field in response.json(), response.json()
    response = writer.post(API, base, format="json")
    assert response.status_code == 201, response.json()


# --- the value as printed -----------------------------------------------------------------


def test_the_value_is_shown_as_printed_with_its_scale_unit_and_currency():
    grp = make.indicator(
        country="CN", value=Decimal("379.6000"), scale=100_000_000, unit="元", currency="CNY"
    )
    with translation.override("en"):
        assert grp.value_display == "379.6 億元 CNY"
    flights = make.indicator(country="JP", value=2, value_to=4, unit="flights a day")
    assert flights.value_display == "2–4 flights a day"
    visitors = make.indicator(country="JP", value=Decimal("213243"), unit="人", scale=1)
    assert visitors.value_display == "213,243 人"
    thousands = make.indicator(country="JP", value=Decimal("1.5"), scale=1000, unit="buyers")
    assert thousands.value_display == "1.5 thousand buyers"


def test_no_digit_is_lost_on_the_page_in_the_api_or_in_a_download(client):
    """Every digit the field holds, on PostgreSQL (numeric); SQLite keeps a decimal in a
    floating-point column, so there the test asks for the 15 digits that column holds."""
    token = make.new_token()
    digits = "1234567890123456.1234" if connection.vendor == "postgresql" else "12345678901.2345"
    figure = make.indicator(
        token, country="JP", value=Decimal(digits), scale=100_000_000, unit="円", currency="JPY"
    )
    whole, fraction = digits.split(".")
    grouped = f"{int(whole):,}.{fraction}"
    assert figure.value_display == f"{grouped} 億円 JPY"
    body = client.get(f"{API}{figure.pk}/").json()
    assert body["value"] == digits
    assert Decimal(body["scaled_value"]) == Decimal(digits) * 100_000_000
    assert body["scaled_value_to"] is None
    page = client.get(figure.get_absolute_url()).content.decode()
    assert grouped in page
    rows = csv_rows(client, q=token)
    assert rows[0]["value"] == digits


def csv_rows(client, **query) -> list[dict]:
    response = client.get(LIST, {**query, "export": "csv"})
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# --- filters ------------------------------------------------------------------------------


def test_years_overlapping_both_bounds_on_the_list_and_in_the_api(client):
    token = make.new_token()
    (case,) = indicator_period_overlap(token)
    wanted = {figure.pk for figure in case.hits}
    assert page_ids(client, q=token, **case.query) == wanted
    assert api_ids(client, q=token, **case.query) == wanted


def test_region_filter_finds_subject_partner_and_operator_alike(client):
    token = make.new_token()
    region = make.region(token)
    hits = {
        make.indicator(token, region=region).pk,
        make.indicator(token, region=make.region(token), partner_region=region).pk,
        make.indicator(token, operator_region=region).pk,
    }
    make.indicator(token)
    make.indicator(token, operator_firm=make.firm(token))
    for read in (page_ids, api_ids):
        assert read(client, q=token, region=region.slug) == hits


def test_country_and_qualifier_filters_agree_on_the_list_and_in_the_api(client):
    token = make.new_token()
    about = make.indicator(token, country="KR", qualifier="approximate")
    partner = make.indicator(token, country="JP", partner_country="KR", qualifier="approximate")
    make.indicator(token, country="KR", qualifier="exact")
    make.indicator(token, country="JP", partner_country="CN", qualifier="approximate")
    query = {"q": token, "country": "KR", "qualifier": "approximate"}
    assert page_ids(client, **query) == api_ids(client, **query) == {about.pk, partner.pk}


@pytest.mark.parametrize(
    "query", [{"period_from": "20x5"}, {"period_to": 99999}, {"qualifier": "roughly"}]
)
def test_bad_filter_values_answer_400_on_the_list_and_in_the_api(client, query):
    assert client.get(LIST, query).status_code == 400
    response = client.get(API, query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_a_download_holds_exactly_the_filtered_rows(client):
    token = make.new_token()
    region = make.region(token)
    wanted = {
        make.indicator(token, region=region, period_start=2008).pk,
        make.indicator(token, operator_region=region, period_start=2010, period_end=2012).pk,
    }
    make.indicator(token, region=region, period_start=2001)
    make.indicator(token, period_start=2009)
    query = {"q": token, "region": region.slug, "period_from": 2005}
    rows = csv_rows(client, **query)
    assert {int(row["id"]) for row in rows} == wanted
    by_id = {int(row["id"]): row for row in rows}
    assert {row["region"] or row["operator_region"] for row in rows} == {region.slug}
    assert sorted(row["period_end"] for row in by_id.values()) == ["", "2012"]
    response = client.get(API, {**query, "format": "csv"})
    data = b"".join(response.streaming_content) if response.streaming else response.content
    api_rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {int(row["id"]) for row in api_rows} == wanted


# --- region, tie and firm pages -----------------------------------------------------------


def test_the_region_page_shows_its_figures_with_partner_value_years_and_source(client):
    token = make.new_token()
    region, partner = make.region(token), make.region(token, country="CN")
    figure = make.indicator(
        token,
        region=region,
        partner_region=partner,
        measure="trade volume",
        value=Decimal("12.5"),
        scale=10_000,
        unit="t",
        period_start=2005,
        period_end=2007,
        qualifier="approximate",
    )
    cited = make.cite(figure).source
    elsewhere = make.indicator(token)
    with translation.override("en"):
        page = client.get(region.get_absolute_url()).content.decode()
    section = page.split('id="indicators-title"', 1)[1].split("</section>", 1)[0]
    assert f'href="{figure.get_absolute_url()}"' in section
    assert f'href="{partner.get_absolute_url()}"' in section
    assert "12.5 万 t" in section and "2005–2007" in section
    assert "approximate" in section
    assert f'href="{cited.get_absolute_url()}"' in section
    assert elsewhere.get_absolute_url() not in section


def test_the_tie_page_shows_the_pairs_figures_in_either_order(client):
    token = make.new_token()
    tie = make.tie(token)
    forward = make.indicator(token, region=tie.region_a, partner_region=tie.region_b)
    backward = make.indicator(token, region=tie.region_b, partner_region=tie.region_a)
    one_side = make.indicator(token, region=tie.region_a, partner_country="CN")
    page = client.get(tie.get_absolute_url()).content.decode()
    assert forward.get_absolute_url() in page and backward.get_absolute_url() in page
    assert f'href="{one_side.get_absolute_url()}"' not in page


def test_the_firm_page_shows_its_figures_and_its_offices(client):
    token = make.new_token()
    firm = make.firm(token)
    own = make.indicator(token, firm=firm)
    offices = make.indicator(token, operator_firm=firm)
    other = make.indicator(token, firm=make.firm(token))
    page = client.get(firm.get_absolute_url()).content.decode()
    assert own.get_absolute_url() in page and offices.get_absolute_url() in page
    assert f'href="{other.get_absolute_url()}"' not in page


def test_the_api_lists_a_regions_figures_through_the_region_filter(client):
    token = make.new_token()
    region = make.region(token)
    figure = make.indicator(token, region=region, partner_region=make.region(token))
    body = client.get(API, {"region": region.slug}).json()
    (result,) = body["results"]
    assert result["id"] == figure.pk
    assert result["region"]["slug"] == region.slug
    assert result["partner_region"]["id"] == figure.partner_region_id
    assert set(result["region"]) == {
        "id",
        "slug",
        "name_en",
        "name_ja",
        "name_zh",
        "name_ko",
        "country",
        "url",
    }


# --- speed by construction ----------------------------------------------------------------


def counted(client, url) -> int:
    with RecordQueries() as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_pages_list_and_download_cost_the_same_for_5_and_50_figures(client):
    counts: dict[str, list[int]] = {}
    for figures in (5, 50):
        savepoint = connection.savepoint()
        token = make.new_token()
        tie, firm = make.tie(token), make.firm(token)
        region = tie.region_a
        for number in range(figures):
            partner = tie.region_b if number % 2 else make.region(token, country="CN")
            make.cite(make.indicator(token, region=region, partner_region=partner))
            make.cite(make.indicator(token, operator_region=region))
            make.cite(
                make.indicator(token, firm=firm)
                if number % 2
                else make.indicator(token, operator_firm=firm)
            )
        urls = {
            "region": region.get_absolute_url(),
            "tie": tie.get_absolute_url(),
            "firm": firm.get_absolute_url(),
            "list": f"{LIST}?q={token}",
            "export": f"{LIST}?q={token}&export=csv",
            "api": f"{API}?q={token}",
        }
        counted(client, urls["region"])  # what the first page of a run reads, later ones find
        for name, url in urls.items():
            counts.setdefault(name, []).append(counted(client, url))
        connection.savepoint_rollback(savepoint)
    assert {name: len(set(values)) for name, values in counts.items()} == dict.fromkeys(
        counts, 1
    ), counts
