"""A digest of every public answer the site gives for the fixtures, to compare two versions.

A refactoring that should change nothing a user or a partner sees is checked by running this on
the commit before and the commit after and comparing the two files:

    export DATABASE_URL=sqlite:////tmp/before.sqlite3    # a new file each run
    .venv/bin/python tests/snapshot_responses.py before.json
    .venv/bin/python tests/snapshot_responses.py --compare before.json after.json

Each run migrates the (new, empty) database it is given, loads the fixtures and asks the Django
test client for every page in four languages, every record's page, every download format of
every list, the statistics, map and network, and the API's lists, records and downloads. An
answer is kept as its status, content type and a SHA-256 of its content, with what differs from
run to run taken out: the CSRF token, the time a package was made, an XLSX file's own dates
(its cells are compared instead of its bytes).
"""

import hashlib
import io
import json
import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("", "/ja", "/ko", "/zh-hans")
LISTS = ("regions", "ties", "firms", "offices", "missions", "sources")
API_LISTS = ("regions", "ties", "firms", "offices", "missions", "sources")
# What depends on when the fixtures were loaded or the answer made, not on the code.
VOLATILE = [
    (re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"'), b'name="csrfmiddlewaretoken"'),
    (re.compile(rb'"(created|time|cursor)": ?"[^"]+"'), rb'"\1": ""'),
    (re.compile(rb"cursor=[A-Za-z0-9_-]+"), b"cursor="),
    (re.compile(rb"\d{4}\.\d{2}\.\d{2}\.\d{6}"), b"(version)"),
    (re.compile(rb'<time datetime="[^"]+">[^<]*</time>'), b"<time>"),
    (re.compile(rb'"version": ?"[^"]+"'), b'"version": ""'),
    # The Cite box names the year and day of the data's last change and the day it was read.
    (
        re.compile(rb'<section class="cite-box".*?</section>', re.S),
        lambda box: re.sub(rb"\d{4}-\d{2}-\d{2}|(?<=[({ ])\d{4}(?=[)}\n])", b"(date)", box[0]),
    ),
]


def setup_django():
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regiontrade.settings")
    os.environ.setdefault("DEBUG", "1")
    for rate in ("PAGE_RATE", "EXPORT_RATE", "API_ANON_RATE", "API_TOKEN_RATE"):
        os.environ.setdefault(rate, "none")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("load_fixtures", *sorted(str(p) for p in (REPO / "fixtures").glob("*.json")))


def addresses() -> list[str]:
    from exchanges.models import Firm, Mission, OverseasOffice, Region, SisterTie, Source

    urls = []
    records = [
        model.objects.order_by("pk")
        for model in (Region, SisterTie, Firm, OverseasOffice, Mission, Source)
    ]
    for language in LANGUAGES:
        urls += [f"{language}/", f"{language}/search/?q=Niigata", f"{language}/stats/"]
        urls += [f"{language}/map/", f"{language}/network/", f"{language}/data/"]
        urls.append(f"{language}/about/")
        for name in LISTS:
            urls.append(f"{language}/{name}/")
            urls.append(f"{language}/{name}/?sort=-pk&per_page=5&page=2")
            urls += [f"{language}/{name}/?export={kind}" for kind in ("csv", "json", "xlsx")]
        urls += [f"{language}/{name}/?export=geojson" for name in ("regions", "ties", "offices")]
        urls += [f"{language}/sources/?export={kind}" for kind in ("bibtex", "ris", "csljson")]
        for queryset in records:
            urls += [f"{language}{record.get_absolute_url()}" for record in queryset]
    for slug in ("ties-per-year", "ties-by-type-and-status", "regions-with-most-ties"):
        urls.append(f"/stats/{slug}.csv")
    urls += ["/api/v1/", "/api/v1/schema/?format=json", "/api/v1/changes/?page_size=500"]
    for name in API_LISTS:
        urls += [f"/api/v1/{name}/?page_size=500"]
        urls += [f"/api/v1/{name}/?format={kind}" for kind in ("csv", "xlsx")]
    for name in ("regions", "ties", "offices"):
        urls.append(f"/api/v1/{name}/?format=geojson")
    for name, queryset in zip(API_LISTS, records, strict=True):
        urls += [f"/api/v1/{name}/{record.pk}/" for record in queryset]
    urls += ["/data/datapackage.json", "/data/regiontrade.zip"]
    for source in records[-1]:
        urls += [f"/sources/{source.pk}.{extension}" for extension in ("bib", "ris", "csl.json")]
    return urls


def content_of(response) -> bytes:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        cells = [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]
        return json.dumps(cells, default=str).encode()
    if kind.startswith("application/zip"):
        import zipfile

        archive = zipfile.ZipFile(io.BytesIO(body))
        return b"".join(name.encode() + archive.read(name) for name in sorted(archive.namelist()))
    return body


def snapshot() -> dict:
    from django.test import Client

    client = Client()
    answers = {}
    for url in addresses():
        response = client.get(url)
        body = content_of(response)
        for pattern, replacement in VOLATILE:
            body = pattern.sub(replacement, body)
        answers[url] = [
            response.status_code,
            response.get("Content-Type", ""),
            hashlib.sha256(body).hexdigest(),
        ]
    return answers


def compare(before_path: str, after_path: str) -> int:
    before, after = (json.loads(Path(path).read_text()) for path in (before_path, after_path))
    changed = sorted(url for url in before.keys() & after.keys() if before[url] != after[url])
    only = sorted(before.keys() ^ after.keys())
    print(f"{len(before)} and {len(after)} answers; {len(changed)} differ; {len(only)} in one only")
    for url in changed:
        print(f"  differs: {url}  {before[url][:2]} -> {after[url][:2]}")
    for url in only:
        print(f"  only in {'before' if url in before else 'after'}: {url}")
    return 1 if changed else 0


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    setup_django()
    Path(sys.argv[1]).write_text(json.dumps(snapshot(), indent=0, sort_keys=True))
    print(f"{sys.argv[1]}: {len(json.loads(Path(sys.argv[1]).read_text()))} answers")
