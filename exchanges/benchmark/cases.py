"""The requests ``make bench`` times, each with its raw floor and its target.

The floor of a case is the same rows fetched by one hand-written SQL query and encoded as JSON,
the cost of the answer with no framework at all. Floors are written against the schema as it is,
using whatever columns and indexes a careful hand would use; the same SQL runs on PostgreSQL and
SQLite except where ``Dialect`` says otherwise.

Which region is the hub, which year gives about 10,000 rows and so on are read from the database
(``discover``), so the same cases work at any scale.
"""

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from django.db.models import Count, Q

from ..models import Firm, Mission, OverseasOffice, Region, SisterTie, Source

PAGE_ROWS = 50
EXPORT_ROWS = 10_000
HUB_TIES = 1_500


@dataclass(frozen=True)
class Target:
    """What a case must achieve on PostgreSQL at scale 20; None where nothing is asked."""

    p95_ms: float | None = None
    p50_ms: float | None = None
    floor_ratio: float | None = None
    max_bytes: int | None = None
    max_memory_mb: float | None = None
    relative_to: str | None = None  # another case's name: no slower than twice its median

    def describe(self) -> str:
        parts = []
        if self.p95_ms is not None:
            parts.append(f"p95 ≤ {self.p95_ms:g} ms")
        if self.p50_ms is not None:
            parts.append(
                f"p50 ≤ {self.p50_ms / 1000:g} s"
                if self.p50_ms >= 1000
                else f"p50 ≤ {self.p50_ms:g} ms"
            )
        if self.floor_ratio is not None:
            parts.append(f"≤ {self.floor_ratio:g}× floor")
        if self.max_bytes is not None:
            parts.append(f"≤ {self.max_bytes // 1000:,} KB")
        if self.max_memory_mb is not None:
            parts.append(f"memory < {self.max_memory_mb:g} MB")
        if self.relative_to is not None:
            parts.append(f"≤ 2× {self.relative_to}")
        return ", ".join(parts)


LIST = Target(p95_ms=150, floor_ratio=3)
SEARCH = Target(p95_ms=100)
DETAIL = Target(p50_ms=200, max_bytes=200_000)
STATS = Target(p50_ms=300)
PICTURE = Target(p50_ms=1000, max_bytes=1_000_000)
EXPORT_10K = Target(p50_ms=1000, max_memory_mb=100)
EXPORT_ALL = Target(p50_ms=10_000, max_memory_mb=100)


@dataclass
class Case:
    name: str
    url: str
    floor: str  # SQL
    target: Target
    datasette: bool = True  # also time Datasette serving the floor's rows (SQLite)
    heavy: bool = False  # a large download: fewer repetitions, memory watched
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Dialect:
    """The few places where hand-written SQL differs between the two engines."""

    vendor: str

    def aggregate(self, expression: str) -> str:
        if self.vendor == "postgresql":
            return f"string_agg({expression}, '|')"
        return f"group_concat({expression}, '|')"

    def year(self, column: str) -> str:
        if self.vendor == "postgresql":
            return f"EXTRACT(YEAR FROM {column})::int"
        return f"CAST(strftime('%Y', {column}) AS integer)"


@dataclass
class Parameters:
    """Values read from the populated database that make the cases representative."""

    hub: str  # slug of the region whose tie count is nearest HUB_TIES
    hub_id: int
    hub_ties: int
    province: str  # slug of the first-level region with most regions below it
    province_id: int
    export_year: int  # JP–KR ties established from this year number about EXPORT_ROWS
    export_rows: int
    tie: int
    firm: int
    office: int
    mission: int
    source: int
    tie_pages: int


