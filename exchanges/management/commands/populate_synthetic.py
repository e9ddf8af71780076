"""python manage.py populate_synthetic --scale 20: a directory twenty times the real one."""

import time

from django.core.management.base import BaseCommand, CommandError

from exchanges import synthetic


class Command(BaseCommand):
    help = (
        "Fill an empty database with a synthetic directory: about 2,500 regions, 10,000 ties, "
        "10,000 firms, 1,000 offices and 5,000 missions per unit of scale, each with a citation. "
        "The same scale and seed always give the same records. Refuses a database that already "
        "holds directory records."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Size in units of 2,500 regions (default 1)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Seed of the generator.")

    def handle(self, *args, scale: float, seed: int, **options):
        if scale <= 0:
            raise CommandError("--scale must be greater than 0.")
        started = time.monotonic()
        log = self.stdout.write if options["verbosity"] > 0 else (lambda message: None)
        try:
            counts = synthetic.populate(scale, seed, log=log)
        except synthetic.DatabaseNotEmpty as error:
            raise CommandError(str(error)) from error
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic directory at scale {scale:g}: {total:,} records "
                f"in {time.monotonic() - started:.0f} s."
            )
        )
