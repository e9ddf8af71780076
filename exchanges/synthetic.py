"""A synthetic directory for measuring the site at sizes the real records have not reached.

``populate(scale)`` fills an empty database with a directory shaped like the real one, about
2,500 regions and 10,000 ties per unit of scale: regions in a province → city → district tree
with names in all four scripts, ties skewed towards a few hub regions (at scale 20 several hold
over 1,000 ties), firms with sales routes, offices, missions with their regions and firms, the
people who speak and lead at them and who took part in which role, figures of regions, pairs,
offices, firms and countries, and a citation on every record. The same scale and seed always
give the same rows, on SQLite and on PostgreSQL alike.

Rows go in with ``bulk_create`` in batches, with primary keys assigned here so that records can
refer to each other without a round trip; the database's own constraints check every row. No
change history is written: these records were never edited by anyone.
"""

import datetime
import itertools
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction

from .caching import bump_data_version
from .models import (
    Citation,
    DatePrecision,
    ExchangeArea,
    Firm,
    Indicator,
    IndicatorQualifier,
    IndicatorSubject,
    Mission,
    OverseasOffice,
    Participation,
    ParticipationRole,
    Person,
    Region,
    SalesRoute,
    SisterTie,
    Source,
)

BATCH_SIZE = 2_000

# Per unit of scale. Regions: about as many as the gazetteer and the reports hold together.
REGIONS_PER_SCALE = 5_500
TIES_PER_SCALE = 10_000
FIRMS_PER_SCALE = 10_000
OFFICES_PER_SCALE = 1_000
MISSIONS_PER_SCALE = 5_000
PEOPLE_PER_SCALE = 4_000
PARTICIPATIONS_PER_MISSION = (0, 1, 2, 2, 3, 5)  # drawn evenly: about 2 a mission
INDICATORS_PER_SCALE = 5_000
SOURCES_PER_SCALE = 5

# Hubs: this many regions draw HUB_SHARE of all tie ends between them, the first most.
HUB_COUNT = 60
HUB_SHARE = 0.05

# Records that only these models hold are real ones; the command refuses to mix with them.
DIRECTORY_MODELS = (
    Region,
    SisterTie,
    Firm,
    OverseasOffice,
    Mission,
    Person,
    Participation,
    Indicator,
    Source,
    Citation,
)


@dataclass(frozen=True)
class Syllable:
    """One character of a place name and how each language reads and writes it."""

    kanji: str  # Japanese form (also the Korean hanja and traditional form)
    hanzi: str  # simplified Chinese form
    romaji: str  # Japanese reading, romanised
    ja_hangul: str  # Japanese reading in Hangul, as Korean writes Japanese places
    hangul: str  # Sino-Korean reading
    revised: str  # Sino-Korean reading, Revised Romanization
    pinyin: str


SYLLABLES = [
    Syllable(*fields)
    for fields in (
        ("山", "山", "yama", "야마", "산", "san", "shan"),
        ("川", "川", "kawa", "가와", "천", "cheon", "chuan"),
        ("田", "田", "ta", "타", "전", "jeon", "tian"),
        ("島", "岛", "shima", "시마", "도", "do", "dao"),
        ("松", "松", "matsu", "마쓰", "송", "song", "song"),
        ("本", "本", "moto", "모토", "본", "bon", "ben"),
        ("北", "北", "kita", "기타", "북", "buk", "bei"),
        ("南", "南", "minami", "미나미", "남", "nam", "nan"),
        ("東", "东", "higashi", "히가시", "동", "dong", "dong"),
        ("西", "西", "nishi", "니시", "서", "seo", "xi"),
        ("大", "大", "o", "오", "대", "dae", "da"),
        ("高", "高", "taka", "다카", "고", "go", "gao"),
        ("長", "长", "naga", "나가", "장", "jang", "chang"),
        ("新", "新", "nii", "니이", "신", "sin", "xin"),
        ("安", "安", "yasu", "야스", "안", "an", "an"),
        ("平", "平", "hira", "히라", "평", "pyeong", "ping"),
        ("和", "和", "wa", "와", "화", "hwa", "he"),
        ("金", "金", "kana", "가나", "금", "geum", "jin"),
        ("石", "石", "ishi", "이시", "석", "seok", "shi"),
        ("春", "春", "haru", "하루", "춘", "chun", "chun"),
        ("江", "江", "e", "에", "강", "gang", "jiang"),
        ("海", "海", "umi", "우미", "해", "hae", "hai"),
        ("京", "京", "kyo", "교", "경", "gyeong", "jing"),
        ("光", "光", "mitsu", "미쓰", "광", "gwang", "guang"),
        ("州", "州", "su", "스", "주", "ju", "zhou"),
        ("原", "原", "hara", "하라", "원", "won", "yuan"),
        ("城", "城", "shiro", "시로", "성", "seong", "cheng"),
        ("津", "津", "tsu", "쓰", "진", "jin", "jin"),
        ("浦", "浦", "ura", "우라", "포", "po", "pu"),
        ("釜", "釜", "kama", "가마", "부", "bu", "fu"),
        ("見", "见", "mi", "미", "견", "gyeon", "jian"),
        ("附", "附", "tsuke", "쓰케", "부", "bu", "fu"),
        ("延", "延", "nobe", "노베", "연", "yeon", "yan"),
        ("吉", "吉", "yoshi", "요시", "길", "gil", "ji"),
        ("福", "福", "fuku", "후쿠", "복", "bok", "fu"),
        ("岡", "冈", "oka", "오카", "강", "gang", "gang"),
        ("宮", "宫", "miya", "미야", "궁", "gung", "gong"),
        ("龍", "龙", "tatsu", "다쓰", "룡", "ryong", "long"),
        ("鶴", "鹤", "tsuru", "쓰루", "학", "hak", "he"),
        ("清", "清", "kiyo", "기요", "청", "cheong", "qing"),
        ("水", "水", "mizu", "미즈", "수", "su", "shui"),
        ("泉", "泉", "izumi", "이즈미", "천", "cheon", "quan"),
        ("林", "林", "hayashi", "하야시", "림", "rim", "lin"),
        ("陽", "阳", "hi", "히", "양", "yang", "yang"),
        ("明", "明", "aki", "아키", "명", "myeong", "ming"),
        ("雲", "云", "kumo", "구모", "운", "un", "yun"),
        ("港", "港", "minato", "미나토", "항", "hang", "gang"),
        ("野", "野", "no", "노", "야", "ya", "ye"),
    )
]

