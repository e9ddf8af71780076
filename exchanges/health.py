"""``/healthz`` for load balancers and orchestrators: 200 when the database and the shared cache
answer, 503 naming what does not.

It is answered by the first middleware, before host validation, HTTPS redirection and rate limits:
a load balancer probes with its own Host header, over plain HTTP, and often.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)
HEALTH_PATH = "/healthz"


def health() -> dict[str, str]:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError as error:
        logger.error("Health check: the database does not answer: %s", error)
        checks["database"] = "unavailable"
    try:
        cache.set("healthz", 1, timeout=10)
        checks["cache"] = "ok" if cache.get("healthz") == 1 else "unavailable"
    except Exception as error:  # any backend's connection error
        logger.error("Health check: the cache does not answer: %s", error)
        checks["cache"] = "unavailable"
    return checks


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.rstrip("/") != HEALTH_PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return JsonResponse({"detail": "Use GET."}, status=405, headers={"Allow": "GET, HEAD"})
        checks = health()
        healthy = all(state == "ok" for state in checks.values())
        response = JsonResponse(
            {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
        )
        response["Cache-Control"] = "no-store"
        return response
