"""python manage.py restore <file>: the database as the backup holds it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from exchanges import backups


class Command(BaseCommand):
    help = (
        "Replace the content of the database with a backup made by the backup command: every "
        "table, change history included. Asks first unless --no-input is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A .dump (PostgreSQL) or .sqlite3 backup.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, file, database, interactive, **options):
        if interactive:
            name = connections[database].settings_dict["NAME"]
            answer = input(
                _(
                    "Every row of the database %(database)s will be replaced by the backup "
                    "%(file)s. Type 'yes' to continue: "
                )
                % {"database": name, "file": file}
            )
            if answer != "yes":
                raise CommandError(_("Restore cancelled."))
        try:
            backups.restore(file, database)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(_("Restored from %(file)s") % {"file": file}))
