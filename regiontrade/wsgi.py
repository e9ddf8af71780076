import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regiontrade.settings")
# Web requests get a bound on every SQL statement (PostgreSQL); management commands do not.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "5s")

application = get_wsgi_application()
