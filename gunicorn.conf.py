"""gunicorn settings for the portal: ``gunicorn -c gunicorn.conf.py secondshot.wsgi``.

The defaults were chosen by measuring on a 2-core machine with PostgreSQL on the
same machine (bench/README.md, "Choosing workers and threads"); on another size of
machine, start from workers = 2 × cores and measure with ``bench/run.py --compare``.
Every value can be changed from the environment without editing this file.
"""

import gc
import os
import tempfile
from pathlib import Path


def _int(name, default):
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Four single-threaded processes beat threads and more processes on two cores
# (bench/README.md has the measurements).
workers = _int("GUNICORN_WORKERS", 4)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# Load Django once, before forking: quicker start, less memory. Nothing opens a
# database connection at import, so no connection is shared across the fork.
preload_app = True
# Django, its apps and their caches are some 90,000 objects that live as long as the
# process. Frozen before the fork, the garbage collector never walks them again in a
# worker (a full collection of them took 40 ms, a pause in the middle of a request),
# and the pages they sit on stay shared between the workers instead of being copied
# as the collector touches them. (Python's own advice for a process that forks:
# collect nothing while loading, freeze before the fork, collect again in the child.
# The master, which only watches its workers, collects nothing.)
gc.disable()


def pre_fork(server, worker):
    gc.freeze()


def post_fork(server, worker):
    gc.enable()


# A request that takes this long is stuck: the worker is restarted.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so a slow leak never becomes an outage.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20_000)
max_requests_jitter = 2_000
# Requests are logged by the load balancer; gunicorn logs errors to stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# The load balancers' addresses: X-Forwarded-Proto is believed only from them. The
# portal's own TRUSTED_PROXIES names them for X-Forwarded-For and X-Request-ID.
forwarded_allow_ips = (
    os.environ.get("FORWARDED_ALLOW_IPS") or os.environ.get("TRUSTED_PROXIES") or "127.0.0.1"
)
# No control socket: nothing here uses it, and it would be one more file to own.
control_socket_disable = True

# Each worker counts its requests in files here and a scrape of /metrics adds them up
# (core/metrics.py): the folder is this app server's, emptied as it starts, so the
# counts start at zero with the server as Prometheus expects. Set before Django (and
# prometheus-client) load, which the preloaded app does after this file is read.
metrics_dir = Path(
    os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="secondshot-metrics-")
)
metrics_dir.mkdir(parents=True, exist_ok=True)
for counts in metrics_dir.glob("*.db"):
    counts.unlink()
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)


def child_exit(server, worker):
    """A worker's counts stay (counters only grow); its live gauges, if any, go."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
