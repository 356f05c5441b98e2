"""gunicorn settings for 民情快办 (gunicorn minqing.wsgi:application -c deploy/gunicorn.conf.py).
Everything can be changed from the environment; the defaults suit a 2–4 core machine."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Photos (up to 6 × 10 MB) arrive on slow phone networks: give an upload time, but never for ever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is recycled now and then, so that a slow leak never takes a machine down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The proxy in front of us (nginx, an SLB) is the only one allowed to say who the client is and
# that the request was HTTPS (with RATELIMIT_PROXY_COUNT and SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Logs on stderr: the app's JSON lines; gunicorn's access log off (the app logs each request once,
# with its request id and without the residents' tokens in paths).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
control_socket_disable = True