# (level, English suffix, Japanese, Chinese, Korean) for each country and depth of the tree.
SUFFIXES = {
    "JP": [
        ("prefecture", "Prefecture", "県", "县", "현"),
        ("city", "City", "市", "市", "시"),
        ("district", "Ward", "区", "区", "구"),
    ],
    "CN": [
        ("province", "Province", "省", "省", "성"),
        ("city", "City", "市", "市", "시"),
        ("county", "County", "県", "县", "현"),
    ],
    "KR": [
        ("province", "Province", "道", "道", "도"),
        ("city", "City", "市", "市", "시"),
        ("district", "District", "区", "区", "구"),
    ],
}
OTHER_SUFFIXES = [
    ("state", "Region", "地方", "地区", "지방"),
    ("city", "City", "市", "市", "시"),
    ("district", "District", "区", "区", "구"),
]
# First-level regions per country, as many as each country really has.
PROVINCES = {"JP": 47, "CN": 31, "KR": 17, "RU": 2, "MN": 1, "VN": 2, "US": 2}
# How the cities of a scale unit spread over countries.
COUNTRY_WEIGHTS = {
    "JP": 0.42,
    "CN": 0.34,
    "KR": 0.2,
    "RU": 0.01,
    "MN": 0.01,
    "VN": 0.01,
    "US": 0.01,
}
HOME_COUNTRIES = ("JP", "CN", "KR")
# Roughly 1 region in 3 is a city, the rest its districts or counties.
CITY_SHARE = 0.32
# Bounds of the map's area; positions fall in a box around each country's middle.
COUNTRY_CENTRES = {
    "JP": (36.0, 138.0, 4.0, 5.0),
    "CN": (33.0, 115.0, 8.0, 9.0),
    "KR": (36.4, 127.8, 1.4, 1.2),
    "RU": (47.0, 138.0, 3.0, 4.0),
    "MN": (46.0, 105.0, 2.0, 5.0),
    "VN": (16.0, 107.0, 4.0, 2.0),
    "US": (40.0, -100.0, 5.0, 15.0),
}

