"""OpenAPI additions: the error answers every operation can give, with their JSON shape."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "Either {detail: message} or {field or parameter: [messages]}.",
    "additionalProperties": True,
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
    "413": "The request body is larger than the API accepts.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}
READ_ERRORS = ("400", "404", "429")
WRITE_ERRORS = ("400", "401", "403", "404", "409", "413", "429")


def document_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            codes = READ_ERRORS if method == "get" else WRITE_ERRORS
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": ERRORS[code],
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
            if "409" in responses and "content" not in responses["409"]:
                responses["409"] = {
                    "description": ERRORS["409"],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
    return result
