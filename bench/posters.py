"""Poster generation: one PDF of N posters against N single-poster PDFs, time and peak memory.

Prints:
  posters_1000_vs_single_ratio: time(1000 posters in one PDF) / (1000 × time(one poster))
  posters_peak_mem_1000_vs_10_ratio: peak Python memory for 1000 posters / for 10
"""

import io
import time
import tracemalloc

from _setup import django_setup

django_setup()

from workstations.models import Grid, Location, Neighbourhood, Subdistrict, Workstation  # noqa: E402
from workstations.posters import register_font, write_posters  # noqa: E402


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
    write_posters(locations, io.BytesIO())
    return time.perf_counter() - start


def peak(n: int) -> int:
    locations = fake_locations(n)
    tracemalloc.start()
    write_posters(locations, io.BytesIO())
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def main() -> None:
    register_font()
    timed(1)  # warm up imports and the font subset machinery
    singles = sorted(timed(1) for _ in range(30))
    single = singles[len(singles) // 2]
    many = timed(1000)
    print(f"posters_single_median: {single * 1000:.1f} ms")
    print(f"posters_1000_total: {many:.2f} s")
    print(f"posters_1000_vs_single_ratio: {many / (1000 * single):.2f}")
    p10, p1000 = peak(10), peak(1000)
    print(f"posters_peak_mem_10: {p10 / 1e6:.1f} MB")
    print(f"posters_peak_mem_1000: {p1000 / 1e6:.1f} MB")
    print(f"posters_peak_mem_1000_vs_10_ratio: {p1000 / p10:.2f}")


if __name__ == "__main__":
    main()
