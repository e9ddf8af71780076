"""gunicorn settings for serving regiontrade: ``gunicorn -c python:regiontrade.gunicorn``.

Python's cyclic garbage collector, left to itself, stops a worker in the middle of a request for
up to a tenth of a second when it sweeps the oldest generation. Here each worker freezes what it
loaded at start (never garbage), collects rarely on its own, and sweeps the cycles a request left
behind after the response has been sent.
"""

import gc
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
wsgi_app = "regiontrade.wsgi:application"

SWEEP_EVERY = 20  # requests between full collections, each after its response is sent


def post_fork(server, worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    worker.requests_served = 0


def post_request(worker, req, environ, resp):
    worker.requests_served += 1
    gc.collect(0)
    if worker.requests_served % SWEEP_EVERY == 0:
        gc.collect()
