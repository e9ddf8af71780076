"""How the OpenAPI schema shows the API, so that a client generated from it works.

- A linked record is an integer id in request bodies and its serializer's brief form in
  responses (the ``Brief…`` components); request and response components are split
  (``COMPONENT_SPLIT_REQUEST``).
- Request bodies are documented as JSON: the contract for partner systems. The form parsers
  serve the browsable API's HTML forms only.
- Reading is anonymous; only writes name the token.
- A filter by a choice refers to the field's named enum (``TieTypeEnum``…).
- Every error answers in one named shape, ``Error``.
"""

import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension

from ..filters import CountryFilter

SAFE_METHODS = ("get", "head", "options")
JSON = "application/json"
ERROR_REF = {"$ref": "#/components/schemas/Error"}

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Either {detail: message} for the request as a whole, or {field or parameter: "
        "[messages]} naming each field or query parameter that was refused "
        "(non_field_errors for a rule over several fields)."
    ),
    "properties": {
        "detail": {"type": "string", "description": "What went wrong with the request."},
    },
    "additionalProperties": {
        "type": "array",
        "items": {"type": "string"},
        "description": "The messages for the field or parameter this key names.",
    },
}

ERRORS = {
    "400": "A filter value or a field was refused; the body names the parameter or field.",
    "401": "Writing needs a token: Authorization: Token <key>.",
    "403": "The token's user lacks the permission for this model.",
    "404": "No record with this id, or no such page.",
    "409": (
        "The record cannot be deleted while others refer to it, or the write would duplicate "
        "an existing record; the body names the field."
    ),
    "412": "If-Match named an older version of the record: it was changed meanwhile.",
    "413": "The request body is larger than the API accepts.",
    "415": "The request body is not JSON: send it as application/json.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}
READ_ERRORS = ("400", "404", "429")
WRITE_ERRORS = ("400", "401", "403", "404", "409", "413", "415", "429")


class DirectoryFilterExtension(DjangoFilterExtension):
    """django-filter's parameters, each with what its filter says of its values beyond what the
    generator sees (``parameter_schema``: the country codes, a pattern, a year's bounds), its
    label and help text kept as the description."""

    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        parameters = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        filterset_class = getattr(auto_schema.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class else {}
        for parameter in parameters:
            declared = getattr(filters.get(parameter["name"]), "parameter_schema", None)
            if declared:
                parameter["schema"] = dict(declared)
        return parameters


class BriefSerializerExtension(OpenApiSerializerExtension):
    """A serializer in its brief form (``nested=True``) is its own component, ``Brief<Model>``,
    beside the full one."""

    target_class = "exchanges.api.serializers.RecordSerializer"
    match_subclasses = True

    def get_name(self, auto_schema, direction):
        if getattr(self.target, "nested", False):
            return f"Brief{self.target.Meta.model.__name__}"
        return None

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if getattr(self.target, "nested", False):
            model = self.target.Meta.model._meta.verbose_name
            schema["description"] = f"A {model} as other records embed it; its id links it."
        return schema


class RelatedRecordFieldExtension(OpenApiSerializerFieldExtension):
    """A linked record: its id in a request, its brief form in a response."""

    target_class = "exchanges.api.serializers.RelatedRecordField"

    def map_serializer_field(self, auto_schema, direction):
        serializer_class = self.target.serializer_class
        if direction == "request":
            model = serializer_class.Meta.model
            return {
                "type": "integer",
                "description": str(
                    _("The id of a %(record)s.") % {"record": model._meta.verbose_name}
                ),
            }
        brief = serializer_class(nested=True)
        return auto_schema.resolve_serializer(brief, direction).ref


def error_response(code: str, description: str = "") -> dict:
    return {
        "description": description or ERRORS.get(code, ""),
        "content": {JSON: {"schema": ERROR_REF}},
    }


NO_NULL_CHARACTER = "^[^\\u0000]*$"
# Query parameters that take any text: an ordering by no known field is ignored.
ANY_TEXT = {"ordering"}
# Query parameters whose empty value is refused rather than taken as not given.
NEVER_EMPTY = {"page", "cursor"}


def document_error_responses(result, generator, request, public):
    """Anonymous reads, JSON bodies, named enums for filters, and every 4xx answer in the
    ``Error`` shape."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    schemas["CountryEnum"] = {
        "type": "string",
        "enum": list(CountryFilter.parameter_schema["enum"]),
        "description": "ISO 3166-1 alpha-2 code.",
    }
    enums = {
        frozenset(schema["enum"]): name for name, schema in schemas.items() if "enum" in schema
    }
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            for parameter in operation.get("parameters", []):
                # A filter by a choice takes the same named enum as the field it filters.
                name = enums.get(frozenset(parameter.get("schema", {}).get("enum", ())))
                if name:
                    parameter["schema"] = {"$ref": f"#/components/schemas/{name}"}
                if parameter["in"] == "query" and parameter["name"] not in NEVER_EMPTY:
                    # An empty filter is no filter, as when a form is sent with a field empty.
                    parameter["allowEmptyValue"] = True
                schema = parameter.get("schema", {})
                if (
                    parameter["in"] == "query"
                    and schema.get("type") == "string"
                    and parameter["name"] not in ANY_TEXT
                    and not ({"enum", "pattern", "format"} & set(schema))
                ):
                    # Django's form fields refuse a null character in any text.
                    schema["pattern"] = NO_NULL_CHARACTER
            if method in SAFE_METHODS:
                # Anyone may read; a token changes nothing about what a read returns.
                operation["security"] = []
            body = operation.get("requestBody")
            if body and JSON in body.get("content", {}):
                body["content"] = {JSON: body["content"][JSON]}
            responses = operation.setdefault("responses", {})
            for code in READ_ERRORS if method in SAFE_METHODS else WRITE_ERRORS:
                responses.setdefault(code, error_response(code))
            for code, response in responses.items():
                if code.startswith("4"):
                    named = error_response(code, response.get("description", ""))
                    responses[code] = {**response, **named}
    for schema in schemas.values():
        lift_blank_defaults(schema)
    drop_unused_components(result)
    return result


def lift_blank_defaults(schema: dict) -> None:
    """A code that may be left blank (a region's national code) is generated as "the pattern,
    or an empty string", with its default "" inside the patterned branch, where it would break
    the pattern: the default belongs to the property as a whole."""
    for prop in schema.get("properties", {}).values():
        for branch in prop.get("oneOf", ()):
            if branch.get("default") == "" and "pattern" in branch:
                prop["default"] = branch.pop("default")


def drop_unused_components(result) -> None:
    """Request forms of serializers that are only ever embedded read-only (citations, sales
    routes) are generated but used nowhere; a client generator would make classes of them."""
    schemas = result.get("components", {}).get("schemas", {})
    while True:
        text = json.dumps(
            {"paths": result.get("paths", {}), "components": result["components"]}, default=str
        )
        unused = [name for name in schemas if f'"#/components/schemas/{name}"' not in text]
        if not unused:
            return
        for name in unused:
            del schemas[name]
