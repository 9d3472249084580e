"""gunicorn's settings for Plansicht: ``gunicorn -c gunicorn.conf.py plansicht.wsgi``.

Every value can be changed by the environment (docs/production.md, "gunicorn"). gunicorn's own
access log stays off: Plansicht writes one line per request itself, with the request id and
without query strings (plansicht/logs.py); gunicorn's error log uses the same JSON format.
"""

import os

# A Unix socket for nginx on the same machine (unix:/run/plansicht/gunicorn.sock), or an
# address; in a container 0.0.0.0:8000.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
# Synchronous workers: about 2 per core; the pages do their work in the database and in
# templates, the slow jobs (reports, large imports, mails) run in the task worker.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (spread), so no slow leak grows for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
# The heartbeat file in memory, not on a container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# X-Forwarded-* are believed only from the proxy on this machine (gunicorn's default too).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = None
# Reloads and restarts come from systemd or the container runtime, not a control socket in $HOME.
control_socket_disable = True
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

debug = os.environ.get("DEBUG", "true").strip().lower() in ("1", "true", "yes", "on")
if os.environ.get("LOG_FORMAT", "text" if debug else "json").strip().lower() == "json":
    # gunicorn merges this with its defaults key by key: every key it uses is given whole.
    logconfig_dict = {
        "root": {"level": "WARNING", "handlers": ["error_console"]},
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["error_console"],
                "propagate": False,
                "qualname": "gunicorn.error",
            },
            # A log configuration turns gunicorn's access log on; Plansicht writes its own.
            "gunicorn.access": {
                "level": "CRITICAL",
                "handlers": [],
                "propagate": False,
                "qualname": "gunicorn.access",
            },
        },
        "handlers": {
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "formatters": {"json": {"()": "plansicht.logs.JSONFormatter"}},
    }
