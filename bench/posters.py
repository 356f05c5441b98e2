"""Poster generation: one PDF of N posters against N single-poster PDFs, time and peak memory.

Prints (each with its goal):
  posters_1000_vs_single_ratio: time(1000 posters in one PDF) / (1000 × time(one poster)) (≤ 1.0)
  posters_peak_mem_10 / _1000 / _10000: peak Python memory (tracemalloc) writing that many
  posters_mem_per_poster_kb: how much the peak grows per poster, the larger of the slopes
      10 → 1,000 and 1,000 → 10,000 (goal ≤ 2 KB)
  posters_peak_mem_1000_vs_10_ratio: peak for 1000 / for 10 (goal ≤ 1.5)
  posters_rss_growth_*: the process's resident memory (VmHWM) growth for the same writes

Every PDF is written to a file, as `manage.py qr_posters -o FILE` does (a BytesIO would make
the output itself count as memory). Each memory measurement runs in a fresh process, so what
one run allocated does not hide in the next one's numbers.

Three quarters of a poster's time is the QR library's pure-Python mask search, which keeps
nothing once the poster is drawn. So that 10,000 posters fit in the bench's time, the memory
runs (at every size alike) draw 50 distinct codes, each computed once and reused; drawing, the
batches of ReportLab pages and their streaming into one file run as in production.
"""

import functools
import json
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from _report import figure
from _setup import django_setup

django_setup()

from workstations import posters  # noqa: E402
from workstations.models import Grid, Location, Neighbourhood, Subdistrict, Workstation  # noqa: E402
from workstations.posters import register_font, write_posters  # noqa: E402

SIZES = (10, 1000, 10_000)
DISTINCT_CODES = 50  # in the memory runs (see above)

SCRATCH = Path(tempfile.mkdtemp(prefix="minqing-posters-"))


def fake_locations(n: int, *, distinct: int | None = None) -> list[Location]:
    """Unsaved objects: the poster needs names and tokens, not a database."""
    sub = Subdistrict(name="天平街道", slug="tp", code="TP")
    ws = Workstation(
        subdistrict=sub, area_name="梧桐片区", name="梧桐片区民情快办工作站", slug="wutong", phone="021-64000000"
    )
    hood = Neighbourhood(workstation=ws, name="永嘉新村", slug="yj")
    grid = Grid(neighbourhood=hood, name="第一网格", code="g1")
    if distinct is None:
        return [Location(grid=grid, name=f"永嘉路{i}弄") for i in range(n)]
    tokens = [f"bench-token-{k:02d}-abcdefghij" for k in range(distinct)]
    return [Location(grid=grid, name=f"永嘉路{i}弄", qr_token=tokens[i % distinct]) for i in range(n)]


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
    posters.qr_matrix = functools.lru_cache(maxsize=DISTINCT_CODES)(posters.qr_matrix)
    locations = fake_locations(n, distinct=DISTINCT_CODES)
    write_posters(locations[:DISTINCT_CODES], SCRATCH / "warm.pdf")  # imports, font tables, the codes
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
    began = time.monotonic()
    register_font()
    timed(1)  # warm up imports and the font subset machinery
    singles = sorted(timed(1) for _ in range(30))
    single = singles[len(singles) // 2]
    many = timed(1000)
    size = (SCRATCH / "time-1000.pdf").stat().st_size
    figure("posters_single_median", single * 1000, "ms", digits=1)
    figure("posters_1000_total", many, "s")
    figure("posters_1000_file_size", size / 1e6, "MB", digits=1)
    figure("posters_1000_vs_single_ratio", many / (1000 * single), goal="≤ 1.0")
    m = {n: measured(n) for n in SIZES}
    for n in SIZES:
        figure(f"posters_peak_mem_{n}", m[n]["traced_peak"] / 1e6, "MB (tracemalloc)")
    slopes = [
        (m[b]["traced_peak"] - m[a]["traced_peak"]) / (b - a) / 1024 for a, b in zip(SIZES, SIZES[1:], strict=False)
    ]
    figure(
        "posters_mem_per_poster_kb",
        max(slopes),
        f"KB ({', '.join(f'{x:.3f}' for x in slopes)} from 10 → 1,000 → 10,000)",
        goal="≤ 2",
        digits=3,
    )
    figure("posters_peak_mem_1000_vs_10_ratio", m[1000]["traced_peak"] / m[10]["traced_peak"], goal="≤ 1.5")
    for n in SIZES:
        figure(f"posters_rss_growth_{n}", m[n]["rss_growth_kb"] / 1e3, "MB")
    figure("posters_peak_rss_1000_vs_10_ratio", m[1000]["rss_growth_kb"] / m[10]["rss_growth_kb"])
    figure("posters_bench_seconds", f"{time.monotonic() - began:.0f}", "s")


if __name__ == "__main__":
    try:
        if len(sys.argv) == 3 and sys.argv[1] == "--measure":
            print(json.dumps(measure(int(sys.argv[2]))))
        else:
            main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
