"""python manage.py load_gazetteer [--country JP]: the official lists of local governments."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from exchanges.gazetteer.loading import COUNTRIES, GAZETTEER_DIRECTORY, load_gazetteer


class Command(BaseCommand):
    help = (
        "Load the gazetteer (fixtures/gazetteer/) of Japan's, China's and Korea's local "
        "governments. A region already in the directory is matched by its code or name and "
        "only filled in; a mismatch is listed, not overwritten. Loading again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--country",
            action="append",
            choices=COUNTRIES,
            help="Load only this country's regions (repeatable); all three by default.",
        )
        parser.add_argument("--directory", default=str(GAZETTEER_DIRECTORY))
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, country, directory, database, verbosity, **options):
        try:
            report = load_gazetteer(country or COUNTRIES, Path(directory), using=database)
        except OSError as error:
            raise CommandError(f"Cannot read {error.filename}: {error.strerror}") from error
        except (ValueError, KeyError, DatabaseError) as error:
            raise CommandError(f"The gazetteer was not loaded: {error}") from error
        if verbosity == 0:
            return
        for code, counts in report.counts.items():
            self.stdout.write(
                self.style.SUCCESS(
                    f"{code}: {counts.rows} rows; {counts.created} regions created, "
                    f"{counts.matched} regions of the reports or staff matched, "
                    f"{counts.corrected} corrected to this edition, {counts.deleted} left out "
                    "because staff deleted them"
                )
            )
        for line in report.mismatches:
            self.stdout.write(f"Mismatch, kept as it is: {line}")
        if report.unmatched and verbosity > 1:
            self.stdout.write("Regions no row matched: " + "; ".join(report.unmatched))
        elif report.unmatched:
            self.stdout.write(
                f"{len(report.unmatched)} regions of these countries match no row "
                "(--verbosity 2 lists them)."
            )
