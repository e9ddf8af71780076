import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regiontrade.settings")
# Web requests get a bound on every SQL statement (PostgreSQL); management commands do not.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "5s")

try:
    application = get_wsgi_application()

    from exchanges.checks import static_files_missing

    if static_files_missing():
        # Refuse to start rather than answer every page with a 500.
        raise ImproperlyConfigured(
            "static files have not been collected: run manage.py collectstatic --noinput "
            "(make serve does)."
        )
except ImproperlyConfigured as error:
    sys.stderr.write(f"regiontrade: {error}\n")
    sys.exit(3)  # gunicorn's "worker failed to boot": the server stops instead of retrying
