"""What one report with big photos costs the web process (issue 14 item 9).

Posts one resident's report with six 7000 × 7000 PNGs (a solid colour: about 140 KB each, 49
megapixels, the issue's case) through Django's test client in a fresh process, and prints:
  photo_report_peak_rss_mb: the process's peak resident memory (VmHWM) by the end of the
      request, Django and the app included (goal ≤ 200)
  photo_report_seconds: the request's wall time (goal ≤ 2)
  photo_report_status: the answer (400: the photos were refused for their pixels, with the text kept)
and the same two figures for six 5000 × 5000 PNGs (25 megapixels each, which one photo may have):
the report's pixel budget lets two of them be decoded and refuses the rest with a message.

The database is migrated by `manage.py migrate` in a process of its own first, so that the
migration's memory is not counted.
"""

import io
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from _report import figure
from _setup import ROOT, django_setup

SIDE_CASES = {"7000": 7000, "5000": 5000}


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def png(side: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (side, side), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def measure(folder: Path, case: str) -> dict:
    """In this fresh process: one report with the six files of `folder`."""
    django_setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from workstations.models import Grid, Location, Neighbourhood, Subdistrict, Workstation

    sub = Subdistrict.objects.create(name="街道", slug=f"s{uuid.uuid4().hex[:6]}", code=uuid.uuid4().hex[:6])
    ws = Workstation.objects.create(subdistrict=sub, area_name="片区", name="工作站", slug=f"w{uuid.uuid4().hex[:6]}")
    hood = Neighbourhood.objects.create(workstation=ws, name="居民区", slug=f"h{uuid.uuid4().hex[:6]}")
    grid = Grid.objects.create(neighbourhood=hood, name="网格", code=f"g{uuid.uuid4().hex[:6]}")
    location = Location.objects.create(grid=grid, name="永嘉路1弄", address="永嘉路1弄口")
    client = Client(headers={"accept-language": "en"})
    assert client.get(location.report_path()).status_code == 200  # imports and templates warm
    files = [
        SimpleUploadedFile(f"{n}.png", (folder / f"{case}.png").read_bytes(), content_type="image/png")
        for n in range(6)
    ]
    data = {"description": "楼道灯坏了", "name": "李伯伯", "idempotency_key": uuid.uuid4().hex, "photos": files}
    start = time.perf_counter()
    response = client.post(location.report_path(), data)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_rss_mb": _status_kb("VmHWM") / 1024, "status": response.status_code}


def main() -> None:
    from _db import drop, scratch_database

    bench_url = scratch_database()
    var = Path(os.environ.get("VAR_DIR") or __import__("tempfile").mkdtemp(prefix="minqing-bench-"))
    env = {**os.environ, "VAR_DIR": str(var), "DEBUG": "1", "RATELIMIT_ENABLE": "false"}
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        for case, side in SIDE_CASES.items():
            (var / f"{case}.png").write_bytes(png(side))
        results = {}
        for case in SIDE_CASES:
            out = subprocess.run(
                [sys.executable, __file__, "--measure", str(var), case],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[case] = json.loads(out.strip().splitlines()[-1])
    finally:
        drop(bench_url)
    r = results["7000"]
    figure("photo_report_peak_rss_mb", r["peak_rss_mb"], "MB", goal="≤ 200", digits=0)
    figure("photo_report_seconds", r["seconds"], "s", goal="≤ 2", digits=2)
    figure("photo_report_status", r["status"])
    r = results["5000"]
    figure("photo_report_25mp_peak_rss_mb", r["peak_rss_mb"], "MB", digits=0)
    figure("photo_report_25mp_seconds", r["seconds"], "s", digits=2)
    figure("photo_report_25mp_status", r["status"])


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        print(json.dumps(measure(Path(sys.argv[2]), sys.argv[3])))
    else:
        main()
