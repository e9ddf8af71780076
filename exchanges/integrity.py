"""Keeping records whole when requests race each other.

Two things live here, used by the admin, the API and the last-resort middleware alike:

- **Database rules by name.** Forms and serializers check every rule before saving, but two
  requests can both pass the check and then race to the database, which refuses the second with
  an ``IntegrityError``. ``violation_of(error)`` finds the rule that raised it, from one mapping
  built from the models themselves (each ``Meta.constraints``, ``unique`` field and
  ``unique_together``), and says which field it concerns, in which words, and whether it is a
  duplicate (409) or a refused value (400).
- **Record versions for optimistic locking.** ``record_version(record)`` changes whenever the
  record is saved; the API sends it as the ETag and the admin keeps it in the change form, so
  that a save over somebody else's newer change is refused instead of silently undoing it.
"""

import hashlib
import re
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models
from django.db.models import ProtectedError, RestrictedError
from django.http import JsonResponse
from django.http.response import HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models.querysets import is_cited, keeps_update_time
from .models.rules import constraint_fields, rule_field

# SQLSTATE classes of PostgreSQL's integrity errors.
UNIQUE_VIOLATION = "23505"
FOREIGN_KEY_VIOLATION = "23503"
NOT_NULL_VIOLATION = "23502"


@dataclass(frozen=True)
class Rule:
    """A rule the database enforces on a model: a named constraint or a unique column set."""

    model: type
    fields: tuple[str, ...]  # the model fields the rule names, in the order it names them
    constraint: models.BaseConstraint | None = None
    unique: bool = False

    @property
    def field(self) -> str | None:
        """The field a message goes on, as ``full_clean()`` reports it (``models.rules``)."""
        return rule_field(self.fields, self.constraint.name if self.constraint is not None else "")

    def message(self) -> str:
        """The rule's own message, in the active language (the models declare them lazily)."""
        constraint = self.constraint
        custom = constraint is not None and (
            constraint.violation_error_message != constraint.default_violation_error_message
        )
        if custom:
            return str(constraint.get_violation_error_message())
        if self.unique:
            error = self.model().unique_error_message(self.model, self.fields)
            return str(error.messages[0])
        return _("The value of %(field)s breaks the rule %(rule)s.") % {
            "field": self.field_label(),
            "rule": constraint.name if constraint else "",
        }

    def field_label(self) -> str:
        if not self.field:
            return ""
        return str(self.model._meta.get_field(self.field).verbose_name)


@dataclass(frozen=True)
class Violation:
    """What a refused write broke, ready to be shown on a form or in a JSON answer."""

    field: str | None  # a model field name, or None when the rule concerns the whole record
    message: str
    status: int  # 409 for a duplicate or a record still referred to, else 400
    model: type | None = None  # whose field it is


def columns_of(model, names) -> frozenset[str]:
    return frozenset(model._meta.get_field(name).column for name in names)


@cache
def rules() -> tuple[dict[str, Rule], dict[tuple[str, frozenset], Rule]]:
    """Every rule of every installed model: by constraint name, and by table and unique columns
    (a ``unique`` field's or ``unique_together``'s constraint is named by the database)."""
    by_name: dict[str, Rule] = {}
    by_columns: dict[tuple[str, frozenset], Rule] = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        for constraint in opts.constraints:
            fields = constraint_fields(model, constraint)
            unique = isinstance(constraint, models.UniqueConstraint)
            rule = Rule(model, fields, constraint, unique=unique)
            by_name[constraint.name] = rule
            if unique and constraint.fields and constraint.condition is None:
                by_columns[opts.db_table, columns_of(model, fields)] = rule
        for field in opts.local_concrete_fields:
            if field.unique and not field.primary_key:
                rule = Rule(model, (field.name,), unique=True)
                by_columns[opts.db_table, frozenset([field.column])] = rule
        for together in opts.unique_together:
            rule = Rule(model, tuple(together), unique=True)
            by_columns[opts.db_table, columns_of(model, together)] = rule
    return by_name, by_columns


def field_of_column(table: str, column: str) -> tuple[type, str] | None:
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table == table:
            for field in model._meta.concrete_fields:
                if field.column == column:
                    return model, field.name
    return None


# SQLite says which rule failed in the message; PostgreSQL in the error's diagnostics.
SQLITE_PATTERNS = {
    "unique_index": re.compile(r"UNIQUE constraint failed: index '(?P<name>[^']+)'"),
    "unique_columns": re.compile(r"UNIQUE constraint failed: (?P<columns>[\w.]+(?:, [\w.]+)*)"),
    "check": re.compile(r"CHECK constraint failed: (?P<name>\w+)"),
    "not_null": re.compile(r"NOT NULL constraint failed: (?P<table>\w+)\.(?P<column>\w+)"),
}
POSTGRES_KEY = re.compile(r"Key \((?P<columns>[\w, \"]+)\)=")