TIE_TYPES = [("sister", 45), ("friendship", 35), ("economic_partnership", 10)]
TIE_TYPES += [("exchange_mou", 7), ("other", 3)]
TIE_STATUSES = [("active", 80), ("dormant", 8), ("suspended", 4), ("ended", 8)]
SOURCE_LABELS = ["姉妹提携", "友好交流", "자매결연", "우호교류", "友好城市", "sister city", ""]
EXCHANGE_AREAS = [
    ("economy", "Economy", "経済", "经济", "경제"),
    ("trade", "Trade", "貿易", "贸易", "무역"),
    ("tourism", "Tourism", "観光", "旅游", "관광"),
    ("culture", "Culture", "文化", "文化", "문화"),
    ("education", "Education", "教育", "教育", "교육"),
    ("youth", "Youth", "青少年", "青少年", "청소년"),
]
FIRM_KINDS = [("company", 85), ("chamber", 5), ("public_agency", 4)]
FIRM_KINDS += [("research_institute", 2), ("other", 4)]
SECTORS = [
    ("Textiles", "ニット製品", "针织品", "니트 제품"),
    ("Food processing", "食品加工", "食品加工", "식품 가공"),
    ("Machinery", "機械部品", "机械零件", "기계 부품"),
    ("Logistics", "物流", "物流", "물류"),
    ("Tourism", "観光", "旅游", "관광"),
    ("Electronics", "電子部品", "电子元件", "전자 부품"),
    ("Seafood", "水産物", "水产品", "수산물"),
    ("Cosmetics", "化粧品", "化妆品", "화장품"),
]
FIRM_WORDS = {
    "JP": ("Trading", "商事", "商事", "상사"),
    "CN": ("Trading", "贸易", "贸易", "무역"),
    "KR": ("Trading", "商社", "商社", "상사"),
}
# Family names in English, in the country's own script, and in Hangul.
FAMILY_NAMES = {
    "JP": [("Sato", "佐藤", "사토"), ("Suzuki", "鈴木", "스즈키"), ("Tanaka", "田中", "다나카")],
    "CN": [("Wang", "王", "왕"), ("Li", "李", "리"), ("Zhang", "张", "장")],
    "KR": [("Kim", "金", "김"), ("Lee", "李", "이"), ("Park", "朴", "박")],
}
# What regions, pairs, offices and firms are measured by: (measure, unit, currency, scale).
MEASURES = [
    ("gross regional product", "", "CURRENCY", 100_000_000),
    ("retail sales of consumer goods", "", "CURRENCY", 100_000_000),
    ("growth on the year before", "%", "", 1),
    ("overseas travellers", "trips", "", 1),
    ("average annual wage", "", "CURRENCY", 1),
    ("exports", "", "USD", 1_000_000),
    ("firms exporting", "firms", "", 1),
    ("direct flights a week", "flights", "", 1),
    ("ties between local governments", "ties", "", 1),
]
SUBJECT_WEIGHTS = [
    (IndicatorSubject.REGION, 60),
    (IndicatorSubject.REGION_PAIR, 10),
    (IndicatorSubject.REGION_AND_COUNTRY, 8),
    (IndicatorSubject.OFFICE_NETWORK, 5),
    (IndicatorSubject.FIRM, 12),
    (IndicatorSubject.COUNTRY, 3),
    (IndicatorSubject.COUNTRY_PAIR, 2),
]
QUALIFIER_WEIGHTS = [
    (IndicatorQualifier.EXACT, 80),
    (IndicatorQualifier.APPROXIMATE, 10),
    (IndicatorQualifier.AT_LEAST, 4),
    (IndicatorQualifier.TRIPS, 3),
    (IndicatorQualifier.EXPECTED, 3),
]
PERSON_TITLES = ["Governor", "Mayor", "President", "Director", "Chairman", "Professor", ""]
CURRENCY_OF = {"JP": "JPY", "CN": "CNY", "KR": "KRW"}
OFFICE_KINDS = ["trade_office", "liaison_office", "exhibition_hall", "business_centre"]
OFFICE_STATUSES = [("open", 75), ("closed", 15), ("planned", 10)]
MISSION_KINDS = ["trade", "buying", "inspection", "official", "trade_fair", "forum"]
MISSION_WORDS = {
    "trade": ("trade mission", "経済交流団", "经贸代表团", "통상사절단"),
    "buying": ("buying mission", "バイヤー団", "采购团", "구매사절단"),
    "inspection": ("inspection tour", "視察団", "考察团", "시찰단"),
    "official": ("official visit", "公式訪問", "正式访问", "공식 방문"),
    "trade_fair": ("at the trade fair", "見本市出展", "参展", "박람회 참가"),
    "forum": ("forum", "フォーラム", "论坛", "포럼"),
}
LOCATORS = ["p. {}", "pp. {}–{}", "Table {}, p. {}", "section {}"]


class DatabaseNotEmpty(Exception):
    pass


def weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


def partial_date(rng: random.Random, first: int, last: int, peak: tuple[int, int] | None = None):
    """A date and its precision, as sources give them: the year, the month or the day."""
    # Most dates fall in the busy years of ``peak``, the rest anywhere in the span.
    year = rng.randint(*peak) if peak and rng.random() < 0.6 else rng.randint(first, last)
    precision = weighted(rng, [("year", 25), ("month", 35), ("day", 40)])
    if precision == DatePrecision.YEAR:
        return datetime.date(year, 1, 1), precision
    month = rng.randint(1, 12)
    if precision == DatePrecision.MONTH:
        return datetime.date(year, month, 1), precision
    return datetime.date(year, month, rng.randint(1, 28)), precision


def later_date(rng: random.Random, start: datetime.date, within_years: int):
    """A partial date in one of the ``within_years`` years after ``start``."""
    year = min(start.year + rng.randint(1, within_years), 2026)
    if year <= start.year:
        return datetime.date(start.year + 1, 1, 1), DatePrecision.YEAR
    return partial_date(rng, year, year)


