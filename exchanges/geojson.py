"""GeoJSON (RFC 7946) of the lists that have a place: regions, ties and offices.

A region is a Point at its recorded position, a tie a LineString between its two regions, an
office a Point at the region that hosts it. Positions are [longitude, latitude] in WGS 84, as
RFC 7946 requires (no ``crs`` member). A record whose position is unknown (a region without
coordinates, a tie or an office with such a region) is left out, and the collection says how
many were in its top-level member ``without_coordinates``.

A feature's properties are the row of the list's CSV (same names, same values: among them the
names in the four scripts and the country of each linked region), and the record's page
(``url``). The collection is streamed as the rows are read, in constant memory.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from .models import OverseasOffice, Region, SisterTie

MEDIA_TYPE = "application/geo+json"
LEFT_OUT_MEMBER = "without_coordinates"
FEATURES_PER_CHUNK = 500


def position(region) -> list[float] | None:
    """The region's [longitude, latitude], or None where it has no coordinates."""
    if region is None or region.latitude is None or region.longitude is None:
        return None
    return [float(region.longitude), float(region.latitude)]


def position_fields(relation: str = "") -> list[str]:
    prefix = f"{relation}__" if relation else ""
    return [f"{prefix}latitude", f"{prefix}longitude"]


def tie_line(tie) -> dict | None:
    ends = [position(tie.region_a), position(tie.region_b)]
    return None if None in ends else {"type": "LineString", "coordinates": ends}


def office_point(office) -> dict | None:
    point = position(office.host_region)
    return None if point is None else {"type": "Point", "coordinates": point}


def region_point(region) -> dict | None:
    point = position(region)
    return None if point is None else {"type": "Point", "coordinates": point}


@dataclass(frozen=True)
class Layer:
    """How the records of one model become features."""

    geometry: Callable  # record -> GeoJSON geometry, or None where a position is unknown
    properties: Callable  # record -> properties beyond the list's CSV columns
    fields: tuple[str, ...]  # what those two read, loaded with the CSV's own columns


LAYERS = {
    Region: Layer(region_point, lambda region: {}, tuple(position_fields())),
    SisterTie: Layer(
        tie_line,
        lambda tie: {},
        (*position_fields("region_a"), *position_fields("region_b")),
    ),
    OverseasOffice: Layer(
        office_point,
        lambda office: {"country": office.native_country},
        (
            *position_fields("host_region"),
            "operator_region__country",
            "operator_firm__country",
        ),
    ),
}


def supports(model) -> bool:
    return model in LAYERS


def loading(queryset, fields: Iterable[str]):
    """The queryset, also loading ``fields`` where it was told to load only some."""
    names, deferring = queryset.query.deferred_loading
    if deferring:
        return queryset  # every field but a few long texts: positions and names are loaded
    relations = {field.rpartition("__")[0] for field in fields if "__" in field}
    if relations:  # select_related() without names would join every relation
        queryset = queryset.select_related(*relations)
    return queryset.only(*names, *fields)


def json_value(value):
    """Decimals (latitude, longitude) as JSON numbers; anything else JSON lacks as text."""
    return float(value) if isinstance(value, Decimal) else str(value)


def feature_chunks(
    model, header: list[str], getters: list[Callable], records, origin: str
) -> Iterator[bytes]:
    """The FeatureCollection of ``records``, a few hundred features a chunk. ``origin`` is
    prefixed to each record's page (``https://host``, or empty for a relative address)."""
    layer = LAYERS[model]
    yield b'{"type": "FeatureCollection", "features": ['
    separator, left_out, pending = "\n", 0, []
    for record in records:
        geometry = layer.geometry(record)
        if geometry is None:
            left_out += 1
            continue
        properties = dict(zip(header, (get(record) for get in getters), strict=True))
        properties.update(layer.properties(record), url=origin + record.get_absolute_url())
        feature = {"type": "Feature", "id": record.pk, "geometry": geometry}
        feature["properties"] = properties
        pending.append(separator + json.dumps(feature, ensure_ascii=False, default=json_value))
        separator = ",\n"
        if len(pending) == FEATURES_PER_CHUNK:
            yield "".join(pending).encode("utf-8")
            pending = []
    pending.append(f'\n], "{LEFT_OUT_MEMBER}": {left_out}}}\n')
    yield "".join(pending).encode("utf-8")
