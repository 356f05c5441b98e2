"""Poster generation: one PDF of N posters against N single-poster PDFs, time and peak memory.

Prints:
  posters_1000_vs_single_ratio: time(1000 posters in one PDF) / (1000 × time(one poster))
  posters_peak_mem_1000_vs_10_ratio: peak Python memory (tracemalloc) for 1000 posters / for 10
  posters_peak_rss_1000_vs_10_ratio: the same for the process's resident memory (RSS) growth

Every PDF is written to a file, as `manage.py qr_posters -o FILE` does (a BytesIO would make
the output itself count as memory). Each memory measurement runs in a fresh process, so what
one run allocated does not hide in the next one's numbers.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from _setup import django_setup

django_setup()

from workstations.models import Grid, Location, Neighbourhood, Subdistrict, Workstation  # noqa: E402
from workstations.posters import register_font, write_posters  # noqa: E402

SCRATCH = Path(tempfile.mkdtemp(prefix="minqing-posters-"))


def fake_locations(n: int) -> list[Location]:
    """Unsaved objects: the poster needs names and tokens, not a database."""
    sub = Subdistrict(name="天平街道", slug="tp", code="TP")
    ws = Workstation(
        subdistrict=sub, area_name="梧桐片区", name="梧桐片区民情快办工作站", slug="wutong", phone="021-64000000"
    )
    hood = Neighbourhood(workstation=ws, name="永嘉新村", slug="yj")
    grid = Grid(neighbourhood=hood, name="第一网格", code="g1")
    return [Location(grid=grid, name=f"永嘉路{i}弄") for i in range(n)]


def timed(n: int) -> float:
    locations = fake_locations(n)
    start = time.perf_counter()
    write_posters(locations, SCRATCH / f"time-{n}.pdf")
    return time.perf_counter() - start


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measure(n: int) -> dict:
    """In this (fresh) process: RSS growth first (VmHWM only ever rises), then tracemalloc."""
    register_font()
    write_posters(fake_locations(1), SCRATCH / "warm.pdf")  # imports, font tables, caches
    locations = fake_locations(n)
    rss_before = _status_kb("VmRSS")
    write_posters(locations, SCRATCH / f"rss-{n}.pdf")
    rss_growth = max(_status_kb("VmHWM") - rss_before, 1)
    tracemalloc.start()
    write_posters(locations, SCRATCH / f"mem-{n}.pdf")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"traced_peak": peak, "rss_growth_kb": rss_growth}


def measured(n: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(n)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    register_font()
    timed(1)  # warm up imports and the font subset machinery
    singles = sorted(timed(1) for _ in range(30))
    single = singles[len(singles) // 2]
    many = timed(1000)
    size = (SCRATCH / "time-1000.pdf").stat().st_size
    print(f"posters_single_median: {single * 1000:.1f} ms")
    print(f"posters_1000_total: {many:.2f} s")
    print(f"posters_1000_file_size: {size / 1e6:.1f} MB")
    print(f"posters_1000_vs_single_ratio: {many / (1000 * single):.2f}")
    m10, m1000 = measured(10), measured(1000)
    print(f"posters_peak_mem_10: {m10['traced_peak'] / 1e6:.1f} MB")
    print(f"posters_peak_mem_1000: {m1000['traced_peak'] / 1e6:.1f} MB")
    print(f"posters_peak_mem_1000_vs_10_ratio: {m1000['traced_peak'] / m10['traced_peak']:.2f}")
    print(f"posters_rss_growth_10: {m10['rss_growth_kb'] / 1e3:.1f} MB")
    print(f"posters_rss_growth_1000: {m1000['rss_growth_kb'] / 1e3:.1f} MB")
    print(f"posters_peak_rss_1000_vs_10_ratio: {m1000['rss_growth_kb'] / m10['rss_growth_kb']:.2f}")


if __name__ == "__main__":
    try:
        if len(sys.argv) == 3 and sys.argv[1] == "--measure":
            print(json.dumps(measure(int(sys.argv[2]))))
        else:
            main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