class Generator:
    """Builds the rows, keeping the ids it handed out so that later records can refer to them."""

    def __init__(self, scale: float, seed: int, log: Callable[[str], None]):
        self.scale = scale
        self.rng = random.Random(f"regiontrade-synthetic-{seed}")
        self.log = log
        self.regions: list[Region] = []
        self.regions_by_country: dict[str, list[Region]] = {}
        self.firms_by_country: dict[str, list[int]] = {}
        self.citation_targets: list[tuple[int, int]] = []  # (content type id, object id)

    def count(self, per_scale: int, minimum: int = 1) -> int:
        return max(minimum, round(per_scale * self.scale))

    # Names -------------------------------------------------------------------------------

    def place_name(self, country: str, depth: int) -> dict:
        """Names in the four scripts for a place of ``country`` at ``depth`` of the tree."""
        first, second = self.rng.sample(SYLLABLES, 2)
        level, en_suffix, ja_suffix, zh_suffix, ko_suffix = SUFFIXES.get(country, OTHER_SUFFIXES)[
            depth
        ]
        kanji, hanzi = first.kanji + second.kanji, first.hanzi + second.hanzi
        if country == "JP":
            roman = first.romaji + second.romaji
            korean = first.ja_hangul + second.ja_hangul
        elif country == "KR":
            roman = first.revised + second.revised
            korean = first.hangul + second.hangul
        else:
            roman = first.pinyin + second.pinyin
            korean = first.hangul + second.hangul
        roman = roman.capitalize()
        return {
            "level": level,
            "roman": roman,
            "name_en": f"{roman} {en_suffix}",
            "name_ja": kanji + ja_suffix,
            "name_zh": hanzi + zh_suffix,
            "name_ko": korean + ko_suffix,
        }

    # Regions -----------------------------------------------------------------------------

    def build_regions(self) -> list[Region]:
        total = self.count(REGIONS_PER_SCALE, minimum=sum(PROVINCES.values()) * 3)
        regions: list[Region] = []

        def add(country: str, depth: int, parent: Region | None) -> Region:
            names = self.place_name(country, depth)
            roman = names.pop("roman")
            pk = len(regions) + 1
            latitude = longitude = None
            if parent is not None and parent.latitude is not None:
                spread = 1.5 / (depth + 1)
                latitude = round(float(parent.latitude) + self.rng.uniform(-spread, spread), 6)
                longitude = round(float(parent.longitude) + self.rng.uniform(-spread, spread), 6)
            elif parent is None:
                lat, lon, lat_spread, lon_spread = COUNTRY_CENTRES[country]
                latitude = round(lat + self.rng.uniform(-lat_spread, lat_spread), 6)
                longitude = round(lon + self.rng.uniform(-lon_spread, lon_spread), 6)
            placed = depth < 2 or self.rng.random() < 0.5
            region = Region(
                pk=pk,
                slug=f"{roman.lower()}-{country.lower()}-{pk}",
                country=country,
                parent=parent,
                population=self.rng.randint(5_000, 9_000_000) if self.rng.random() < 0.4 else None,
                latitude=latitude if placed else None,
                longitude=longitude if placed else None,
                coordinates_basis="context" if placed else "",
                **names,
            )
            if region.population is not None and self.rng.random() < 0.7:
                region.population_year = self.rng.randint(2000, 2024)
            regions.append(region)
            return region

        provinces = [
            add(country, 0, None) for country, number in PROVINCES.items() for _ in range(number)
        ]
        provinces_of: dict[str, list[Region]] = {}
        for province in provinces:
            provinces_of.setdefault(str(province.country), []).append(province)
        remaining = total - len(regions)
        cities = []
        countries, weights = zip(*COUNTRY_WEIGHTS.items(), strict=True)
        for _ in range(round(remaining * CITY_SHARE)):
            country = self.rng.choices(countries, weights)[0]
            cities.append(add(country, 1, self.rng.choice(provinces_of[country])))
        while len(regions) < total:
            city = self.rng.choice(cities)
            add(str(city.country), 2, city)
        for region in regions:
            self.regions_by_country.setdefault(str(region.country), []).append(region)
        self.regions = regions
        return regions

    # Ties --------------------------------------------------------------------------------

    def build_ties(self) -> Iterator[SisterTie]:
        """Ties across the three countries mostly, a twentieth of their ends on the hubs."""
        rng = self.rng
        hubs = rng.sample(
            [r for r in self.regions if r.parent_id is None or r.parent.parent_id is None],
            HUB_COUNT,
        )
        hub_weights = list(itertools.accumulate(1 / rank for rank in range(1, HUB_COUNT + 1)))
        home = [r for r in self.regions if str(r.country) in HOME_COUNTRIES]

        def pick(exclude_country: str | None = None) -> Region:
            for _attempt in range(50):
                if rng.random() < HUB_SHARE:
                    region = rng.choices(hubs, cum_weights=hub_weights)[0]
                elif rng.random() < 0.03:
                    region = rng.choice(self.regions)
                else:
                    region = rng.choice(home)
                if str(region.country) != exclude_country:
                    return region
            return region

        seen: set[tuple[int, int, str]] = set()
        pk = 0
        target = self.count(TIES_PER_SCALE)
        while pk < target:
            first = pick()
            second = pick(exclude_country=None if rng.random() < 0.05 else str(first.country))
            tie_type = weighted(rng, TIE_TYPES)
            key = (min(first.pk, second.pk), max(first.pk, second.pk), tie_type)
            if first.pk == second.pk or key in seen:
                continue
            seen.add(key)
            pk += 1
            status = weighted(rng, TIE_STATUSES)
            established = precision = None
            if rng.random() < 0.92:
                established, precision = partial_date(rng, 1955, 2025, peak=(1988, 2015))
            ended, ended_precision = None, ""
            if status == "ended" and established and rng.random() < 0.6:
                ended, ended_precision = later_date(rng, established, 25)
            yield SisterTie(
                pk=pk,
                region_a=first,
                region_b=second,
                tie_type=tie_type,
                source_label=rng.choice(SOURCE_LABELS),
                established=established,
                established_precision=precision or "",
                ended=ended,
                ended_precision=ended_precision,
                status=status,
                end_reason="Exchanges lapsed." if ended else "",
            )

    def build_tie_areas(self, ties: int, areas: list[int]) -> Iterator:
        through = SisterTie.exchange_areas.through
        pk = itertools.count(1)
        for tie in range(1, ties + 1):
            for area in self.rng.sample(areas, self.rng.choice((0, 1, 1, 2, 3))):
                yield through(pk=next(pk), sistertie_id=tie, exchangearea_id=area)

    # Firms -------------------------------------------------------------------------------

    def build_firms(self) -> Iterator[Firm]:
        rng = self.rng
        for pk in range(1, self.count(FIRMS_PER_SCALE) + 1):
            country = rng.choices(HOME_COUNTRIES, (45, 35, 20))[0]
            region = rng.choice(self.regions_by_country[country]) if rng.random() < 0.9 else None
            sector = rng.choice(SECTORS)
            place = region or rng.choice(self.regions_by_country[country])
            word = FIRM_WORDS[country]
            kind = weighted(rng, FIRM_KINDS)
            firm = Firm(
                pk=pk,
                name_en=f"{place.name_en.split()[0]} {sector[0]} {word[0]} No. {pk}",
                name_ja=f"{place.name_ja[:-1]}{sector[1]}{word[1]}{pk}" if country != "KR" else "",
                name_zh=f"{place.name_zh[:-1]}{sector[2]}{word[2]}{pk}" if country == "CN" else "",
                name_ko=f"{place.name_ko[:-1]}{sector[3]} {word[3]} {pk}"
                if country != "CN"
                else "",
                kind=kind,
                country=country,
                region=region,
                founded_year=rng.randint(1900, 2024) if rng.random() < 0.8 else None,
                sector=sector[0],
                goods=f"{sector[1]}、{sector[0].lower()}",
            )
            if rng.random() < 0.6:
                firm.employees = rng.randint(3, 20_000)
                firm.employees_year = rng.randint(2005, 2024)
            if rng.random() < 0.4:
                firm.registered_capital = rng.randint(1, 5_000) * 100
                firm.capital_currency = CURRENCY_OF[country]
                firm.capital_unit = 10_000
                firm.capital_year = rng.randint(2005, 2024)
            if rng.random() < 0.3:
                firm.annual_sales = rng.randint(1, 90_000) * 10
                firm.sales_currency = CURRENCY_OF[country]
                firm.sales_unit = 10_000
                firm.sales_year = rng.randint(2005, 2024)
            if rng.random() < 0.2:
                firm.key_people = f"President {place.name_en.split()[0]}"
            self.firms_by_country.setdefault(country, []).append(pk)
            yield firm

    def build_sales_routes(self, firms: int) -> Iterator[SalesRoute]:
        rng = self.rng
        pk = itertools.count(1)
        home = [r for r in self.regions if str(r.country) in HOME_COUNTRIES]
        for firm in range(1, firms + 1):
            for region in {rng.choice(home).pk for _ in range(rng.choice((0, 1, 1, 2)))}:
                route = SalesRoute(pk=next(pk), firm_id=firm, region_id=region)
                if rng.random() < 0.5:
                    route.amount = rng.randint(1, 9_000)
                    route.currency = "CNY"
                    route.unit = 10_000
                    route.year = rng.randint(2005, 2024)
                yield route

    def build_firm_partners(self, firms: int) -> Iterator:
        """One row a partnership, naming the firm with the lower id first."""
        through = Firm.partners.through
        pk = itertools.count(1)
        pairs = set()
        for _ in range(firms // 20):
            first, second = self.rng.randint(1, firms), self.rng.randint(1, firms)
            if first != second:
                pairs.add((min(first, second), max(first, second)))
        for first, second in sorted(pairs):
            yield through(pk=next(pk), from_firm_id=first, to_firm_id=second)

    # Offices -----------------------------------------------------------------------------

    def build_offices(self) -> Iterator[OverseasOffice]:
        rng = self.rng
        kinds = {
            "trade_office": ("Trade Office", "貿易事務所", "贸易办事处", "무역사무소"),
            "liaison_office": ("Representative Office", "駐在員事務所", "代表处", "대표처"),
            "exhibition_hall": ("Exhibition Hall", "展示館", "展示馆", "전시관"),
            "business_centre": ("Business Centre", "ビジネスセンター", "商务中心", "비즈니스센터"),
        }
        for pk in range(1, self.count(OFFICES_PER_SCALE) + 1):
            country = rng.choice(HOME_COUNTRIES)
            host_country = rng.choice([c for c in HOME_COUNTRIES if c != country])
            host = rng.choice(self.regions_by_country[host_country])
            kind = rng.choice(OFFICE_KINDS)
            words = kinds[kind]
            operator_region = operator_firm = None
            if rng.random() < 0.8:
                operator_region = rng.choice(self.regions_by_country[country])
                operator_name = operator_region
            else:
                operator_firm = rng.choice(self.firms_by_country[country])
                operator_name = rng.choice(self.regions_by_country[country])
            status = weighted(rng, OFFICE_STATUSES)
            opened = precision = None
            if status != "planned" and rng.random() < 0.85:
                opened, precision = partial_date(rng, 1980, 2024, peak=(1995, 2015))
            closed, closed_precision = None, ""
            if status == "closed" and opened and rng.random() < 0.7:
                closed, closed_precision = later_date(rng, opened, 15)
            host_word = host.name_en.split()[0]
            yield OverseasOffice(
                pk=pk,
                name_en=f"{operator_name.name_en.split()[0]} {words[0]} in {host_word}",
                name_ja=f"{operator_name.name_ja}{host.name_ja[:-1]}{words[1]}",
                name_zh=f"{operator_name.name_zh}驻{host.name_zh[:-1]}{words[2]}",
                name_ko=f"{operator_name.name_ko} {host.name_ko[:-1]} {words[3]}",
                kind=kind,
                operator_region=operator_region,
                operator_firm_id=operator_firm,
                host_region=host,
                status=status,
                opened=opened,
                opened_precision=precision or "",
                closed=closed,
                closed_precision=closed_precision,
                head_name=f"{host_word} Tanaka" if rng.random() < 0.3 else "",
            )

    # Missions ----------------------------------------------------------------------------

    def build_missions(self, ties: int, offices: int) -> Iterator[Mission]:
        rng = self.rng
        self.mission_links: list[tuple[int, list[int], list[int], list[int], list[int]]] = []
        self.mission_countries: dict[int, str] = {}
        for pk in range(1, self.count(MISSIONS_PER_SCALE) + 1):
            origin_country = rng.choice(HOME_COUNTRIES)
            destination_country = rng.choice([c for c in HOME_COUNTRIES if c != origin_country])
            origins = rng.sample(self.regions_by_country[origin_country], rng.choice((1, 1, 2)))
            destinations = rng.sample(
                self.regions_by_country[destination_country], rng.choice((1, 1, 1, 2))
            )
            kind = rng.choice(MISSION_KINDS)
            words = MISSION_WORDS[kind]
            start = precision = None
            if rng.random() < 0.95:
                start, precision = partial_date(rng, 1985, 2026, peak=(2000, 2020))
            end, end_precision = None, ""
            if start and precision == DatePrecision.DAY and rng.random() < 0.5:
                end = start + datetime.timedelta(days=rng.randint(1, 6))
                end_precision = DatePrecision.DAY
            origin, destination = origins[0], destinations[0]
            self.mission_countries[pk] = origin_country
            mission = Mission(
                pk=pk,
                name_en=f"{origin.name_en.split()[0]} {words[0]} to {destination.name_en}",
                name_ja=f"{origin.name_ja}{words[1]}（{destination.name_ja}）",
                name_zh=f"{origin.name_zh}{words[2]}赴{destination.name_zh}",
                name_ko=f"{origin.name_ko} {words[3]} ({destination.name_ko})",
                kind=kind,
                start=start,
                start_precision=precision or "",
                end=end,
                end_precision=end_precision,
                delegation_size=rng.randint(3, 120) if rng.random() < 0.6 else None,
                origin_country=origin_country,
                destination_country=destination_country,
                related_tie_id=rng.randint(1, ties) if rng.random() < 0.1 else None,
                related_office_id=rng.randint(1, offices) if rng.random() < 0.05 else None,
            )
            if rng.random() < 0.2:
                mission.outcome_value = rng.randint(1, 5_000) * 10_000
                mission.outcome_currency = CURRENCY_OF[destination_country]
            firms = self.firms_by_country[origin_country]
            organisers = rng.sample(firms, rng.choice((0, 1, 1, 2)))
            participants = rng.sample(firms, rng.choice((0, 0, 1, 2, 5)))
            self.mission_links.append(
                (
                    pk,
                    [r.pk for r in origins],
                    [r.pk for r in destinations],
                    organisers,
                    participants,
                )
            )
            yield mission

    def build_mission_links(self) -> dict[type, Iterator]:
        """Rows of the four many-to-many tables of missions."""
        relations = {
            Mission.origin_regions.through: ("region_id", 1),
            Mission.destination_regions.through: ("region_id", 2),
            Mission.organisers.through: ("firm_id", 3),
            Mission.participating_firms.through: ("firm_id", 4),
        }

        def rows(through, column, position):
            pk = itertools.count(1)
            for links in self.mission_links:
                for target in links[position]:
                    yield through(pk=next(pk), mission_id=links[0], **{column: target})

        return {
            through: rows(through, column, position)
            for through, (column, position) in relations.items()
        }

    # People and participation ------------------------------------------------------------

    def build_people(self) -> Iterator[Person]:
        """Governors, mayors and company heads, named in their own country's scripts only, as
        a source from that country would name them."""
        rng = self.rng
        self.people_by_country: dict[str, list[int]] = {}
        for pk in range(1, self.count(PEOPLE_PER_SCALE) + 1):
            country = rng.choices(HOME_COUNTRIES, (45, 35, 20))[0]
            family = rng.choice(FAMILY_NAMES[country])
            given = rng.choice(SYLLABLES)
            person = Person(pk=pk, title=rng.choice(PERSON_TITLES))
            if country == "KR":
                person.name_ko = f"{family[2]}{given.hangul}"
            elif country == "JP":
                person.name_ja = f"{family[1]}{given.kanji}"
            else:
                person.name_zh = f"{family[1]}{given.hanzi}"
            if rng.random() < 0.4:
                reading = {"JP": given.romaji, "KR": given.revised}.get(country, given.pinyin)
                person.name_en = f"{family[0]} {reading.capitalize()}"
            if rng.random() < 0.6:
                person.body_region_id = rng.choice(self.regions_by_country[country]).pk
            elif rng.random() < 0.7:
                person.body_firm_id = rng.choice(self.firms_by_country[country])
            else:
                person.body_text = f"{family[0]} Institute"
            self.people_by_country.setdefault(country, []).append(pk)
            yield person

    def build_participations(self) -> Iterator[Participation]:
        """For each mission, people and bodies of its own countries in a role, and now and
        then a whole side counted as the source counts it."""
        rng = self.rng
        pk = itertools.count(1)
        roles = [role for role, _label in ParticipationRole.choices]
        for mission, origins, _destinations, _organisers, _firms in self.mission_links:
            country = self.mission_countries[mission]
            for _ in range(rng.choice(PARTICIPATIONS_PER_MISSION)):
                row = Participation(pk=next(pk), mission_id=mission, role=rng.choice(roles))
                draw = rng.random()
                if draw < 0.6:
                    row.person_id = rng.choice(self.people_by_country[country])
                elif draw < 0.8:
                    row.region_id = rng.choice(origins)
                elif draw < 0.95:
                    row.firm_id = rng.choice(self.firms_by_country[country])
                    # A mission's organising firms are its organisers, never a participation.
                    if row.role == ParticipationRole.ORGANISER:
                        row.role = ParticipationRole.PARTICIPANT
                else:
                    row.role = ParticipationRole.PARTICIPANT
                    row.count = rng.randint(5, 90)
                if row.role in (ParticipationRole.KEYNOTE, ParticipationRole.PANEL_SPEAKER):
                    row.talk_title = f"{rng.choice(SECTORS)[0]} across borders"
                row.country = country
                yield row

    # Figures -----------------------------------------------------------------------------

    def build_indicators(self) -> Iterator[Indicator]:
        """Figures of regions mostly, by year, and of pairs, offices, firms and countries."""
        rng = self.rng
        home = [r for r in self.regions if str(r.country) in HOME_COUNTRIES]
        for pk in range(1, self.count(INDICATORS_PER_SCALE) + 1):
            measure, unit, currency, scale = rng.choice(MEASURES)
            region = rng.choice(home)
            country = str(region.country)
            other_country = rng.choice([c for c in HOME_COUNTRIES if c != country])
            row = Indicator(
                pk=pk,
                measure=measure,
                subject=weighted(rng, SUBJECT_WEIGHTS),
                value=Decimal(rng.randint(1, 99_999)) / 10,
                unit=unit,
                currency=CURRENCY_OF[country] if currency == "CURRENCY" else currency,
                scale=scale,
                qualifier=weighted(rng, QUALIFIER_WEIGHTS),
            )
            if rng.random() < 0.9:
                row.period_start = rng.randint(1990, 2024)
                if rng.random() < 0.1:
                    row.period_end = row.period_start + rng.randint(1, 5)
                row.published_year = row.period_start + 1 if rng.random() < 0.5 else None
            if row.subject in (IndicatorSubject.REGION, IndicatorSubject.REGION_AND_COUNTRY):
                row.region_id = region.pk
            if row.subject == IndicatorSubject.REGION_AND_COUNTRY:
                row.partner_country = other_country
            if row.subject == IndicatorSubject.REGION_PAIR:
                row.region_id = region.pk
                row.partner_region_id = rng.choice(self.regions_by_country[other_country]).pk
            if row.subject == IndicatorSubject.OFFICE_NETWORK:
                if rng.random() < 0.8:
                    row.operator_region_id = region.pk
                else:
                    row.operator_firm_id = rng.choice(self.firms_by_country[country])
            if row.subject == IndicatorSubject.FIRM:
                row.firm_id = rng.choice(self.firms_by_country[country])
            if row.subject in (IndicatorSubject.COUNTRY, IndicatorSubject.COUNTRY_PAIR):
                row.country = country
            if row.subject == IndicatorSubject.COUNTRY_PAIR:
                row.partner_country = other_country
            yield row

    # Sources and citations ---------------------------------------------------------------

    def build_sources(self) -> list[Source]:
        languages = ["ja", "ko", "zh", "en"]
        sources = []
        for pk in range(1, self.count(SOURCES_PER_SCALE, minimum=5) + 1):
            language = languages[pk % 4]
            year = 1995 + pk % 30
            sources.append(
                Source(
                    pk=pk,
                    title=f"Synthetic report {pk}",
                    title_en=f"Synthetic report {pk}",
                    kind="report",
                    authors="regiontrade benchmark",
                    publisher="regiontrade",
                    published=datetime.date(year, 1, 1),
                    published_precision=DatePrecision.YEAR,
                    language=language,
                    file_name=f"synthetic_{pk:04d}.txt",
                    extent="pp. 1–200",
                )
            )
        return sources

    def build_citations(self, sources: int, records: Iterable[tuple[int, int]]):
        """One citation or more for every record."""
        rng = self.rng
        pk = itertools.count(1)
        for content_type, object_id in records:
            cited = rng.sample(range(1, sources + 1), 2 if rng.random() < 0.15 else 1)
            for source in cited:
                page = rng.randint(1, 199)
                locator = rng.choice(LOCATORS).format(page, page + 1)
                yield Citation(
                    pk=next(pk),
                    source_id=source,
                    content_type_id=content_type,
                    object_id=object_id,
                    locator=locator,
                )


def insert(model, rows: Iterable, log: Callable[[str], None]) -> int:
    """Bulk-inserts ``rows`` in batches; returns how many."""
    total = 0
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, BATCH_SIZE)):
        model.objects.bulk_create(batch)
        total += len(batch)
    opts = model._meta
    name = opts.db_table if opts.auto_created else opts.verbose_name_plural  # links: their table
    log(f"{name}: {total:,}")
    return total


