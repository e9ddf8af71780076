"""Loading the gazetteer (``fixtures/gazetteer/``) into a directory that staff already keep.

Each row of ``<country>.csv`` is one local government with its national code. A row becomes a
region once:

- a region that already bears the row's national code or ISO 3166-2 code is that row's region;
- a region without codes (one the reports named, or staff added) is matched by name: the same
  name in one script, and, where the region has a parent, a row within that parent's row. Its
  slug, names and citations stay; the codes and the facts it lacks (parent, position, Wikidata
  id, a missing name) are filled in; a fact that differs (level, parent, name) is listed as a
  mismatch and left as it is;
- any other row becomes a new region of origin ``gazetteer``, citing the datasets that give it,
  with a history row by the inactive ``gazetteer`` user.

A region only the gazetteer ever wrote takes a later edition's changes; one staff edited keeps
their edit; one staff deleted stays deleted. Loading twice changes nothing.
"""

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ..fixture_loads import REASON_LENGTH, ids_written_by_fixtures_only, loader_user, write_history
from ..models import Citation, Region, RegionOrigin, Source
from ..models.regions import ANCESTORS, CoordinatesBasis
from ..models.sources import SourceKind
from ..partial_dates import parse_partial_date

GAZETTEER_DIRECTORY = Path(settings.BASE_DIR) / "fixtures" / "gazetteer"
DATASETS_FILE = "datasets.json"
COUNTRIES = ("JP", "CN", "KR")
GAZETTEER_USERNAME = "gazetteer"

# The script each country writes its own names in: a difference there is a mismatch.
NATIVE_NAME = {"JP": "name_ja", "CN": "name_zh", "KR": "name_ko"}
NAME_FIELDS = Region.NAME_FIELDS


@dataclass
class CountryCounts:
    rows: int = 0
    created: int = 0
    matched: int = 0  # regions the row found by code or name, filled in where they lacked facts
    corrected: int = 0  # gazetteer regions brought up to a later edition
    deleted: int = 0  # rows whose region staff deleted: left out


@dataclass
class GazetteerReport:
    counts: dict[str, CountryCounts] = field(default_factory=dict)
    # "Kyoto [kyoto]: level other, the gazetteer's 26000 says prefecture"
    mismatches: list[str] = field(default_factory=list)
    # Regions of the three countries that match no row: a report's region the lists lack.
    unmatched: list[str] = field(default_factory=list)


def gazetteer_user(using: str = "default"):
    return loader_user(GAZETTEER_USERNAME, "Gazetteer", "(fixtures/gazetteer/)", using)


def read_datasets(directory: Path) -> dict[str, dict]:
    with (directory / DATASETS_FILE).open(encoding="utf-8") as file:
        return {dataset["key"]: dataset for dataset in json.load(file)}


