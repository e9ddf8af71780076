"""Records built for a test: every record type, its links and its citations.

Tests that look at pages, the API, the admin or the pictures build the records they look at here,
so that what they check never rests on what the production fixtures hold (those are tested as
data in test_fixtures.py). Each record carries a *token*: a word no fixture holds (``tfx12q``),
in its names and its search text, so that ``q=<token>`` selects exactly the records a test built
with it, whatever else the database holds. Slugs and file names start with ``tf-`` and end with a
serial number, so records built with the same token never collide.

Every builder validates what it builds (``saved``), so the data keeps the rules the models
declare: partial dates with their precision, amounts with their currency. ``build(model)`` builds
a record of any model; ``linked(model)`` one with every link it can have filled in, each linked
record built for it, and a citation.
"""

import datetime
import itertools
from decimal import Decimal

from django.db import models
from django_countries.fields import CountryField

from exchanges.models import (
    Citation,
    ExchangeArea,
    Firm,
    FirmPartner,
    Indicator,
    Mission,
    OfficeRole,
    OverseasOffice,
    Participation,
    Person,
    Region,
    SalesRoute,
    SisterTie,
    Source,
)
from exchanges.models.indicators import SUBJECT_FIELD_NAMES, SUBJECT_FIELDS, IndicatorSubject
from exchanges.models.querysets import is_cited

_serials = itertools.count(1)


def serial() -> int:
    return next(_serials)


def new_token() -> str:
    """A word found in no fixture, nor inside another token (``tfx1q`` is not in ``tfx12q``)."""
    return f"tfx{serial()}q"


def year(field: str, value: int) -> dict:
    """A partial date known to the year, as ``{field: 1 January, field_precision: "year"}``."""
    return {field: datetime.date(value, 1, 1), f"{field}_precision": "year"}


def saved(record):
    """The record, validated by its fields and its ``clean()``, then saved: the database
    enforces its constraints and unique fields itself, and checking them first would cost a
    query each."""
    record.full_clean(validate_unique=False, validate_constraints=False)
    record.save()
    return record


def region(token: str | None = None, *, country="JP", level="city", **fields) -> Region:
    token = token or new_token()
    number = serial()
    fields.setdefault("slug", f"tf-{token}-{number}")
    fields.setdefault("name_en", f"Region {token} {number}")
    return saved(Region(country=country, level=level, **fields))


def tie(
    token: str | None = None, *, region_a=None, region_b=None, tie_type="sister", **fields
) -> SisterTie:
    """A tie between two regions built for it (Japan and Korea) unless given."""
    token = token or new_token()
    region_a = region_a or region(token, country="JP")
    region_b = region_b or region(token, country="KR")
    return saved(SisterTie(region_a=region_a, region_b=region_b, tie_type=tie_type, **fields))


def firm(token: str | None = None, *, kind="company", region=None, **fields) -> Firm:
    """A firm of its region's country (Japan when it has none)."""
    token = token or new_token()
    fields.setdefault("country", str(region.country) if region else "JP")
    fields.setdefault("name_en", f"Firm {token} {serial()}")
    return saved(Firm(kind=kind, region=region, **fields))


def office(
    token: str | None = None,
    *,
    kind="trade_office",
    operator_region=None,
    operator_firm=None,
    host_region=None,
    **fields,
) -> OverseasOffice:
    """An office a Japanese region built for it runs in a Korean one, unless told otherwise."""
    token = token or new_token()
    if operator_region is None and operator_firm is None:
        operator_region = region(token, country="JP")
    host_region = host_region or region(token, country="KR")
    fields.setdefault("name_en", f"Office {token} {serial()}")
    return saved(
        OverseasOffice(
            kind=kind,
            operator_region=operator_region,
            operator_firm=operator_firm,
            host_region=host_region,
            **fields,
        )
    )


def mission(
    token: str | None = None,
    *,
    kind="trade",
    origin_regions=(),
    destination_regions=(),
    organisers=(),
    participating_firms=(),
    **fields,
) -> Mission:
    token = token or new_token()
    fields.setdefault("name_en", f"Mission {token} {serial()}")
    record = saved(Mission(kind=kind, **fields))
    record.origin_regions.add(*origin_regions)
    record.destination_regions.add(*destination_regions)
    record.organisers.add(*organisers)
    record.participating_firms.add(*participating_firms)
    return record


