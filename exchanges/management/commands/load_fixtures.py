"""python manage.py load_fixtures fixtures/*.json: adds the fixtures' new records only."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError
from django.utils.translation import gettext as _

from exchanges.fixture_loads import load_fixtures


class Command(BaseCommand):
    help = (
        "Load the records of JSON fixture files that the database has never held. A record "
        "whose id is in use is kept as staff left it; a record staff deleted stays deleted; a "
        "record only the fixtures ever wrote takes the fixture's corrections. Each record "
        "loaded or corrected gets a history row by the user 'fixtures' naming its file."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="JSON fixture files.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, paths, database, **options):
        try:
            counts = load_fixtures(paths, using=database)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s")
                % {
                    "file": error.filename,
                    "error": error.strerror,
                }
            ) from error
        except (DeserializationError, DatabaseError, ImproperlyConfigured) as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] == 0:
            return
        names = sorted({*counts.loaded, *counts.kept, *counts.deleted})
        for name in names if options["verbosity"] > 1 else ():
            self.stdout.write(
                self.line(
                    name,
                    counts.loaded[name],
                    counts.corrected[name],
                    counts.kept[name],
                    counts.deleted[name],
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                self.line(
                    _("%(files)d fixture files") % {"files": len(paths)},
                    counts.loaded.total(),
                    counts.corrected.total(),
                    counts.kept.total(),
                    counts.deleted.total(),
                )
            )
        )

    @staticmethod
    def line(name: str, loaded: int, corrected: int, kept: int, deleted: int) -> str:
        return _(
            "%(name)s: %(loaded)d records loaded, %(corrected)d corrected (never edited by "
            "staff), %(kept)d already present and kept as they are, %(deleted)d skipped "
            "because staff deleted them"
        ) % {
            "name": name,
            "loaded": loaded,
            "corrected": corrected,
            "kept": kept,
            "deleted": deleted,
        }