def discover() -> Parameters:
    degree: Counter = Counter()
    for side in ("region_a", "region_b"):
        for region, n in SisterTie.objects.values_list(side).annotate(n=Count("pk")).order_by():
            degree[region] += n
    hub_id = min(degree, key=lambda pk: (abs(degree[pk] - HUB_TIES), pk))
    province = (
        Region.objects.filter(parent=None)
        .annotate(n=Count("children__children", distinct=True) + Count("children", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    pair = Q(region_a__country="JP", region_b__country="KR") | Q(
        region_a__country="KR", region_b__country="JP"
    )
    per_year = dict(
        SisterTie.objects.filter(pair, established__isnull=False)
        .values_list("established__year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    export_year, export_rows = max(per_year), 0
    for year in sorted(per_year, reverse=True):
        export_year, export_rows = year, export_rows + per_year[year]
        if export_rows >= EXPORT_ROWS:
            break

    def middle(model) -> int:
        ids = model.objects.order_by("pk").values_list("pk", flat=True)
        return ids[model.objects.count() // 2]

    return Parameters(
        hub=Region.objects.get(pk=hub_id).slug,
        hub_id=hub_id,
        hub_ties=degree[hub_id],
        province=province.slug,
        province_id=province.pk,
        export_year=export_year,
        export_rows=export_rows,
        tie=middle(SisterTie),
        firm=middle(Firm),
        office=middle(OverseasOffice),
        mission=middle(Mission),
        source=middle(Source),
        tie_pages=-(-SisterTie.objects.count() // PAGE_ROWS),
    )


# Words to search for: two-character place names in each script, and a Latin syllable.
SEARCH_TERMS = {
    "kanji": "釜山",
    "hangul": "부산",
    "hanzi": "延吉",
    "latin": "busan",
}

REGION_NAMES = ("slug", "name_en", "name_ja", "name_zh", "name_ko", "country")


def names(alias: str) -> str:
    return ", ".join(f"{alias}.{column}" for column in ("id", *REGION_NAMES))


def name_match(alias: str, term: str) -> str:
    """The hand-written form of ``q``: the term in any of the four name columns."""
    term = term.lower().replace("'", "''")
    columns = ("name_en", "name_ja", "name_zh", "name_ko")
    return "(" + " OR ".join(f"LOWER({alias}.{c}) LIKE '%{term}%'" for c in columns) + ")"


def subtree(region_id: int) -> str:
    """The region and the regions up to three levels below it, as the ``region`` filter."""
    below = f"SELECT id FROM exchanges_region WHERE parent_id = {region_id}"
    below_2 = f"SELECT id FROM exchanges_region WHERE parent_id IN ({below})"
    return (
        f"SELECT id FROM exchanges_region WHERE id = {region_id} OR parent_id = {region_id} "
        f"OR parent_id IN ({below}) OR parent_id IN ({below_2})"
    )


def page(columns: str, tables: str, where: str, order: str, offset: int = 0, count=True) -> str:
    """One page of rows, with the total the page shows, in one query."""
    where_sql = f" WHERE {where}" if where else ""
    total = f", (SELECT count(*) FROM {tables}{where_sql}) AS total" if count else ""
    return (
        f"SELECT {columns}{total} FROM {tables}{where_sql} "
        f"ORDER BY {order} LIMIT {PAGE_ROWS} OFFSET {offset}"
    )


TIE_COLUMNS = (
    "t.id, t.tie_type, t.source_label, t.established, t.established_precision, t.status, "
    + names("a")
    + ", "
    + names("b")
)
TIE_TABLES = (
    "exchanges_sistertie t JOIN exchanges_region a ON a.id = t.region_a_id "
    "JOIN exchanges_region b ON b.id = t.region_b_id"
)
TIE_ORDER = "t.established DESC, t.id"


def tie_pair(first: str, second: str) -> str:
    return (
        f"((a.country = '{first}' AND b.country = '{second}') "
        f"OR (a.country = '{second}' AND b.country = '{first}'))"
    )


def tie_search(term: str) -> str:
    label = term.lower().replace("'", "''")
    return f"({name_match('a', term)} OR {name_match('b', term)} OR LOWER(t.source_label) LIKE '%{label}%')"


def tie_page(where: str = "", order: str = TIE_ORDER, offset: int = 0) -> str:
    return page(TIE_COLUMNS, TIE_TABLES, where, order, offset)


REGION_COLUMNS = (
    "r.id, r.slug, r.name_en, r.name_ja, r.name_zh, r.name_ko, r.country, r.level, "
    "r.population, p.slug, p.name_en"
)
REGION_TABLES = "exchanges_region r LEFT JOIN exchanges_region p ON p.id = r.parent_id"

FIRM_COLUMNS = (
    "f.id, f.name_en, f.name_ja, f.name_zh, f.name_ko, f.kind, f.country, f.founded_year, "
    "f.employees, f.sector, r.slug, r.name_en"
)
FIRM_TABLES = "exchanges_firm f LEFT JOIN exchanges_region r ON r.id = f.region_id"

OFFICE_COLUMNS = (
    "o.id, o.name_en, o.name_ja, o.name_zh, o.name_ko, o.kind, o.status, o.opened, "
    "o.opened_precision, h.slug, h.name_en, op.slug, op.name_en, opf.name_en"
)
OFFICE_TABLES = (
    "exchanges_overseasoffice o JOIN exchanges_region h ON h.id = o.host_region_id "
    "LEFT JOIN exchanges_region op ON op.id = o.operator_region_id "
    "LEFT JOIN exchanges_firm opf ON opf.id = o.operator_firm_id"
)
OFFICE_OPERATOR_COUNTRY = "COALESCE(op.country, opf.country)"


def mission_columns(dialect: Dialect) -> str:
    def regions(relation: str) -> str:
        return (
            f"(SELECT {dialect.aggregate('r.slug')} FROM exchanges_mission_{relation} l "
            f"JOIN exchanges_region r ON r.id = l.region_id WHERE l.mission_id = m.id)"
        )

    return (
        "m.id, m.name_en, m.name_ja, m.name_zh, m.name_ko, m.kind, m.start, m.start_precision, "
        f"m.delegation_size, {regions('origin_regions')}, {regions('destination_regions')}"
    )


def mission_between(first: str, second: str) -> str:
    def link(relation: str, country: str) -> str:
        return (
            f"SELECT l.mission_id FROM exchanges_mission_{relation} l "
            f"JOIN exchanges_region r ON r.id = l.region_id WHERE r.country = '{country}'"
        )

    return (
        f"((m.id IN ({link('origin_regions', first)}) AND m.id IN "
        f"({link('destination_regions', second)})) OR (m.id IN ({link('origin_regions', second)})"
        f" AND m.id IN ({link('destination_regions', first)})))"
    )


def mission_in(region_id: int) -> str:
    return (
        f"m.id IN (SELECT mission_id FROM exchanges_mission_origin_regions WHERE region_id IN "
        f"({subtree(region_id)}) UNION SELECT mission_id FROM exchanges_mission_destination_regions"
        f" WHERE region_id IN ({subtree(region_id)}))"
    )


def mission_search(term: str) -> str:
    def through(relation: str) -> str:
        return (
            f"m.id IN (SELECT l.mission_id FROM exchanges_mission_{relation} l JOIN "
            f"exchanges_region r ON r.id = l.region_id WHERE {name_match('r', term)})"
        )

    return f"({name_match('m', term)} OR {through('origin_regions')} OR {through('destination_regions')})"


SOURCE_COLUMNS = (
    "s.id, s.title, s.title_en, s.authors, s.publisher, s.published, s.kind, s.language, "
    "(SELECT count(*) FROM exchanges_citation c WHERE c.source_id = s.id) AS citations"
)


def citations_of(model: str, record: str) -> str:
    return (
        "(SELECT count(*) FROM exchanges_citation c JOIN django_content_type ct ON "
        f"ct.id = c.content_type_id WHERE ct.app_label = 'exchanges' AND ct.model = '{model}' "
        f"AND c.object_id = {record})"
    )


def region_detail(region_id: int) -> str:
    ties = (
        f"SELECT t.id, t.tie_type, t.established, t.status, a.slug, a.name_en, b.slug, b.name_en "
        f"FROM {TIE_TABLES} WHERE t.region_a_id = {region_id} OR t.region_b_id = {region_id} "
        f"ORDER BY t.established, t.id"
    )
    return ties


def search_floor(term: str) -> str:
    """The first ten matches of each record type and their counts, in one query."""
    parts = []
    for kind, table, alias, where in (
        ("region", "exchanges_region r", "r", name_match("r", term)),
        ("tie", TIE_TABLES, "t", tie_search(term)),
        ("firm", "exchanges_firm f", "f", name_match("f", term)),
        ("office", "exchanges_overseasoffice o", "o", name_match("o", term)),
        ("mission", "exchanges_mission m", "m", mission_search(term)),
    ):
        parts.append(
            f"SELECT * FROM (SELECT '{kind}' AS kind, {alias}.id, "
            f"(SELECT count(*) FROM {table} WHERE {where}) AS total FROM {table} "
            f"WHERE {where} ORDER BY {alias}.id LIMIT 10) AS {kind}_matches"
        )
    return " UNION ALL ".join(parts)


def stats_floor(dialect: Dialect, where: str = "") -> str:
    """The five statistics as one query: each a GROUP BY, stacked with UNION ALL."""
    where_sql = f" WHERE {where}" if where else ""
    year = dialect.year("t.established")
    pair = (
        "CASE WHEN a.country < b.country THEN a.country || '-' || b.country "
        "ELSE b.country || '-' || a.country END"
    )
    degree = (
        "SELECT region, count(*) AS n FROM (SELECT region_a_id AS region FROM exchanges_sistertie "
        "UNION ALL SELECT region_b_id FROM exchanges_sistertie) ends GROUP BY region "
        "ORDER BY n DESC LIMIT 10"
    )
    mission_year = dialect.year("m.start")
    return " UNION ALL ".join(
        [
            f"SELECT 'ties-per-year', CAST({year} AS text), {pair}, count(*) FROM {TIE_TABLES}"
            f"{where_sql} GROUP BY 2, 3",
            "SELECT 'ties-by-type', t.tie_type, t.status, count(*) FROM exchanges_sistertie t "
            "GROUP BY 2, 3",
            f"SELECT 'top-regions', CAST(d.region AS text), r.slug, d.n FROM ({degree}) d "
            "JOIN exchanges_region r ON r.id = d.region",
            "SELECT 'offices', h.country, o.status, count(*) FROM exchanges_overseasoffice o "
            "JOIN exchanges_region h ON h.id = o.host_region_id GROUP BY 2, 3",
            f"SELECT 'missions-per-year', CAST({mission_year} AS text), m.kind, count(*) "
            "FROM exchanges_mission m GROUP BY 2, 3",
        ]
    )


def map_floor(where: str = "") -> str:
    """Every tie the map draws, with the positions of its two regions."""
    where_sql = f" WHERE {where}" if where else ""
    return (
        "SELECT t.id, t.status, a.slug, a.latitude, a.longitude, b.slug, b.latitude, b.longitude "
        f"FROM {TIE_TABLES}{where_sql}"
    )


def network_floor(where: str = "") -> str:
    """Every tie the network draws, with its two regions."""
    where_sql = f" WHERE {where}" if where else ""
    return f"SELECT t.id, t.status, a.id, a.slug, a.name_en, b.id, b.slug, b.name_en FROM {TIE_TABLES}{where_sql}"


def export_floor(where: str = "") -> str:
    where_sql = f" WHERE {where}" if where else ""
    return f"SELECT {TIE_COLUMNS} FROM {TIE_TABLES}{where_sql} ORDER BY {TIE_ORDER}"


def build(params: Parameters, dialect: Dialect) -> list[Case]:
    p = params
    jp_kr = tie_pair("JP", "KR")
    deep_offset = (min(1000, p.tie_pages) - 1) * PAGE_ROWS
    since = f"t.established >= '{p.export_year}-01-01'"
    in_province = f"(t.region_a_id IN ({subtree(p.province_id)}) OR t.region_b_id IN ({subtree(p.province_id)}))"
    decade = "t.established >= '2000-01-01' AND t.established < '2011-01-01'"
    missions_since = "m.start >= '2000-01-01'"
    mission_cols = mission_columns(dialect)
    cases = [
        # Lists, each with one filter at a time.
        Case("ties", "/ties/", tie_page(), LIST),
        Case("ties pair", "/ties/?pair=JP-KR", tie_page(jp_kr), LIST),
        Case("ties region", f"/ties/?region={p.province}", tie_page(in_province), LIST),
        Case(
            "ties years",
            "/ties/?established_from=2000&established_to=2010",
            tie_page(decade),
            LIST,
        ),
        Case("ties status", "/ties/?status=dormant", tie_page("t.status = 'dormant'"), LIST),
        Case("ties sorted", "/ties/?sort=region_a", tie_page(order="a.name_en, t.id"), LIST),
        Case(
            "ties page 1000",
            f"/ties/?page={min(1000, p.tie_pages)}",
            tie_page(offset=deep_offset),
            Target(p95_ms=150, relative_to="ties"),
        ),
        Case(
            "regions", "/regions/", page(REGION_COLUMNS, REGION_TABLES, "", "r.name_en, r.id"), LIST
        ),
        Case(
            "regions parent",
            f"/regions/?parent={p.province}",
            page(
                REGION_COLUMNS, REGION_TABLES, f"r.parent_id = {p.province_id}", "r.name_en, r.id"
            ),
            LIST,
        ),
        Case("firms", "/firms/", page(FIRM_COLUMNS, FIRM_TABLES, "", "f.name_en, f.id"), LIST),
        Case(
            "firms region",
            f"/firms/?region={p.province}",
            page(
                FIRM_COLUMNS,
                FIRM_TABLES,
                f"f.region_id IN ({subtree(p.province_id)})",
                "f.name_en, f.id",
            ),
            LIST,
        ),
        Case(
            "firms founded",
            "/firms/?founded_from=1990&founded_to=1999",
            page(
                FIRM_COLUMNS,
                FIRM_TABLES,
                "f.founded_year BETWEEN 1990 AND 1999",
                "f.name_en, f.id",
            ),
            LIST,
        ),
        Case(
            "offices", "/offices/", page(OFFICE_COLUMNS, OFFICE_TABLES, "", "o.name_en, o.id"), LIST
        ),
        Case(
            "offices pair",
            "/offices/?pair=JP-KR",
            page(
                OFFICE_COLUMNS,
                OFFICE_TABLES,
                f"(({OFFICE_OPERATOR_COUNTRY} = 'JP' AND h.country = 'KR') OR "
                f"({OFFICE_OPERATOR_COUNTRY} = 'KR' AND h.country = 'JP'))",
                "o.name_en, o.id",
            ),
            LIST,
        ),
        Case(
            "missions",
            "/missions/",
            page(mission_cols, "exchanges_mission m", "", "m.start DESC, m.id"),
            LIST,
        ),
        Case(
            "missions since 2000",
            "/missions/?year_from=2000",
            page(mission_cols, "exchanges_mission m", missions_since, "m.start DESC, m.id"),
            LIST,
        ),
        Case(
            "missions pair",
            "/missions/?pair=JP-CN",
            page(
                mission_cols,
                "exchanges_mission m",
                mission_between("JP", "CN"),
                "m.start DESC, m.id",
            ),
            LIST,
        ),
        Case(
            "missions region",
            f"/missions/?region={p.province}",
            page(
                mission_cols, "exchanges_mission m", mission_in(p.province_id), "m.start DESC, m.id"
            ),
            LIST,
        ),
        Case(
            "sources",
            "/sources/",
            page(SOURCE_COLUMNS, "exchanges_source s", "", "s.file_name"),
            LIST,
        ),
        # The API's lists take the same filters.
        Case("api ties", "/api/v1/ties/", tie_page(), LIST),
        Case("api ties pair", "/api/v1/ties/?pair=JP-KR", tie_page(jp_kr), LIST),
        Case(
            "api ties ordering",
            "/api/v1/ties/?ordering=-established",
            tie_page(order="t.established DESC, t.id"),
            LIST,
        ),
        Case(
            "api ties page 1000",
            f"/api/v1/ties/?page={min(1000, p.tie_pages)}",
            tie_page(offset=deep_offset),
            Target(p95_ms=150, relative_to="api ties"),
        ),
        Case(
            "api regions",
            "/api/v1/regions/?country=KR",
            page(REGION_COLUMNS, REGION_TABLES, "r.country = 'KR'", "r.name_en, r.id"),
            LIST,
        ),
        Case(
            "api firms region",
            f"/api/v1/firms/?region={p.province}",
            page(
                FIRM_COLUMNS,
                FIRM_TABLES,
                f"f.region_id IN ({subtree(p.province_id)})",
                "f.name_en, f.id",
            ),
            LIST,
        ),
        Case(
            "api missions since 2000",
            "/api/v1/missions/?year_from=2000",
            page(mission_cols, "exchanges_mission m", missions_since, "m.start DESC, m.id"),
            LIST,
        ),
        Case(
            "api offices",
            "/api/v1/offices/",
            page(OFFICE_COLUMNS, OFFICE_TABLES, "", "o.name_en, o.id"),
            LIST,
        ),
    ]
    # Search in every script, on lists and on /search/.
    for script, term in SEARCH_TERMS.items():
        encoded = quote(term)
        cases.append(
            Case(f"ties q {script}", f"/ties/?q={encoded}", tie_page(tie_search(term)), SEARCH)
        )
    cases += [
        Case(
            "api ties q kanji",
            f"/api/v1/ties/?q={quote(SEARCH_TERMS['kanji'])}",
            tie_page(tie_search(SEARCH_TERMS["kanji"])),
            SEARCH,
        ),
        Case(
            "regions q hangul",
            f"/regions/?q={quote(SEARCH_TERMS['hangul'])}",
            page(
                REGION_COLUMNS,
                REGION_TABLES,
                name_match("r", SEARCH_TERMS["hangul"]),
                "r.name_en, r.id",
            ),
            SEARCH,
        ),
        Case(
            "firms q latin",
            f"/firms/?q={SEARCH_TERMS['latin']}",
            page(
                FIRM_COLUMNS, FIRM_TABLES, name_match("f", SEARCH_TERMS["latin"]), "f.name_en, f.id"
            ),
            SEARCH,
        ),
        Case(
            "missions q hanzi",
            f"/missions/?q={quote(SEARCH_TERMS['hanzi'])}",
            page(
                mission_cols,
                "exchanges_mission m",
                mission_search(SEARCH_TERMS["hanzi"]),
                "m.start DESC, m.id",
            ),
            SEARCH,
        ),
    ]
    for script in ("kanji", "latin"):
        term = SEARCH_TERMS[script]
        cases.append(
            Case(f"search {script}", f"/search/?q={quote(term)}", search_floor(term), SEARCH)
        )
    # Detail pages.
    cases += [
        Case(
            f"region hub ({p.hub_ties} ties)",
            f"/regions/{p.hub}/",
            region_detail(p.hub_id),
            DETAIL,
            datasette=False,
        ),
        Case(
            "tie",
            f"/ties/{p.tie}/",
            f"SELECT {TIE_COLUMNS}, {citations_of('sistertie', p.tie)} FROM {TIE_TABLES} "
            f"WHERE t.id = {p.tie}",
            DETAIL,
        ),
        Case(
            "firm",
            f"/firms/{p.firm}/",
            f"SELECT {FIRM_COLUMNS}, {citations_of('firm', p.firm)} FROM {FIRM_TABLES} "
            f"WHERE f.id = {p.firm}",
            DETAIL,
        ),
        Case(
            "office",
            f"/offices/{p.office}/",
            f"SELECT {OFFICE_COLUMNS} FROM {OFFICE_TABLES} WHERE o.id = {p.office}",
            DETAIL,
        ),
        Case(
            "mission",
            f"/missions/{p.mission}/",
            f"SELECT {mission_cols} FROM exchanges_mission m WHERE m.id = {p.mission}",
            DETAIL,
        ),
        Case(
            "source",
            f"/sources/{p.source}/",
            f"SELECT {SOURCE_COLUMNS} FROM exchanges_source s WHERE s.id = {p.source}",
            DETAIL,
        ),
        # Pages that picture the whole directory.
        Case("stats", "/stats/", stats_floor(dialect), STATS, datasette=False),
        Case(
            "stats pair", "/stats/?pair=JP-KR", stats_floor(dialect, jp_kr), STATS, datasette=False
        ),
        Case("map", "/map/", map_floor(), PICTURE, datasette=False),
        Case("map pair", "/map/?pair=JP-KR", map_floor(jp_kr), PICTURE, datasette=False),
        Case("network", "/network/", network_floor(), PICTURE, datasette=False),
        Case(
            "network region",
            f"/network/?region={p.province}",
            network_floor(in_province),
            PICTURE,
            datasette=False,
        ),
        # Downloads.
        Case(
            f"ties csv {p.export_rows:,} rows",
            f"/ties/?pair=JP-KR&established_from={p.export_year}&export=csv",
            export_floor(f"{jp_kr} AND {since}"),
            EXPORT_10K,
            heavy=True,
        ),
        Case(
            f"api ties csv {p.export_rows:,} rows",
            f"/api/v1/ties/?pair=JP-KR&established_from={p.export_year}&format=csv",
            export_floor(f"{jp_kr} AND {since}"),
            EXPORT_10K,
            heavy=True,
        ),
        Case(
            f"ties json {p.export_rows:,} rows",
            f"/ties/?pair=JP-KR&established_from={p.export_year}&export=json",
            export_floor(f"{jp_kr} AND {since}"),
            EXPORT_10K,
            heavy=True,
        ),
        Case("ties csv all", "/ties/?export=csv", export_floor(), EXPORT_ALL, heavy=True),
    ]
    return cases
