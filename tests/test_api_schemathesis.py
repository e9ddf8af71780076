"""Property-based checks of the API against its own live OpenAPI schema (schemathesis).

For every operation, a bounded number of generated requests, valid and invalid, checked by every
check schemathesis has: no server error; every answer documented (status code, content type,
headers) and matching its schema; valid input accepted and invalid input refused; writes refused
without a token; 405 for a method an address does not take. ``schemathesis.toml`` tells two of
the checks what the API documents beyond its JSON Schema (the rules a write must keep).
Derandomised, so a CI run is reproducible.

``make test`` runs the explicit examples and a small budget of generated cases per operation
(SCHEMATHESIS_EXAMPLES, 3 unless set). ``make test-api`` runs this module alone with 100 and
adds the coverage phase (SCHEMATHESIS_PHASES), whose boundary cases do not heed that budget:
more than a thousand for a list with many filters.
"""

import os

import pytest
import schemathesis
from django.contrib.auth.models import Permission
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from regiontrade.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
PHASES = os.environ.get("SCHEMATHESIS_PHASES", "examples,fuzzing").split(",")

# The same bounded, reproducible run for every operation, anonymous or with a token.
bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
schema.config.phases.update(phases=PHASES)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Requests here go straight to the WSGI application, whose request signals would close
    the test's database connection mid-transaction; Django's own test client disconnects
    the same handler."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "none")


@schema.parametrize()
@bounded
def test_no_server_error_and_every_answer_matches_the_schema(case):
    case.call_and_validate()  # every check


@pytest.fixture
def writer_token(django_user_model):
    """A partner allowed to add, change and delete every kind of record."""
    user = django_user_model.objects.create_user("schemathesis-writer")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="exchanges"))
    return Token.objects.create(user=user).key


@schema.parametrize()
@bounded
def test_with_a_token_that_may_write_no_answer_breaks_the_schema(case, writer_token):
    case.call_and_validate(headers={"Authorization": f"Token {writer_token}"})  # every check