def person(token: str | None = None, **fields) -> Person:
    token = token or new_token()
    fields.setdefault("name_en", f"Person {token} {serial()}")
    return saved(Person(**fields))


def participation(token: str | None = None, *, role="participant", **fields) -> Participation:
    """A participation in a mission built for it unless given (``mission``), by a person
    built for it unless a person, a region or a firm is given."""
    token = token or new_token()
    mission_record = fields.pop("mission", None) or mission(token)
    if not {"person", "region", "firm"} & fields.keys():
        fields["person"] = person(token)
    fields.setdefault("talk_title", f"Talk {token} {serial()}")
    return saved(Participation(mission=mission_record, role=role, **fields))


def subject_of(given: set[str]) -> str:
    """The kind of subject whose fields are exactly ``given``: a pair of regions for none."""
    if not given:
        return IndicatorSubject.REGION_PAIR
    for kind, names in SUBJECT_FIELDS.items():
        if kind == IndicatorSubject.OFFICE_NETWORK:
            if given in ({"operator_region"}, {"operator_firm"}):
                return kind
        elif set(names) == given:
            return kind
    raise ValueError(f"No kind of subject has exactly the fields {sorted(given)}.")


def indicator(token: str | None = None, *, subject=None, **fields) -> Indicator:
    """A figure about the subject its given fields make (``region`` and ``partner_region``: a
    pair of regions), or about ``subject`` with its missing fields built for it; about a pair
    of regions built for it (Japanese and Korean) when neither is given."""
    token = token or new_token()
    given = {name for name in SUBJECT_FIELD_NAMES if fields.get(name)}
    subject = subject or subject_of(given)
    builders = {
        "region": lambda: region(token, country="JP"),
        "partner_region": lambda: region(token, country="KR"),
        "operator_region": lambda: region(token, country="KR"),
        "firm": lambda: firm(token),
        "country": lambda: "JP",
        "partner_country": lambda: "KR",
    }
    wanted = SUBJECT_FIELDS[IndicatorSubject(subject)]
    if subject == IndicatorSubject.OFFICE_NETWORK:
        wanted = () if given & set(wanted) else ("operator_region",)
    for name in wanted:
        if not fields.get(name):
            fields[name] = builders[name]()
    fields.setdefault("measure", f"Measure {token} {serial()}")
    fields.setdefault("value", Decimal(serial()))
    fields.setdefault("unit", "人")
    return saved(Indicator(subject=subject, **fields))


def source(token: str | None = None, *, language="en", **fields) -> Source:
    token = token or new_token()
    number = serial()
    fields.setdefault("title", f"Source {token} {number}")
    fields.setdefault("file_name", f"tf-{token}-{number}.txt")
    return saved(Source(language=language, **fields))


def japanese_paper(token: str | None = None, **fields) -> Source:
    """A Japanese journal article dated to the month, with an English title and an author
    named in two scripts: what citation formats find hardest."""
    return source(
        token,
        language="ja",
        **{
            "title": "日中間における地方経済の連携の可能性",
            "title_en": "The Potential for Regional Economic Coordination",
            "authors": "穆尭芋 (Mu Yaoqian), ERINA",
            "publisher": "ERINA REPORT Vol. 90",
            "kind": "article",
            "extent": "pp. 36–42",
            "published": datetime.date(2009, 11, 1),
            "published_precision": "month",
            **fields,
        },
    )


def cite(record, cited_source: Source | None = None, **fields) -> Citation:
    """A citation of ``record`` to ``cited_source`` (a source built for it unless given)."""
    fields.setdefault("locator", f"p. {serial()}")
    cited_source = cited_source or source()
    return saved(Citation(source=cited_source, record=record, **fields))


def exchange_area(token: str | None = None, **fields) -> ExchangeArea:
    token = token or new_token()
    number = serial()
    fields.setdefault("slug", f"tf-{token}-{number}")
    fields.setdefault("name_en", f"Area {token} {number}")
    return saved(ExchangeArea(**fields))


def sales_route(
    token: str | None = None, *, firm_record=None, region_record=None, **fields
) -> SalesRoute:
    token = token or new_token()
    firm_record = firm_record or firm(token)
    region_record = region_record or region(token, country="CN")
    fields.setdefault("amount", Decimal(serial()))
    fields.setdefault("currency", "CNY")
    return saved(SalesRoute(firm=firm_record, region=region_record, **fields))


