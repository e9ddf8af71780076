"""python manage.py write_data_package OUTPUT: the directory as a Frictionless Data package.

The same files as ``/data/regiontrade.zip``: ``datapackage.json`` at the top and one CSV file
per table in ``data/``. OUTPUT ending in ``.zip`` is written as one zip, anything else as a
directory holding that layout.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from exchanges import datapackage


class Command(BaseCommand):
    help = (
        "Write every table of the directory as CSV with a datapackage.json (Frictionless Data): "
        "OUTPUT.zip as one zip, otherwise a directory. Prints each table's rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="A .zip file, or a directory.")

    def handle(self, *args, output: Path, **options):
        package = datapackage.Package.current()
        created = datapackage.now()
        written: dict[str, int] = {}
        try:
            if output.suffix.lower() == ".zip":
                write_zip(package, created, output, written)
            else:
                write_directory(package, created, output, written)
        except OSError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            for resource in package.resources:
                self.stdout.write(
                    _("%(file)s: %(rows)d rows")
                    % {"file": resource.file_name, "rows": written[resource.name]}
                )
            self.stdout.write(
                self.style.SUCCESS(
                    _("Wrote %(output)s: %(tables)d tables, %(rows)d rows, version %(version)s")
                    % {
                        "output": output,
                        "tables": len(written),
                        "rows": sum(written.values()),
                        "version": package.version,
                    }
                )
            )


def write_zip(package, created, output: Path, written: dict) -> None:
    """Written beside the target and moved over it at the end, so that a reader never finds
    half a zip."""
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("wb") as file:
            for chunk in datapackage.zip_chunks(package, created, written=written):
                file.write(chunk)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def write_directory(package, created, output: Path, written: dict) -> None:
    data = output / datapackage.DATA_FOLDER
    data.mkdir(parents=True, exist_ok=True)
    with datapackage.one_snapshot():
        descriptor = package.descriptor_bytes(datapackage.DATA_FOLDER, created=created)
        (output / datapackage.DESCRIPTOR_NAME).write_bytes(descriptor)
        for resource in package.resources:
            with (data / resource.file_name).open("wb") as file:
                for chunk in resource.csv_chunks(written):
                    file.write(chunk)