def existing_records() -> int:
    return sum(model.objects.count() for model in DIRECTORY_MODELS)


def populate(scale: float, seed: int = 1, log: Callable[[str], None] = print) -> dict[str, int]:
    """Fills an empty database with the synthetic directory; returns the count of each model."""
    held = existing_records()
    if held:
        raise DatabaseNotEmpty(
            f"The database already holds {held:,} directory records; "
            "populate_synthetic fills only an empty one."
        )
    generator = Generator(scale, seed, log)
    counts: dict[str, int] = {}
    content_type = ContentType.objects.get_for_model
    with transaction.atomic():
        areas = ensure_exchange_areas()
        # Parents come before their children, and foreign keys are checked at commit.
        counts["regions"] = insert(Region, generator.build_regions(), log)
        counts["ties"] = insert(SisterTie, generator.build_ties(), log)
        insert(
            SisterTie.exchange_areas.through,
            generator.build_tie_areas(counts["ties"], areas),
            log,
        )
        counts["firms"] = insert(Firm, generator.build_firms(), log)
        counts["sales routes"] = insert(
            SalesRoute, generator.build_sales_routes(counts["firms"]), log
        )
        insert(Firm.partners.through, generator.build_firm_partners(counts["firms"]), log)
        counts["offices"] = insert(OverseasOffice, generator.build_offices(), log)
        counts["missions"] = insert(
            Mission, generator.build_missions(counts["ties"], counts["offices"]), log
        )
        for through, rows in generator.build_mission_links().items():
            insert(through, rows, log)
        counts["people"] = insert(Person, generator.build_people(), log)
        counts["participations"] = insert(Participation, generator.build_participations(), log)
        counts["figures"] = insert(Indicator, generator.build_indicators(), log)
        sources = generator.build_sources()
        counts["sources"] = insert(Source, sources, log)
        cited = itertools.chain.from_iterable(
            ((content_type(model).pk, pk) for pk in range(1, counts[key] + 1))
            for model, key in (
                (Region, "regions"),
                (SisterTie, "ties"),
                (Firm, "firms"),
                (OverseasOffice, "offices"),
                (Mission, "missions"),
                (Person, "people"),
                (Participation, "participations"),
                (Indicator, "figures"),
            )
        )
        counts["citations"] = insert(
            Citation, generator.build_citations(counts["sources"], cited), log
        )
        reset_sequences()
    analyse()
    bump_data_version()
    return counts


def analyse() -> None:
    """Fresh statistics for the query planner, and on PostgreSQL a visibility map for
    index-only scans, as autovacuum would leave them on a database in use."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def ensure_exchange_areas() -> list[int]:
    """The fields of exchange are reference data: those already loaded, else the standard six."""
    if not ExchangeArea.objects.exists():
        ExchangeArea.objects.bulk_create(
            ExchangeArea(slug=slug, name_en=en, name_ja=ja, name_zh=zh, name_ko=ko)
            for slug, en, ja, zh, ko in EXCHANGE_AREAS
        )
    return list(ExchangeArea.objects.values_list("pk", flat=True))


def reset_sequences() -> None:
    """Primary keys were given explicitly; let the database continue after the largest."""
    models = [
        Region,
        SisterTie,
        SisterTie.exchange_areas.through,
        Firm,
        SalesRoute,
        Firm.partners.through,
        OverseasOffice,
        Mission,
        Mission.origin_regions.through,
        Mission.destination_regions.through,
        Mission.organisers.through,
        Mission.participating_firms.through,
        Person,
        Participation,
        Indicator,
        Source,
        Citation,
    ]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
