"""Request limits that every worker and every machine share.

Each limit is a count of requests per client in a fixed window of time ("120/minute"), kept in
Django's cache, which is Redis or the database and so the same for all workers: ``cache.add``
opens the window's counter and ``cache.incr`` adds to it in one atomic step on both backends.

Limits (``RATE_LIMITS`` in the settings, from environment variables):

- ``api-anon`` and ``api-token``: the REST API, per client address and per token's user;
- ``page``: pages and pictures for anonymous readers, per client address;
- ``export``: downloads (``?export=``, ``?format=csv`` in the API, the statistics' CSV files, the
  data package's CSV files and zip) for anonymous readers, per client address, on top of the
  page or API limit.

Signed-in staff are not limited on pages; the admin's login is guarded by django-axes, which
locks out repeated failures. The client address is the socket's peer unless
``TRUSTED_PROXY_COUNT`` says how many proxies in front of the site append to
``X-Forwarded-For``: a header the client made up itself is never believed.
"""

import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int

    @classmethod
    def parse(cls, text: str | None) -> "Rate | None":
        """``"120/minute"`` → 120 requests in 60 s; empty or ``"none"`` means no limit."""
        if not text or text.strip().lower() == "none":
            return None
        count, _slash, period = text.partition("/")
        return cls(int(count), PERIODS[period.strip()[0].lower()])


def rate(scope: str) -> Rate | None:
    return Rate.parse(settings.RATE_LIMITS.get(scope))


def client_address(request) -> str:
    """The address of the client, as the outermost trusted proxy saw it."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()] + [remote]
    # Each trusted proxy appends the address it received the request from.
    candidate = chain[-(proxies + 1)] if len(chain) > proxies else chain[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def hit(scope: str, client: str, limit: Rate) -> int | None:
    """Counts one request of ``client`` against ``limit``: ``None`` when it may go ahead,
    otherwise the seconds until the window closes."""
    now = time.time()
    window = int(now // limit.seconds)
    key = f"ratelimit:{scope}:{client}:{window}"
    try:
        count = count_in(key, timeout=limit.seconds + 1)
    except Exception:  # whatever the backend raises when it cannot be reached
        # A cache that does not answer must not take the site down with it: serve, and say so.
        logger.exception("Request limits are not counted: the cache does not answer.")
        return None
    if count <= limit.requests:
        return None
    return max(1, math.ceil((window + 1) * limit.seconds - now))


def count_in(key: str, timeout: int) -> int:
    """One atomic increment for every request but the window's first (the database cache's
    ``add`` counts its table, so it is not worth paying on each request)."""
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)  # another worker opened the window meanwhile


def is_download(request) -> bool:
    return bool(
        request.GET.get("export")
        or request.GET.get("format") == "csv"
        or request.path.endswith((".csv", ".zip"))
    )


def too_many_requests(request, wait: int):
    message = _("Too many requests from your address. Please wait %(seconds)d seconds.") % {
        "seconds": wait
    }
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


class RateLimitMiddleware:
    """Limits anonymous readers of pages and downloads; the API limits itself (``APIThrottle``),
    because only there are tokens known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") or request.user.is_authenticated:
            return self.get_response(request)
        client = client_address(request)
        scopes = ("page", "export") if is_download(request) else ("page",)
        for scope in scopes:
            limit = rate(scope)
            wait = limit and hit(scope, client, limit)
            if wait:
                return too_many_requests(request, wait)
        return self.get_response(request)


class APIThrottle(BaseThrottle):
    """The API's limits: per token's user when signed in, per client address otherwise, and
    the download limit for anonymous CSV."""

    def allow_request(self, request, view):
        if request.user and request.user.is_authenticated:
            checks = [("api-token", f"user-{request.user.pk}")]
        else:
            client = client_address(request)
            checks = [("api-anon", client)]
            if is_download(request):
                checks.append(("export", client))
        self.wait_seconds = None
        for scope, client in checks:
            limit = rate(scope)
            self.wait_seconds = limit and hit(scope, client, limit)
            if self.wait_seconds:
                return False
        return True

    def get_ident(self, request):
        return client_address(request)

    def wait(self):
        return self.wait_seconds
