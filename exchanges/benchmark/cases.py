"""The requests ``make bench`` times, each with its raw floor and its target.

The floor of a case is the same rows fetched by one hand-written SQL query and encoded as JSON,
the cost of the answer with no framework at all. Floors are written against the schema as it is,
using whatever columns and indexes a careful hand would use; the same SQL runs on PostgreSQL and
SQLite except where ``Dialect`` says otherwise.

Which region is the hub, which year gives about 10,000 rows and so on are read from the database
(``discover``), so the same cases work at any scale.
"""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import Count

from ..models import ExchangeArea, Firm, Mission, OverseasOffice, Region, SisterTie, Source
from ..models.search import glob, normalise, search_condition_value

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
    province_name: str  # a name of that region no other region bears, as a reader types it
    area: str  # slug of the exchange area most ties cover
    area_id: int
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
    per_year = dict(
        SisterTie.objects.between_countries("JP", "KR")
        .filter(established__isnull=False)
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

    province_name = next(
        name
        for field in ("name_ko", "name_ja", "name_zh", "name_en")
        if (name := getattr(province, field))
        and Region.objects.filter(**{field: name}).count() == 1
    )
    area = (
        ExchangeArea.objects.annotate(n=Count("ties"))
        .order_by("-n", "pk")
        .values_list("pk", "slug")
        .first()
    )

    return Parameters(
        hub=Region.objects.get(pk=hub_id).slug,
        hub_id=hub_id,
        hub_ties=degree[hub_id],
        province=province.slug,
        province_id=province.pk,
        province_name=province_name,
        area=area[1],
        area_id=area[0],
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


def quoted(text: str) -> str:
    return text.replace("'", "''")


def matching_ids(table: str, term: str, dialect: Dialect) -> str:
    """Ids of the records whose search text holds the word: through the trigram index on
    PostgreSQL, through the FTS5 trigram table on SQLite (for words of 3 characters or more)."""
    operand = search_condition_value(normalise(term))
    if dialect.vendor == "sqlite" and len(operand) >= 3:
        return f"SELECT rowid FROM {table}_search WHERE search_text GLOB '{quoted(glob(operand))}'"
    return f"SELECT id FROM {table} WHERE search_text LIKE '%{quoted(operand)}%'"


def matches(alias: str, table: str, term: str, dialect: Dialect) -> str:
    """The hand-written form of ``q`` on one record type."""
    return f"{alias}.id IN ({matching_ids(table, term, dialect)})"


def subtree(region_id: int) -> str:
    """The region and the regions up to three levels below it, as the ``region`` filter."""
    levels = [f"SELECT id FROM exchanges_region WHERE id = {region_id}"]
    for _depth in range(3):
        levels.append(f"SELECT id FROM exchanges_region WHERE parent_id IN ({levels[-1]})")
    return " UNION ALL ".join(levels)


def either(table: str, *conditions: str) -> str:
    """Ids of ``table`` matching any condition: one indexed query each, as a UNION."""
    return " UNION ".join(f"SELECT id FROM {table} WHERE {condition}" for condition in conditions)


def page(
    columns: str,
    tables: str,
    where: str,
    order: str,
    offset: int = 0,
    keys_from: str = "",
    key: str = "",
) -> str:
    """One page of rows and the total it shows, in one query: the window's keys first, from
    the one table the filter needs (``keys_from``), then those rows with their joins."""
    where_sql = f" WHERE {where}" if where else ""
    main, _join, joins = tables.replace(" LEFT JOIN ", " JOIN ").partition(" JOIN ")
    keys_from = keys_from or main
    alias = key or main.split()[-1]
    joined = tables[len(main) :]
    return (
        f"WITH page_keys AS (SELECT {alias}.id AS page_id FROM {keys_from}{where_sql} "
        f"ORDER BY {order} LIMIT {PAGE_ROWS} OFFSET {offset}) "
        f"SELECT {columns}, (SELECT count(*) FROM {keys_from}{where_sql}) AS total "
        f"FROM page_keys JOIN {main} ON {alias}.id = page_keys.page_id{joined} ORDER BY {order}"
    )


REGION_NAMES = ("slug", "name_en", "name_ja", "name_zh", "name_ko", "country")


def names(alias: str) -> str:
    return ", ".join(f"{alias}.{column}" for column in ("id", *REGION_NAMES))


TIE_COLUMNS = (
    "t.id, t.tie_type, t.source_label, t.established, t.established_precision, t.status, "
    f"{names('a')}, {names('b')}"
)
TIE_TABLES = (
    "exchanges_sistertie t JOIN exchanges_region a ON a.id = t.region_a_id "
    "JOIN exchanges_region b ON b.id = t.region_b_id"
)
TIE_ORDER = "t.established DESC NULLS LAST, t.id"


PERSON_COLUMNS = (
    "p.id, p.name_en, p.name_ja, p.name_zh, p.name_ko, p.title, p.body_text, "
    f"{names('br')}, bf.id, bf.name_en, bf.name_ja, bf.name_zh, bf.name_ko"
)
PERSON_TABLES = (
    "exchanges_person p LEFT JOIN exchanges_region br ON br.id = p.body_region_id "
    "LEFT JOIN exchanges_firm bf ON bf.id = p.body_firm_id"
)
PERSON_ORDER = "p.name_en, p.id"
PARTICIPATION_COLUMNS = (
    "pa.id, pa.role, pa.talk_title, pa.country, pa.count, m.id, m.name_en, m.name_ja, "
    f"pe.id, pe.name_en, pe.name_ja, pe.name_ko, pe.name_zh, {names('pr')}, pf.id, pf.name_en"
)
PARTICIPATION_TABLES = (
    "exchanges_participation pa JOIN exchanges_mission m ON m.id = pa.mission_id "
    "LEFT JOIN exchanges_person pe ON pe.id = pa.person_id "
    "LEFT JOIN exchanges_region pr ON pr.id = pa.region_id "
    "LEFT JOIN exchanges_firm pf ON pf.id = pa.firm_id"
)
PARTICIPATION_ORDER = "pa.mission_id, pa.id"
INDICATOR_COLUMNS = (
    "i.id, i.measure, i.subject, i.value, i.value_to, i.unit, i.currency, i.scale, "
    f"i.period_start, i.period_end, i.qualifier, i.country, i.partner_country, {names('ir')}, "
    f"{names('ip')}, {names('io')}, ofi.id, ofi.name_en, fi.id, fi.name_en"
)
INDICATOR_TABLES = (
    "exchanges_indicator i LEFT JOIN exchanges_region ir ON ir.id = i.region_id "
    "LEFT JOIN exchanges_region ip ON ip.id = i.partner_region_id "
    "LEFT JOIN exchanges_region io ON io.id = i.operator_region_id "
    "LEFT JOIN exchanges_firm ofi ON ofi.id = i.operator_firm_id "
    "LEFT JOIN exchanges_firm fi ON fi.id = i.firm_id"
)
INDICATOR_ORDER = "i.measure, i.period_start, i.id"


def tie_page(where: str = "", order: str = TIE_ORDER, offset: int = 0, **kwargs) -> str:
    return page(TIE_COLUMNS, TIE_TABLES, where, order, offset, **kwargs)


def tie_pair(first: str, second: str) -> str:
    return (
        f"((t.country_a = '{first}' AND t.country_b = '{second}') "
        f"OR (t.country_a = '{second}' AND t.country_b = '{first}'))"
    )


def tie_in(region_id: int) -> str:
    regions = subtree(region_id)
    return (
        "t.id IN ("
        + either(
            "exchanges_sistertie", f"region_a_id IN ({regions})", f"region_b_id IN ({regions})"
        )
        + ")"
    )


def tie_search(term: str, dialect: Dialect) -> str:
    regions = matching_ids("exchanges_region", term, dialect)
    own = matching_ids("exchanges_sistertie", term, dialect)
    ties = "exchanges_sistertie"
    return (
        f"t.id IN ({own} UNION SELECT id FROM {ties} WHERE region_a_id IN ({regions}) "
        f"UNION SELECT id FROM {ties} WHERE region_b_id IN ({regions}))"
    )


REGION_COLUMNS = (
    "r.id, r.slug, r.name_en, r.name_ja, r.name_zh, r.name_ko, r.country, r.level, "
    "r.population, p.slug, p.name_en"
)
REGION_TABLES = "exchanges_region r LEFT JOIN exchanges_region p ON p.id = r.parent_id"
REGION_ORDER = "r.name_en, r.id"

FIRM_COLUMNS = (
    "f.id, f.name_en, f.name_ja, f.name_zh, f.name_ko, f.kind, f.country, f.founded_year, "
    "f.employees, f.sector, r.slug, r.name_en"
)
FIRM_TABLES = "exchanges_firm f LEFT JOIN exchanges_region r ON r.id = f.region_id"
FIRM_ORDER = "f.name_en, f.id"

OFFICE_COLUMNS = (
    "o.id, o.name_en, o.name_ja, o.name_zh, o.name_ko, o.kind, o.status, o.opened, "
    "o.opened_precision, h.slug, h.name_en, op.slug, op.name_en, opf.name_en"
)
OFFICE_TABLES = (
    "exchanges_overseasoffice o JOIN exchanges_region h ON h.id = o.host_region_id "
    "LEFT JOIN exchanges_region op ON op.id = o.operator_region_id "
    "LEFT JOIN exchanges_firm opf ON opf.id = o.operator_firm_id"
)
OFFICE_ORDER = "o.name_en, o.id"


def office_pair(first: str, second: str) -> str:
    operator = "COALESCE(op.country, opf.country)"
    return (
        f"(({operator} = '{first}' AND h.country = '{second}') "
        f"OR ({operator} = '{second}' AND h.country = '{first}'))"
    )


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


MISSION_ORDER = "m.start DESC NULLS LAST, m.id"


def missions_linked(relation: str, regions: str) -> str:
    return f"SELECT mission_id FROM exchanges_mission_{relation} WHERE region_id IN ({regions})"


def in_country(country: str) -> str:
    return f"SELECT id FROM exchanges_region WHERE country = '{country}'"


def mission_between(first: str, second: str) -> str:
    def one_way(origin: str, destination: str) -> str:
        return (
            f"SELECT mission_id FROM exchanges_mission_origin_regions WHERE region_id IN "
            f"({in_country(origin)}) INTERSECT SELECT mission_id FROM "
            f"exchanges_mission_destination_regions WHERE region_id IN ({in_country(destination)})"
        )

    # The copied countries answer for missions whose sides each lie in one country.
    several = (
        f"((m.origin_country = '*' OR m.destination_country = '*') AND m.id IN "
        f"({one_way(first, second)} UNION {one_way(second, first)}))"
    )
    return (
        f"((m.origin_country = '{first}' AND m.destination_country = '{second}') OR "
        f"(m.origin_country = '{second}' AND m.destination_country = '{first}') OR {several})"
    )


def mission_in(region_id: int) -> str:
    regions = subtree(region_id)
    return (
        f"m.id IN ({missions_linked('origin_regions', regions)} UNION "
        f"{missions_linked('destination_regions', regions)})"
    )


def mission_search(term: str, dialect: Dialect) -> str:
    regions = matching_ids("exchanges_region", term, dialect)
    return (
        f"m.id IN ({matching_ids('exchanges_mission', term, dialect)} "
        f"UNION {missions_linked('origin_regions', regions)} "
        f"UNION {missions_linked('destination_regions', regions)})"
    )


SOURCE_COLUMNS = (
    "s.id, s.title, s.title_en, s.authors, s.publisher, s.published, s.kind, s.language, "
    "(SELECT count(*) FROM exchanges_citation c WHERE c.source_id = s.id) AS citations"
)


def citations_of(model: str, record: int) -> str:
    return (
        "(SELECT count(*) FROM exchanges_citation c JOIN django_content_type ct ON "
        f"ct.id = c.content_type_id WHERE ct.app_label = 'exchanges' AND ct.model = '{model}' "
        f"AND c.object_id = {record})"
    )


def region_detail(region_id: int) -> str:
    """The region, its first ties and how many it has."""
    involving = f"t.region_a_id = {region_id} OR t.region_b_id = {region_id}"
    return (
        f"SELECT r.*, t.id, t.tie_type, t.established, t.status, a.slug, a.name_en, b.slug, "
        f"b.name_en, (SELECT count(*) FROM exchanges_sistertie t WHERE {involving}) AS ties "
        f"FROM exchanges_region r JOIN ({TIE_TABLES}) ON ({involving}) WHERE r.id = {region_id} "
        f"ORDER BY t.established NULLS LAST, t.id LIMIT 20"
    )


def source_detail(source_id: int) -> str:
    """The source, how many records of each kind cite it, and its first citations."""
    return (
        "SELECT s.id, s.title, ct.model, count(DISTINCT c.object_id) FROM exchanges_source s "
        "JOIN exchanges_citation c ON c.source_id = s.id JOIN django_content_type ct ON "
        f"ct.id = c.content_type_id WHERE s.id = {source_id} GROUP BY s.id, s.title, ct.model"
    )


def search_floor(term: str, dialect: Dialect) -> str:
    """The first ten matches of each record type and their counts, in one query."""
    parts = []
    for kind, table, alias, ids in (
        ("region", "exchanges_region", "r", matching_ids("exchanges_region", term, dialect)),
        ("tie", "exchanges_sistertie", "t", tie_search(term, dialect)[len("t.id IN (") : -1]),
        ("firm", "exchanges_firm", "f", matching_ids("exchanges_firm", term, dialect)),
        (
            "office",
            "exchanges_overseasoffice",
            "o",
            matching_ids("exchanges_overseasoffice", term, dialect),
        ),
        ("mission", "exchanges_mission", "m", mission_search(term, dialect)[len("m.id IN (") : -1]),
        ("source", "exchanges_source", "s", matching_ids("exchanges_source", term, dialect)),
    ):
        parts.append(
            f"SELECT * FROM (SELECT '{kind}' AS kind, {alias}.id, {alias}.search_text, "
            f"(SELECT count(*) FROM ({ids}) n) AS total FROM {table} {alias} "
            f"WHERE {alias}.id IN ({ids}) ORDER BY {alias}.id LIMIT 10) AS {kind}_matches"
        )
    return " UNION ALL ".join(parts)


def home_floor() -> str:
    """The counts the home page shows and its five latest ties."""
    tables = ["region", "sistertie", "firm", "overseasoffice", "mission", "source"]
    counts = [f"(SELECT count(*) FROM exchanges_{table})" for table in tables]
    pairs = [
        f"(SELECT count(*) FROM exchanges_sistertie t WHERE {tie_pair(*pair)})"
        for pair in (("JP", "KR"), ("JP", "CN"), ("CN", "KR"))
    ]
    return f"SELECT {', '.join(counts + pairs)}, t.* FROM ({export_floor()} LIMIT 5) t"


def stats_floor(dialect: Dialect, pair: tuple[str, str] | None = None) -> str:
    """The seven statistics as one query: each a GROUP BY, stacked with UNION ALL."""
    ties = f" WHERE {tie_pair(*pair)}" if pair else ""
    offices = f" WHERE {office_pair(*pair)}" if pair else ""
    missions = f" WHERE {mission_between(*pair)}" if pair else ""
    ends = (
        f"SELECT region_a_id AS region, count(*) AS n FROM exchanges_sistertie t{ties} "
        f"GROUP BY 1 UNION ALL SELECT region_b_id, count(*) FROM exchanges_sistertie t{ties} "
        "GROUP BY 1"
    )
    top = (
        f"SELECT ends.region, sum(ends.n) AS n FROM ({ends}) ends GROUP BY ends.region "
        "ORDER BY n DESC LIMIT 10"
    )
    return " UNION ALL ".join(
        [
            f"SELECT 'ties-per-year', CAST({dialect.year('t.established')} AS text), "
            f"t.country_a || t.country_b, count(*) FROM exchanges_sistertie t{ties} "
            "GROUP BY 2, 3",
            f"SELECT 'ties-per-decade', CAST({dialect.year('t.established')} AS text), "
            f"t.country_a || t.country_b, count(*) FROM exchanges_sistertie t{ties} "
            "GROUP BY 2, 3",
            "SELECT 'ties-per-area', CAST(l.exchangearea_id AS text), "
            "t.country_a || t.country_b, count(*) FROM exchanges_sistertie_exchange_areas l "
            f"JOIN exchanges_sistertie t ON t.id = l.sistertie_id{ties} GROUP BY 2, 3",
            "SELECT 'ties-by-type', t.tie_type, t.status, count(*) FROM exchanges_sistertie t"
            f"{ties} GROUP BY 2, 3",
            "SELECT 'top-regions', r.slug, r.name_en, top.n FROM "
            f"({top}) top JOIN exchanges_region r ON r.id = top.region",
            f"SELECT 'offices', h.country, o.status, count(*) FROM {OFFICE_TABLES}{offices} "
            "GROUP BY 2, 3",
            f"SELECT 'missions-per-year', CAST({dialect.year('m.start')} AS text), m.kind, "
            f"count(*) FROM exchanges_mission m{missions} GROUP BY 2, 3",
        ]
    )


def top_region(alias: str) -> str:
    """The first-level region a region lies in, as the map and network gather ties."""
    return f"COALESCE({alias}3.parent_id, {alias}2.parent_id, {alias}1.parent_id, {alias}.id)"


def with_ancestors(alias: str, column: str) -> str:
    return (
        f"JOIN exchanges_region {alias} ON {alias}.id = {column} "
        f"LEFT JOIN exchanges_region {alias}1 ON {alias}1.id = {alias}.parent_id "
        f"LEFT JOIN exchanges_region {alias}2 ON {alias}2.id = {alias}1.parent_id "
        f"LEFT JOIN exchanges_region {alias}3 ON {alias}3.id = {alias}2.parent_id"
    )


def between_top_regions(where: str = "") -> str:
    """Ties counted by the pair of first-level regions they join, as the map and network
    draw many ties."""
    where_sql = f" WHERE {where}" if where else ""
    return (
        f"SELECT {top_region('a')} AS top_a, {top_region('b')} AS top_b, count(*) AS ties "
        f"FROM exchanges_sistertie t {with_ancestors('a', 't.region_a_id')} "
        f"{with_ancestors('b', 't.region_b_id')}{where_sql} GROUP BY 1, 2"
    )


def map_floor(where: str = "") -> str:
    """The links between first-level regions, with their positions, and the offices gathered
    on their hosts' first-level regions."""
    offices = (
        f"SELECT {top_region('h')} AS top, count(*) AS offices FROM exchanges_overseasoffice o "
        f"{with_ancestors('h', 'o.host_region_id')} GROUP BY 1"
    )
    return (
        f"SELECT 'link', p.top_a, p.top_b, p.ties, ra.latitude, ra.longitude, rb.latitude, "
        f"rb.longitude FROM ({between_top_regions(where)}) p "
        "JOIN exchanges_region ra ON ra.id = p.top_a JOIN exchanges_region rb ON rb.id = p.top_b "
        "UNION ALL SELECT 'office', g.top, NULL, g.offices, r.latitude, r.longitude, NULL, NULL "
        f"FROM ({offices}) g JOIN exchanges_region r ON r.id = g.top"
    )


def network_floor(where: str = "") -> str:
    """The links between first-level regions with the regions' names."""
    return (
        f"SELECT p.top_a, ra.name_en, p.top_b, rb.name_en, p.ties FROM "
        f"({between_top_regions(where)}) p JOIN exchanges_region ra ON ra.id = p.top_a "
        "JOIN exchanges_region rb ON rb.id = p.top_b"
    )


def export_floor(where: str = "") -> str:
    where_sql = f" WHERE {where}" if where else ""
    return f"SELECT {TIE_COLUMNS} FROM {TIE_TABLES}{where_sql} ORDER BY {TIE_ORDER}"


def build(params: Parameters, dialect: Dialect) -> list[Case]:
    p = params
    jp_kr = tie_pair("JP", "KR")
    in_province = tie_in(p.province_id)
    deep_page = min(1000, p.tie_pages)
    deep_offset = (deep_page - 1) * PAGE_ROWS
    since = f"t.established >= '{p.export_year}-01-01'"
    decade = "t.established >= '2000-01-01' AND t.established < '2011-01-01'"
    missions_since = "m.start >= '2000-01-01'"
    mission_cols = mission_columns(dialect)
    firms_in_province = f"f.region_id IN ({subtree(p.province_id)})"

    def regions_page(where: str = "") -> str:
        return page(
            REGION_COLUMNS, REGION_TABLES, where, REGION_ORDER, keys_from="exchanges_region r"
        )

    def firms_page(where: str = "") -> str:
        return page(FIRM_COLUMNS, FIRM_TABLES, where, FIRM_ORDER, keys_from="exchanges_firm f")

    def offices_page(where: str = "", keys_from: str = "exchanges_overseasoffice o") -> str:
        return page(OFFICE_COLUMNS, OFFICE_TABLES, where, OFFICE_ORDER, keys_from=keys_from)

    def missions_page(where: str = "") -> str:
        return page(mission_cols, "exchanges_mission m", where, MISSION_ORDER)

    cases = [
        Case("home", "/", home_floor(), Target(p95_ms=150), datasette=False),
        # Lists, each with one filter at a time.
        Case("ties", "/ties/", tie_page(), LIST),
        Case("ties pair", "/ties/?pair=JP-KR", tie_page(jp_kr), LIST),
        Case("ties region", f"/ties/?region={p.province}", tie_page(in_province), LIST),
        Case(
            "ties years", "/ties/?established_from=2000&established_to=2010", tie_page(decade), LIST
        ),
        Case("ties status", "/ties/?status=dormant", tie_page("t.status = 'dormant'"), LIST),
        Case(
            "ties region by name",
            f"/ties/?region={quote(p.province_name)}",
            tie_page(in_province),
            LIST,
        ),
        Case(
            "ties area",
            f"/ties/?area={p.area}",
            tie_page(
                "t.id IN (SELECT sistertie_id FROM exchanges_sistertie_exchange_areas "
                f"WHERE exchangearea_id = {p.area_id})"
            ),
            LIST,
        ),
        Case(
            "ties decade",
            "/ties/?decade=2000",
            tie_page("t.established >= '2000-01-01' AND t.established < '2010-01-01'"),
            LIST,
        ),
        Case(
            "ties sorted",
            "/ties/?sort=region_a",
            tie_page(order="a.name_en, t.id", keys_from=TIE_TABLES, key="t"),
            LIST,
        ),
        Case(
            f"ties page {deep_page}",
            f"/ties/?page={deep_page}",
            tie_page(offset=deep_offset),
            Target(p95_ms=150, relative_to="ties"),
        ),
        Case("regions", "/regions/", regions_page(), LIST),
        Case(
            "regions parent",
            f"/regions/?parent={p.province}",
            regions_page(f"r.parent_id = {p.province_id}"),
            LIST,
        ),
        Case("firms", "/firms/", firms_page(), LIST),
        Case("firms region", f"/firms/?region={p.province}", firms_page(firms_in_province), LIST),
        Case(
            "firms founded",
            "/firms/?founded_from=1990&founded_to=1999",
            firms_page("f.founded_year BETWEEN 1990 AND 1999"),
            LIST,
        ),
        Case("offices", "/offices/", offices_page(), LIST),
        Case(
            "offices pair",
            "/offices/?pair=JP-KR",
            page(
                OFFICE_COLUMNS,
                OFFICE_TABLES,
                office_pair("JP", "KR"),
                OFFICE_ORDER,
                keys_from=OFFICE_TABLES,
                key="o",
            ),
            LIST,
        ),
        Case("missions", "/missions/", missions_page(), LIST),
        Case(
            "missions since 2000", "/missions/?year_from=2000", missions_page(missions_since), LIST
        ),
        Case(
            "missions pair",
            "/missions/?pair=JP-CN",
            missions_page(mission_between("JP", "CN")),
            LIST,
        ),
        Case(
            "missions region",
            f"/missions/?region={p.province}",
            missions_page(mission_in(p.province_id)),
            LIST,
        ),
        Case("people", "/people/", page(PERSON_COLUMNS, PERSON_TABLES, "", PERSON_ORDER), LIST),
        Case(
            "participations",
            "/participations/",
            page(PARTICIPATION_COLUMNS, PARTICIPATION_TABLES, "", PARTICIPATION_ORDER),
            LIST,
        ),
        Case(
            "participations role",
            "/participations/?role=keynote",
            page(PARTICIPATION_COLUMNS, PARTICIPATION_TABLES, "pa.role = 'keynote'", "pa.id"),
            LIST,
        ),
        Case(
            "sources",
            "/sources/",
            page(SOURCE_COLUMNS, "exchanges_source s", "", "s.file_name, s.id"),
            LIST,
        ),
        # The API's lists take the same filters.
        Case("api ties", "/api/v1/ties/", tie_page(), LIST),
        Case("api ties pair", "/api/v1/ties/?pair=JP-KR", tie_page(jp_kr), LIST),
        Case(
            "api ties ordering",
            "/api/v1/ties/?ordering=-established",
            tie_page(order="t.established DESC NULLS LAST, t.id"),
            LIST,
        ),
        Case(
            f"api ties page {deep_page}",
            f"/api/v1/ties/?page={deep_page}",
            tie_page(offset=deep_offset),
            Target(p95_ms=150, relative_to="api ties"),
        ),
        Case("api regions", "/api/v1/regions/?country=KR", regions_page("r.country = 'KR'"), LIST),
        Case(
            "api firms region",
            f"/api/v1/firms/?region={p.province}",
            firms_page(firms_in_province),
            LIST,
        ),
        Case(
            "api missions since 2000",
            "/api/v1/missions/?year_from=2000",
            missions_page(missions_since),
            LIST,
        ),
        Case("api offices", "/api/v1/offices/", offices_page(), LIST),
        Case(
            "figures",
            "/indicators/",
            page(INDICATOR_COLUMNS, INDICATOR_TABLES, "", INDICATOR_ORDER),
            LIST,
        ),
        Case(
            "figures region",
            f"/indicators/?region={p.province}",
            page(
                INDICATOR_COLUMNS,
                INDICATOR_TABLES,
                "i.id IN ("
                + either(
                    "exchanges_indicator",
                    f"region_id IN ({subtree(p.province_id)})",
                    f"partner_region_id IN ({subtree(p.province_id)})",
                    f"operator_region_id IN ({subtree(p.province_id)})",
                )
                + ")",
                INDICATOR_ORDER,
            ),
            LIST,
        ),
        Case(
            "api figures since 2000",
            "/api/v1/indicators/?period_from=2000",
            page(
                INDICATOR_COLUMNS,
                INDICATOR_TABLES,
                "(i.period_end >= 2000 OR (i.period_end IS NULL AND i.period_start >= 2000))",
                INDICATOR_ORDER,
            ),
            LIST,
        ),
        Case(
            "api participations mission",
            f"/api/v1/participations/?mission={p.mission}",
            page(
                PARTICIPATION_COLUMNS,
                PARTICIPATION_TABLES,
                f"pa.mission_id = {p.mission}",
                PARTICIPATION_ORDER,
            ),
            LIST,
        ),
    ]
    # Search in every script, on lists and on /search/.
    for script, term in SEARCH_TERMS.items():
        url = f"/ties/?q={quote(term)}"
        cases.append(Case(f"ties q {script}", url, tie_page(tie_search(term, dialect)), SEARCH))
    cases += [
        Case(
            "api ties q kanji",
            f"/api/v1/ties/?q={quote(SEARCH_TERMS['kanji'])}",
            tie_page(tie_search(SEARCH_TERMS["kanji"], dialect)),
            SEARCH,
        ),
        Case(
            "regions q hangul",
            f"/regions/?q={quote(SEARCH_TERMS['hangul'])}",
            regions_page(matches("r", "exchanges_region", SEARCH_TERMS["hangul"], dialect)),
            SEARCH,
        ),
        Case(
            "firms q latin",
            f"/firms/?q={SEARCH_TERMS['latin']}",
            firms_page(matches("f", "exchanges_firm", SEARCH_TERMS["latin"], dialect)),
            SEARCH,
        ),
        Case(
            "people q latin",
            "/people/?q=kim",
            page(
                PERSON_COLUMNS,
                PERSON_TABLES,
                matches("p", "exchanges_person", "kim", dialect),
                PERSON_ORDER,
            ),
            SEARCH,
        ),
        Case(
            "missions q hanzi",
            f"/missions/?q={quote(SEARCH_TERMS['hanzi'])}",
            missions_page(mission_search(SEARCH_TERMS["hanzi"], dialect)),
            SEARCH,
        ),
    ]
    # Suggestions while typing the first two letters of the province's name: it and the regions
    # below it (whose search text holds their parents' names) match.
    typed = p.province_name[:2]
    cases.append(
        Case(
            "region suggestions",
            f"/regions/suggest/?q={quote(typed)}",
            "SELECT r.id, r.slug, r.name_en, r.name_ja, r.name_zh, r.name_ko "
            "FROM exchanges_region r WHERE "
            + matches("r", "exchanges_region", typed, dialect)
            + " ORDER BY r.id LIMIT 10",
            SEARCH,
        )
    )
    for script in ("kanji", "hangul", "latin"):
        term = SEARCH_TERMS[script]
        url = f"/search/?q={quote(term)}"
        cases.append(Case(f"search {script}", url, search_floor(term, dialect), SEARCH))
    # Detail pages.
    cases += [
        Case(
            f"region with {p.hub_ties:,} ties",
            f"/regions/{p.hub}/",
            region_detail(p.hub_id),
            DETAIL,
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
        Case("source", f"/sources/{p.source}/", source_detail(p.source), DETAIL),
        # Pages that picture the whole directory.
        Case("stats", "/stats/", stats_floor(dialect), STATS, datasette=False),
        Case(
            "stats pair",
            "/stats/?pair=JP-KR",
            stats_floor(dialect, ("JP", "KR")),
            STATS,
            datasette=False,
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
