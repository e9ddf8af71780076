"""Each database rule of a record, reported on the one field it concerns.

A rule is declared once, as a ``Meta.constraints`` entry with its ``violation_error_message``:
the database enforces it, ``RuledModel.validate_constraints()`` (run by ``full_clean()``, so by
forms, the admin, the API and spreadsheet imports) reports it on its field, and
``exchanges.integrity`` names the same field when the database refuses a write that raced past
that check. ``clean()`` keeps only what no constraint can express.
"""

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, router
from django.db.models.expressions import F


def field_names(model, expression) -> list[str]:
    """Model field names an expression, a Q or a lookup path refers to, in order."""
    names: list[str] = []
    if isinstance(expression, str):
        first = expression.split("__")[0]
        names.append(model._meta.pk.name if first == "pk" else first)
    elif isinstance(expression, F):
        names.extend(field_names(model, expression.name))
    elif isinstance(expression, models.Q):
        for child in expression.children:
            if isinstance(child, tuple):
                lookup, value = child
                names.extend(field_names(model, lookup))
                names.extend(
                    field_names(model, value) if hasattr(value, "resolve_expression") else []
                )
            else:
                names.extend(field_names(model, child))
    elif hasattr(expression, "get_source_expressions"):
        for source in expression.get_source_expressions():
            names.extend(field_names(model, source))
    known = {field.name for field in model._meta.get_fields()} | {
        field.attname for field in model._meta.concrete_fields
    }
    attnames = {field.attname: field.name for field in model._meta.concrete_fields}
    ordered: list[str] = []
    for name in names:
        name = attnames.get(name, name)
        # The record's own id is never what a rule is about (a region is not its own parent).
        if name in known and name not in ordered and name != model._meta.pk.name:
            ordered.append(name)
    return ordered


def constraint_fields(model, constraint) -> tuple[str, ...]:
    """The model fields a constraint names, in the order it names them."""
    if isinstance(constraint, models.UniqueConstraint):
        parts = list(constraint.fields) or list(constraint.expressions)
    elif isinstance(constraint, models.CheckConstraint):
        parts = [constraint.condition]
    else:
        parts = []
    names: list[str] = []
    for part in parts:
        names.extend(name for name in field_names(model, part) if name not in names)
    return tuple(names)


def rule_field(fields: tuple[str, ...], name: str = "") -> str | None:
    """The field a rule's message goes on: the one the rule's name is about
    (``…_ended_not_before_established`` is about ``ended``, ``…_capital_currency_given`` about
    ``capital_currency``), else the last one the rule names (the partner after the region, the
    locator after the record)."""
    if not fields:
        return None
    named = [field for field in fields if name and field in name]
    if named:
        # The first named wins; at one place, the longest (established_precision).
        return min(named, key=lambda field: (name.index(field), -len(field)))
    return fields[-1]


def constraint_field(model, constraint) -> str | None:
    return rule_field(constraint_fields(model, constraint), constraint.name)


def entered_with(model, name: str) -> str:
    """The field whose form input sets ``name``: a partial date's precision is typed in its
    date's one text box (``base.DatePrecisionField.entered_with``); any other field is its own."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return getattr(field, "entered_with", None) or name


class RuledModel(models.Model):
    """A record whose ``Meta.constraints`` are its rules: ``full_clean()`` reports each broken
    one with its own message on its field, where Django reports a rule over several fields on
    none."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        # A form leaves out a field it sets through another's input (a partial date's
        # precision): its rules are checked all the same, and reported on that input.
        carried = {}
        for name in exclude:
            carrier = entered_with(type(self), name)
            if carrier != name and carrier not in exclude:
                carried[name] = carrier
        exclude -= carried.keys()
        using = router.db_for_write(type(self), instance=self)
        errors: dict[str, list[ValidationError]] = {}
        for model, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model, self, exclude=exclude, using=using)
                except ValidationError as error:
                    field = constraint_field(model, constraint)
                    field = carried.get(field, field)
                    # A field the caller left out (not on the form) cannot carry the message.
                    key = field if field is not None and field not in exclude else NON_FIELD_ERRORS
                    errors.setdefault(key, []).append(error)
        if errors:
            raise ValidationError(errors)
