"""python manage.py bench: the directory at scale, timed request by request (``make bench``)."""

import datetime
import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchanges.benchmark import runner


class Command(BaseCommand):
    help = (
        "Create benchmark databases on PostgreSQL and SQLite, fill them with populate_synthetic, "
        "serve the site with gunicorn and time a fixed list of requests against their raw floor "
        "(and against Datasette on SQLite). Prints a table and writes JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=20.0)
        parser.add_argument(
            "--engines", default=",".join(runner.ENGINES), help="postgresql,sqlite (default)"
        )
        parser.add_argument("--repeat", type=int, default=30, help="Timed requests per case.")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep a benchmark database that already exists instead of populating anew.",
        )
        parser.add_argument("--only", default="", help="Only the cases whose name contains this.")
        parser.add_argument(
            "--output", default=str(runner.WORK_DIR / "report.json"), help="Where the JSON goes."
        )
        # Internal: the child process that measures one engine.
        parser.add_argument("--measure", choices=runner.ENGINES, help="(internal)")

    def handle(self, *args, **options):
        if options["measure"]:
            return self.measure(options)
        engines = [engine.strip() for engine in options["engines"].split(",") if engine.strip()]
        unknown = set(engines) - set(runner.ENGINES)
        if unknown:
            raise CommandError(f"Unknown engines: {', '.join(sorted(unknown))}.")
        runner.WORK_DIR.mkdir(exist_ok=True)
        started = time.monotonic()
        report = {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "commit": runner.git_commit(),
            "scale": options["scale"],
            "machine": runner.machine(),
            "engines": {},
        }
        env = runner.server_environment(engines[0])
        runner.manage("collectstatic", "--noinput", "-v0", env=env)
        for engine in engines:
            info = runner.prepare(engine, options["scale"], options["reuse"], self.log)
            result_file = runner.WORK_DIR / f"result-{engine}.json"
            runner.manage(
                "bench",
                "--measure",
                engine,
                "--repeat",
                str(options["repeat"]),
                "--only",
                options["only"],
                "--output",
                str(result_file),
                env=runner.server_environment(engine),
            )
            report["engines"][engine] = {**info, **json.loads(result_file.read_text())}
        report["seconds"] = round(time.monotonic() - started)
        output = Path(options["output"])
        output.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
        markdown = runner.table(report)
        output.with_suffix(".md").write_text(markdown + "\n", encoding="utf-8")
        self.stdout.write(markdown)
        self.stdout.write(f"\nWritten to {output} and {output.with_suffix('.md')}.")

    def measure(self, options):
        result = runner.measure(options["measure"], options["repeat"], options["only"], self.log)
        Path(options["output"]).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")

    def log(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
