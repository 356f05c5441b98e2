"""The real app with the per-process cache of the rendered report form turned off (every scan
renders the page), for bench/resident_path.py's with/without comparison."""

from minqing.wsgi import application  # noqa: F401, I001  (what gunicorn serves; sets Django up first)
from issues.views import resident

resident.PAGE_CACHE_SECONDS = -1.0  # a cached page is never young enough: always rendered
