"""Set up Django for a benchmark: DEBUG settings and a scratch var/ folder of its own."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup() -> Path:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DEBUG", "1")
    scratch = Path(tempfile.mkdtemp(prefix="minqing-bench-"))
    os.environ.setdefault("VAR_DIR", str(scratch))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minqing.settings")
    import django

    django.setup()
    return scratch