def partnership(
    token: str | None = None, *, from_firm=None, to_firm=None, kind="partner", **fields
) -> FirmPartner:
    """A partnership of two firms built for it unless given; ``from_firm`` is the agent or
    buyer of a directed kind."""
    token = token or new_token()
    from_firm = from_firm or firm(token)
    to_firm = to_firm or firm(token, country="CN")
    return saved(FirmPartner(from_firm=from_firm, to_firm=to_firm, kind=kind, **fields))


def office_role(
    token: str | None = None, *, office_record=None, role="set_up_by", **fields
) -> OfficeRole:
    """A role in an office (built for it unless given), of a firm built for it unless a
    region or firm is given."""
    token = token or new_token()
    office_record = office_record or office(token)
    if not fields.get("region") and not fields.get("firm"):
        fields["firm"] = firm(token)
    return saved(OfficeRole(office=office_record, role=role, **fields))


BUILDERS = {
    Region: region,
    SisterTie: tie,
    Firm: firm,
    OverseasOffice: office,
    Mission: mission,
    Person: person,
    Participation: participation,
    Indicator: indicator,
    Source: source,
    Citation: lambda token=None, **fields: cite(region(token), **fields),
    ExchangeArea: exchange_area,
    SalesRoute: sales_route,
}


def build(model, token: str | None = None, **fields):
    """A valid record of ``model``: by its builder, or for a model that has none, by
    ``built_from_fields``."""
    builder = BUILDERS.get(model)
    if builder is None:
        return built_from_fields(model, token or new_token(), **fields)
    return builder(token, **fields)


def built_from_fields(model, token: str, **fields):
    """A record of a model without a builder of its own, its required fields filled from what
    the fields declare: the first choice, a text with the token, a linked record built for it."""
    # A record with names needs one in some script, which no single field requires.
    if hasattr(model, "NAME_FIELDS"):
        fields.setdefault("name_en", f"Name {token} {serial()}")
    for field in model._meta.concrete_fields:
        if field.name in fields or field.primary_key or not field.editable:
            continue
        if field.null or field.blank or field.has_default():
            continue
        if field.is_relation:
            fields[field.name] = build(field.related_model, token)
        elif field.choices:
            fields[field.name] = field.choices[0][0]
        elif isinstance(field, CountryField):
            fields[field.name] = "JP"
        elif isinstance(field, models.SlugField):
            fields[field.name] = f"tf-{token}-{serial()}"
        elif isinstance(field, models.CharField | models.TextField):
            fields[field.name] = f"{field.name} {token} {serial()}"[: field.max_length]
        elif isinstance(field, models.DateField):
            fields[field.name] = datetime.date(2000, 1, 1)
        elif isinstance(field, models.IntegerField | models.DecimalField):
            fields[field.name] = 1
    return saved(model(**fields))


# Links a record cannot have all at once: a participation names one participant (its person),
# a figure the fields of its subject (a pair of regions) alone, a role in an office one region
# or firm (its firm).
LEFT_EMPTY = {
    Participation: ("region", "firm"),
    Indicator: ("operator_region", "operator_firm", "firm"),
    OfficeRole: ("region",),
}


def linked(model, token: str | None = None):
    """A record with every link it can have filled in: each empty link to a record of a model
    the builders know, each many-to-many link, a citation where the model is cited, and its
    sales routes for a firm. The linked records carry tokens of their own, so ``q=<token>``
    still selects the record alone among its kind."""
    record = build(model, token)
    for field in model._meta.concrete_fields:
        empty = field.many_to_one and getattr(record, field.attname) is None
        if (
            empty
            and field.name not in LEFT_EMPTY.get(model, ())
            and field.related_model in BUILDERS
        ):
            setattr(record, field.name, build(field.related_model))
    saved(record)
    for field in model._meta.local_many_to_many:
        if field.related_model in BUILDERS:
            getattr(record, field.name).add(build(field.related_model))
    if is_cited(model):
        cite(record, quote=f"Quoted for {record.pk}.")
    if model is Firm:
        cite(sales_route(firm_record=record))
        cite(FirmPartner.objects.get(from_firm=record))
    if model is OverseasOffice:
        office_role(office_record=record)
    return record