def violation_of(error: IntegrityError) -> Violation:
    """The rule ``error`` broke, the field it concerns and the message for it."""
    if isinstance(error, ProtectedError | RestrictedError):
        # Django's own refusal to delete, before the database was asked.
        objects = getattr(error, "protected_objects", None) or error.restricted_objects
        names = sorted({str(record._meta.verbose_name) for record in objects})
        message = _("Other records still refer to this record: %(records)s.") % {
            "records": ", ".join(names)
        }
        return Violation(None, message, 409)
    by_name, by_columns = rules()
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    code = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    text = str(error)
    rule = None
    if diag is not None:
        rule = by_name.get(diag.constraint_name or "")
        if rule is None and code == UNIQUE_VIOLATION:
            key = POSTGRES_KEY.search(diag.message_detail or "")
            if key:
                columns = frozenset(part.strip(' "') for part in key["columns"].split(","))
                rule = by_columns.get((diag.table_name, columns))
        if rule is None and code == NOT_NULL_VIOLATION:
            return not_null(diag.table_name, diag.column_name)
        if rule is None and code == FOREIGN_KEY_VIOLATION:
            return missing_reference(diag.table_name, diag.message_detail or "")
    else:
        if match := SQLITE_PATTERNS["unique_index"].search(text):
            rule = by_name.get(match["name"])
        elif match := SQLITE_PATTERNS["unique_columns"].search(text):
            pairs = [column.split(".", 1) for column in match["columns"].split(", ")]
            table = pairs[0][0]
            rule = by_columns.get((table, frozenset(column for _table, column in pairs)))
        elif match := SQLITE_PATTERNS["check"].search(text):
            rule = by_name.get(match["name"])
        elif match := SQLITE_PATTERNS["not_null"].search(text):
            return not_null(match["table"], match["column"])
        elif "FOREIGN KEY" in text:
            return missing_reference("", "")
    if rule is None:
        duplicate = code == UNIQUE_VIOLATION or "UNIQUE" in text
        message = _(
            "The database refused the record as it stands; another change may have been saved "
            "at the same moment. Reload it and try again."
        )
        return Violation(None, message, 409 if duplicate else 400)
    return Violation(rule.field, rule.message(), 409 if rule.unique else 400, rule.model)


def not_null(table: str, column: str) -> Violation:
    found = field_of_column(table, column)
    if found is None:
        return Violation(None, _("A required value is missing."), 400)
    model, name = found
    field = model._meta.get_field(name)
    return Violation(name, str(field.error_messages["null"]), 400, model)


def missing_reference(table: str, detail: str) -> Violation:
    """A foreign key that points nowhere: either the chosen record was deleted meanwhile, or a
    record was deleted while another still refers to it."""
    if "is still referenced" in detail:
        return Violation(None, _("Other records still refer to this record."), 409)
    key = POSTGRES_KEY.search(detail)
    found = field_of_column(table, key["columns"].strip('"')) if key else None
    if found is None:
        return Violation(None, _("A record this one refers to no longer exists."), 409)
    model, name = found
    label = capfirst(model._meta.get_field(name).verbose_name)
    message = _("%(field)s: the chosen record no longer exists.") % {"field": label}
    return Violation(name, message, 409, model)


def violation_message(violation: Violation) -> str:
    """The message with the field's name, for answers that cannot put it beside the field."""
    if violation.field is None or violation.model is None:
        return violation.message
    label = capfirst(violation.model._meta.get_field(violation.field).verbose_name)
    return f"{label}: {violation.message}"


class IntegrityErrorMiddleware:
    """Last resort: a write the database refused that no form or serializer caught answers 409
    with the rule's message, in JSON under /api/ and as a short page elsewhere, never 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError):
            return None
        violation = violation_of(exception)
        detail = violation.message
        if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
            body = {violation.field: [detail]} if violation.field else {"detail": detail}
            return JsonResponse(body, status=409)
        title = _("The change could not be saved")
        page = format_html(
            '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
            '<body><h1>{}</h1><p>{}</p><p>{}</p><p><a href="{}">{}</a></p></body></html>',
            get_language() or "en",
            title,
            title,
            violation_message(violation),
            _("Another change was saved at the same moment. Go back, reload and try again."),
            reverse("exchanges:home"),
            _("Go to the home page"),
        )
        return HttpResponse(page, status=409)


# --- record versions ---------------------------------------------------------------------------


def record_version(record) -> str:
    """A short token that changes whenever the record is saved: its ``updated`` timestamp where
    the model keeps one, else (sources, citations, exchange areas) its stored values."""
    if keeps_update_time(type(record)):
        stamp = record.updated
        basis = f"{record.pk}|{stamp.isoformat() if stamp else ''}"
    else:
        basis = "|".join(
            f"{field.attname}={field.value_to_string(record)}"
            for field in record._meta.concrete_fields
        )
    return hashlib.sha256(basis.encode()).hexdigest()[:20]


def current_version(model, pk, lock: bool = True) -> tuple[object | None, str | None]:
    """The record as stored now and its version, its row locked until the end of the
    transaction (PostgreSQL; SQLite's single writer serialises the saves anyway)."""
    queryset = model._default_manager.all()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    record = queryset.filter(pk=pk).first()
    return record, (record_version(record) if record is not None else None)


def last_change(record) -> tuple[str, object | None]:
    """Who saved the record last and when, from its change history and its citations' (a
    citation saved on its own changes the record as shown, but not the record's history)."""
    history = getattr(record, "history", None)
    newest = "-history_date", "-history_id"
    candidates = [history.order_by(*newest).first()] if history else []
    if is_cited(type(record)):
        cited = apps.get_model("exchanges", "Citation").history.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )
        candidates.append(cited.order_by(*newest).first())
    candidates = [entry for entry in candidates if entry is not None]
    latest = max(candidates, key=lambda entry: entry.history_date, default=None)
    if latest is None:
        return _("someone"), None
    user = latest.history_user
    name = (user.get_full_name() or user.get_username()) if user else _("someone")
    return name, latest.history_date