def read_rows(directory: Path, country: str) -> list[dict]:
    with (directory / f"{country}.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    depth: dict[str, int] = {}
    parents = {row["code"]: row["parent_code"] for row in rows}

    def depth_of(code: str) -> int:
        if code not in depth:
            parent = parents.get(code, "")
            depth[code] = 0 if not parent else depth_of(parent) + 1
        return depth[code]

    # Parents before their children, so that each new region's parent already exists.
    for row in rows:
        row["depth"] = depth_of(row["code"])
    return sorted(rows, key=lambda row: (row["depth"], row["code"]))


def source_fields(dataset: dict) -> dict:
    published = parse_partial_date(dataset["published"])
    notes = [
        f"Version: {dataset['version']}.",
        f"Package: {dataset['package']}.",
        f"The gazetteer takes from it: {dataset['supplies']}." if dataset.get("supplies") else "",
        dataset.get("attribution", ""),
        dataset.get("notes", ""),
    ]
    return {
        "title": dataset["title"],
        "title_en": "",
        "kind": SourceKind.DATASET,
        "publisher": dataset["publisher"][:300],
        "published": published.date,
        "published_precision": published.precision,
        "language": dataset.get("language", "en"),
        "extent": f"version {dataset['version']}"[:100],
        "url": dataset["url"],
        "licence": dataset["licence"],
        "notes": "\n".join(note for note in notes if note),
    }


def dataset_file_name(key: str) -> str:
    return f"gazetteer/{key}"


def ensure_sources(datasets: dict[str, dict], user, using: str) -> dict[str, Source]:
    """The Source of each dataset, created on the first load and kept in step with the
    dataset's edition unless staff edited it."""
    sources = {
        source.file_name: source
        for source in Source.objects.using(using).filter(
            file_name__in=[dataset_file_name(key) for key in datasets]
        )
    }
    ours = ids_written_by_fixtures_only(
        Source, [source.pk for source in sources.values()], user, using
    )
    by_key = {}
    for key, dataset in datasets.items():
        values = source_fields(dataset)
        source = sources.get(dataset_file_name(key))
        if source is None:
            source = Source(file_name=dataset_file_name(key), **values)
        elif source.pk in ours and any(getattr(source, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(source, name, value)
        else:
            by_key[key] = source
            continue
        source._history_user = user
        source._change_reason = f"Gazetteer dataset {key}"[:REASON_LENGTH]
        source.save(using=using)
        by_key[key] = source
    return by_key


def row_values(row: dict, country: str) -> dict:
    """The region fields a gazetteer row gives (parent aside)."""
    values = {name: row[name] for name in NAME_FIELDS}
    values.update(
        country=country,
        level=row["level"],
        iso_3166_2=row["iso_3166_2"],
        national_code=row["code"],
        wikidata_id=row["wikidata_id"],
        latitude=Decimal(row["latitude"]) if row["latitude"] else None,
        longitude=Decimal(row["longitude"]) if row["longitude"] else None,
        coordinates_basis=CoordinatesBasis.SOURCE if row["latitude"] else "",
    )
    return values


def names_of(region: Region) -> set[tuple[str, str]]:
    """(script, name) pairs a region answers to: its names and its other names."""
    names = {(name, getattr(region, name)) for name in NAME_FIELDS if getattr(region, name)}
    names = {
        (script, value.casefold() if script == "name_en" else value) for script, value in names
    }
    for other in filter(None, (part.strip() for part in region.other_names.split(";"))):
        names.update((script, other) for script in ("name_ja", "name_zh", "name_ko"))
    return names


class CountryLoad:
    """One country's rows, matched with the regions the database holds, then written."""

    def __init__(self, country, rows, sources, user, using, report):
        self.country, self.rows, self.sources = country, rows, sources
        self.user, self.using, self.report = user, using, report
        self.counts = report.counts.setdefault(country, CountryCounts(rows=len(rows)))
        self.region_of: dict[str, Region] = {}  # code → region
        self.row_of = {row["code"]: row for row in rows}
        # The facts whose difference is listed: codes, level and the name in the native script.
        self.compared = ("level", "national_code", "iso_3166_2", NATIVE_NAME[country])

    def label(self, region: Region) -> str:
        return f"{region.name_en} [{region.slug}]"

    def match(self) -> None:
        """Finds each row's region: by code, else by name."""
        regions = list(
            Region.objects.using(self.using)
            .filter(country=self.country)
            .select_related(ANCESTORS)
            .order_by("pk")
        )
        by_code = {region.national_code: region for region in regions if region.national_code}
        by_iso = {region.iso_3166_2: region for region in regions if region.iso_3166_2}
        for row in self.rows:
            region = by_code.get(row["code"]) or by_iso.get(row["iso_3166_2"] or None)
            if region is not None:
                self.region_of[row["code"]] = region
        taken = {region.pk for region in self.region_of.values()}
        rows_by_name = defaultdict(list)
        for row in self.rows:
            if row["code"] not in self.region_of:
                for script in NAME_FIELDS:
                    if row[script]:
                        name = row[script].casefold() if script == "name_en" else row[script]
                        rows_by_name[(script, name)].append(row)
        uncoded = [r for r in regions if not r.national_code and r.pk not in taken]
        # Parents first: a district is matched within the row its parent matched.
        for region in sorted(uncoded, key=lambda r: (len(r.ancestors()), r.pk)):
            candidates = {
                row["code"]: row for key in names_of(region) for row in rows_by_name.get(key, ())
            }
            candidates = {
                code: row
                for code, row in candidates.items()
                if code not in self.region_of and self.within_parent(region, row)
            }
            # A name alone is not enough across levels: the reports' "Kyoto" (city or
            # prefecture, the source does not say) is no prefecture of the gazetteer.
            other_levels = sorted(
                c for c, row in candidates.items() if row["level"] != region.level
            )
            candidates = {c: row for c, row in candidates.items() if c not in other_levels}
            if len(candidates) == 1:
                (code,) = candidates
                self.region_of[code] = region
            elif candidates:
                codes = ", ".join(sorted(candidates))
                self.report.mismatches.append(
                    f"{self.label(region)}: its names fit several rows ({codes}); not matched"
                )
            elif other_levels:
                self.report.mismatches.append(
                    f"{self.label(region)}: level {region.level!r}; rows of its name at another "
                    f"level ({', '.join(other_levels)}) not matched"
                )
            else:
                self.report.unmatched.append(self.label(region))

    def within_parent(self, region: Region, row: dict) -> bool:
        """Whether ``row`` lies within the row that ``region``'s parent matched (any row when
        the region has no parent, or its parent matched none)."""
        if region.parent_id is None:
            return True
        parent_codes = [code for code, r in self.region_of.items() if r.pk == region.parent_id]
        if not parent_codes:
            return True
        code = row["parent_code"]
        while code:
            if code in parent_codes:
                return True
            code = self.row_of.get(code, {}).get("parent_code", "")
        return False

    def slug_for(self, row: dict, parent: Region | None, taken: set[str]) -> str:
        """The English name's slug (akita), a district's after its city's (sapporo-shi-chuo-ku),
        with the code where that is taken (fuchu-shi-34207), or country and code when the row
        has no English name (cn-222426)."""
        base = slugify(row["name_en"])[:60] or self.country.lower()
        if parent is not None and row["level"] == "district" and row["name_en"]:
            base = f"{parent.slug}-{base}"
        slug = base if base != self.country.lower() else f"{base}-{row['code']}"
        if slug in taken:
            slug = f"{base}-{row['code']}"
        if slug in taken:
            slug = f"{base}-{self.country.lower()}-{row['code']}"
        taken.add(slug)
        return slug

    def deleted_codes(self) -> set[str]:
        """Codes of regions staff deleted: their rows stay out."""
        history = Region.history.model._base_manager.using(self.using)
        gone = history.filter(
            country=self.country, history_type="-", national_code__in=list(self.row_of)
        ).values_list("national_code", flat=True)
        return set(gone) - set(self.region_of)

    def create(self, taken_slugs: set[str]) -> list[Region]:
        deleted = self.deleted_codes()
        self.counts.deleted = len(deleted)
        created: list[Region] = []
        depth_rows = defaultdict(list)
        for row in self.rows:
            if row["code"] not in self.region_of and row["code"] not in deleted:
                depth_rows[row["depth"]].append(row)
        for depth in sorted(depth_rows):
            batch = []
            for row in depth_rows[depth]:
                parent = self.region_of.get(row["parent_code"]) if row["parent_code"] else None
                region = Region(
                    slug=self.slug_for(row, parent, taken_slugs),
                    parent=parent,
                    origin=RegionOrigin.GAZETTEER,
                    **row_values(row, self.country),
                )
                batch.append(region)
                self.region_of[row["code"]] = region
            Region.objects.using(self.using).bulk_create(batch, batch_size=500)
            created.extend(batch)
        self.counts.created = len(created)
        return created

    def update_matched(self, created: set[int]) -> None:
        """Fills in what each matched region lacks, corrects the gazetteer's own regions, and
        lists the facts that differ."""
        mine = ids_written_by_fixtures_only(
            Region,
            [r.pk for r in self.region_of.values() if r.origin == RegionOrigin.GAZETTEER],
            self.user,
            self.using,
        )
        for code, region in self.region_of.items():
            if region.pk in created:
                continue
            row = self.row_of[code]
            values = row_values(row, self.country)
            parent = self.region_of.get(row["parent_code"]) if row["parent_code"] else None
            before = {name: getattr(region, name) for name in (*values, "parent_id")}
            if region.pk in mine:
                for name, value in values.items():
                    setattr(region, name, value)
                region.parent = parent
                reason = "Corrected from the gazetteer"
            else:
                self.fill_in(region, values, parent)
                reason = "Matched with the gazetteer"
            after = {name: getattr(region, name) for name in before}
            if after != before:
                region._history_user = self.user
                region._change_reason = f"{reason} ({self.country} {code})"[:REASON_LENGTH]
                region.save(using=self.using)
                if region.pk in mine:
                    self.counts.corrected += 1
            if region.origin != RegionOrigin.GAZETTEER:
                self.counts.matched += 1

    def fill_in(self, region: Region, values: dict, parent: Region | None) -> None:
        """Sets the codes and the facts ``region`` lacks; lists those that differ."""
        differences = []
        position = ("latitude", "longitude", "coordinates_basis")
        for name, value in values.items():
            current = getattr(region, name)
            if name in position or value in ("", None):
                continue
            if current in ("", None):
                setattr(region, name, value)
            elif name in self.compared and current != value:
                differences.append(f"{name} {current!r}, the gazetteer says {value!r}")
        # A position is a pair, with where it comes from: taken whole, or not at all.
        if region.latitude is None and values["latitude"] is not None:
            for name in position:
                setattr(region, name, values[name])
        if parent is not None:
            if region.parent_id is None:
                region.parent = parent
            elif region.parent_id != parent.pk:
                differences.append(
                    f"parent {region.parent.slug!r}, the gazetteer says {parent.slug!r}"
                )
        if differences:
            self.report.mismatches.append(
                f"{self.label(region)} ({self.country} {values['national_code']}): "
                + "; ".join(differences)
            )

    def cite(self, regions: list[Region]) -> list[Citation]:
        """A citation of each dataset that gives a region's row, where it has none yet."""
        region_type = ContentType.objects.db_manager(self.using).get_for_model(Region)
        code_of = {region.pk: code for code, region in self.region_of.items()}
        wanted = {
            (self.sources[key].pk, region.pk, code_of[region.pk])
            for region in regions
            for key in self.row_of[code_of[region.pk]]["sources"].split(";")
            if key
        }
        existing = set()
        pks = [region.pk for region in regions]
        for start in range(0, len(pks), 500):
            existing.update(
                Citation.objects.using(self.using)
                .filter(content_type=region_type, object_id__in=pks[start : start + 500])
                .values_list("source_id", "object_id", "locator")
            )
        citations = [
            Citation(source_id=source, content_type=region_type, object_id=pk, locator=locator)
            for source, pk, locator in sorted(wanted - existing)
        ]
        Citation.objects.using(self.using).bulk_create(citations, batch_size=500)
        return citations


def load_gazetteer(
    countries=COUNTRIES, directory: Path = GAZETTEER_DIRECTORY, using: str = "default"
) -> GazetteerReport:
    """Loads the gazetteer's rows of ``countries``; see the module's docstring."""
    report = GazetteerReport()
    datasets = read_datasets(directory)
    with transaction.atomic(using=using):
        user = gazetteer_user(using)
        taken_slugs = set(Region.objects.using(using).values_list("slug", flat=True))
        for country in countries:
            rows = read_rows(directory, country)
            keys = {key for row in rows for key in row["sources"].split(";") if key}
            unknown = keys - set(datasets)
            if unknown:
                raise ValueError(
                    f"{country}.csv cites datasets that {DATASETS_FILE} lacks: "
                    + ", ".join(sorted(unknown))
                )
            sources = ensure_sources({key: datasets[key] for key in keys}, user, using)
            load = CountryLoad(country, rows, sources, user, using, report)
            load.match()
            created = load.create(taken_slugs)
            load.update_matched({region.pk for region in created})
            citations = load.cite([*created, *load.region_of.values()])
            reason = f"Loaded from gazetteer {country}.csv"[:REASON_LENGTH]
            write_history([*created, *citations], user, reason, using, timezone.now())
    return report
