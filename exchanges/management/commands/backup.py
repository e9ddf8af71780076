"""python manage.py backup: the whole database into backups/<timestamp>.(dump|sqlite3)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from exchanges import backups


class Command(BaseCommand):
    help = (
        "Back up the whole database, change history included: PostgreSQL with pg_dump "
        "(custom format), SQLite by copying its file safely. Prints the backup's path."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the backup (default: BACKUP_DIR/<UTC time>.dump or .sqlite3).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output, database, **options):
        try:
            path = backups.backup(database, output)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(_("Backed up to %(file)s") % {"file": path}))
