"""Neighbourhoods, grids and locations to and from CSV (manage.py import_places / export_places).

One row per location. The import adds and updates, never deletes (a printed poster must not
lose its location), and is all-or-nothing: the whole file is checked first, and a file with
any error changes nothing and yields every problem as "row N: reason" (row 1 is the header, as
in a spreadsheet). Existing locations keep their QR codes.

Columns (English or Chinese headers):
  workstation        工作站        the workstation's slug (it must exist already)
  neighbourhood_slug 居民区代码     the neighbourhood's slug within the workstation
  neighbourhood      居民区        its name (needed when the neighbourhood is new)
  grid_code          网格编号       the grid's code, unique in the installation
  grid               网格          its name (needed when the grid is new)
  location           点位          the location's name, unique within its grid
  kind               类型          lane | estate_gate | building, or 弄口 | 小区大门 | 楼栋 (default lane)
  address            地址          optional
  active             启用          yes/no, 是/否, 1/0 (default yes)
  report_url         扫码地址       written by the export, ignored by the import
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction

from .models import Grid, Location, Neighbourhood, Workstation

COLUMNS = [
    "workstation",
    "neighbourhood_slug",
    "neighbourhood",
    "grid_code",
    "grid",
    "location",
    "kind",
    "address",
    "active",
    "report_url",
]
REQUIRED = ["workstation", "neighbourhood_slug", "grid_code", "location"]
HEADER_ALIASES = {
    "工作站": "workstation",
    "居民区代码": "neighbourhood_slug",
    "居民区": "neighbourhood",
    "网格编号": "grid_code",
    "网格": "grid",
    "点位": "location",
    "类型": "kind",
    "地址": "address",
    "启用": "active",
    "扫码地址": "report_url",
}
KIND_WORDS = {
    "lane": Location.Kind.LANE,
    "弄口": Location.Kind.LANE,
    "estate_gate": Location.Kind.ESTATE_GATE,
    "小区大门": Location.Kind.ESTATE_GATE,
    "小区门口": Location.Kind.ESTATE_GATE,
    "building": Location.Kind.BUILDING,
    "楼栋": Location.Kind.BUILDING,
}
YES = {"yes", "y", "true", "1", "是", "启用"}
NO = {"no", "n", "false", "0", "否", "停用"}
MAX_LENGTHS = {
    "neighbourhood": 100,
    "grid": 100,
    "location": 100,
    "address": 200,
    "neighbourhood_slug": 50,
    "grid_code": 50,
}


class ImportFailed(Exception):
    """The file cannot be imported; `errors` lists every problem as "row N: reason"."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class PlaceRow:
    number: int
    workstation: str
    neighbourhood_slug: str
    neighbourhood: str
    grid_code: str
    grid: str
    location: str
    kind: str
    address: str
    active: bool


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=lambda: {"neighbourhoods": 0, "grids": 0, "locations": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"neighbourhoods": 0, "grids": 0, "locations": 0})
    locations: list[Location] = field(default_factory=list)  # in the file's order

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else GB18030 (what Chinese Excel saves)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(["row 1: the file is neither UTF-8 nor GB18030 text; save it as “CSV UTF-8”"])


def parse(text: str) -> list[PlaceRow]:
    """Check every row; raise ImportFailed with all the problems, or return the rows."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFailed(["row 1: the file is empty"]) from None
    except csv.Error as exc:
        raise ImportFailed([f"row 1: {exc}"]) from None
    names = [HEADER_ALIASES.get(h.strip(), h.strip().lower()) for h in header]
    errors = [f"row 1: unknown column “{h}”" for h, n in zip(header, names, strict=True) if n not in COLUMNS]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        errors.append(f"row 1: missing column(s): {', '.join(missing)}")
    if errors:
        raise ImportFailed(errors)

    rows: list[PlaceRow] = []
    number = 1
    try:
        for cells in reader:
            number += 1
            if not any(c.strip() for c in cells):
                continue  # blank lines that spreadsheets leave at the end
            values = {n: (cells[i].strip() if i < len(cells) else "") for i, n in enumerate(names)}
            row = _row(number, values, errors)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        errors.append(f"row {number}: {exc}")
    if not rows and not errors:
        errors.append("row 1: the file has a header but no rows")
    errors += _consistency(rows)
    if errors:
        raise ImportFailed(sorted(errors, key=_row_number))
    return rows


def _row_number(error: str) -> int:
    """ "row 12: …" → 12, so that the errors read top to bottom like the file (sort is stable)."""
    return int(error.split(":", 1)[0].removeprefix("row "))


def _row(number: int, v: dict[str, str], errors: list[str]) -> PlaceRow | None:
    problems = [f"{c} is empty" for c in REQUIRED if not v.get(c)]
    for column, limit in MAX_LENGTHS.items():
        if len(v.get(column, "")) > limit:
            problems.append(f"{column} is longer than {limit} characters")
    for column in ("neighbourhood_slug", "grid_code"):
        if v.get(column):
            try:
                validate_slug(v[column])
            except ValidationError:
                problems.append(f"{column} “{v[column]}” may contain only letters, digits, - and _")
    kind = KIND_WORDS.get(v.get("kind", "").lower() or "lane")
    if kind is None:
        problems.append(f"kind “{v['kind']}” is not one of lane, estate_gate, building (弄口, 小区大门, 楼栋)")
    active_word = v.get("active", "").lower() or "yes"
    if active_word not in YES | NO:
        problems.append(f"active “{v['active']}” is not yes or no")
    errors += [f"row {number}: {p}" for p in problems]
    if problems:
        return None
    return PlaceRow(
        number=number,
        workstation=v["workstation"],
        neighbourhood_slug=v["neighbourhood_slug"],
        neighbourhood=v.get("neighbourhood", ""),
        grid_code=v["grid_code"],
        grid=v.get("grid", ""),
        location=v["location"],
        kind=kind,
        address=v.get("address", ""),
        active=active_word in YES,
    )


def _consistency(rows: list[PlaceRow]) -> list[str]:
    """Rows that contradict each other or the database."""
    errors = []
    stations = {w.slug: w for w in Workstation.objects.filter(slug__in={r.workstation for r in rows})}
    hoods = {
        (h.workstation.slug, h.slug): h
        for h in Neighbourhood.objects.filter(workstation__in=stations.values()).select_related("workstation")
    }
    grids = {
        g.code: g
        for g in Grid.objects.filter(code__in={r.grid_code for r in rows}).select_related("neighbourhood__workstation")
    }
    hood_names: dict[tuple[str, str], tuple[str, int]] = {}
    grid_homes: dict[str, tuple[tuple[str, str], str, int]] = {}
    seen: dict[tuple[str, str], int] = {}
    for r in rows:
        here = f"row {r.number}"
        if r.workstation not in stations:
            errors.append(f"{here}: no workstation with slug “{r.workstation}” (create it in the admin first)")
            continue
        hood_key = (r.workstation, r.neighbourhood_slug)
        if r.neighbourhood:
            earlier = hood_names.setdefault(hood_key, (r.neighbourhood, r.number))
            if earlier[0] != r.neighbourhood:
                errors.append(
                    f"{here}: neighbourhood {r.neighbourhood_slug} is called “{r.neighbourhood}” here "
                    f"but “{earlier[0]}” in row {earlier[1]}"
                )
        elif hood_key not in hoods and hood_key not in hood_names:
            errors.append(f"{here}: neighbourhood {r.neighbourhood_slug} is new, so it needs a name")
        existing = grids.get(r.grid_code)
        if existing is not None:
            home = (existing.neighbourhood.workstation.slug, existing.neighbourhood.slug)
            if home != hood_key:
                errors.append(
                    f"{here}: grid {r.grid_code} already belongs to neighbourhood {home[1]} of workstation "
                    f"{home[0]}; the import does not move grids"
                )
        elif not r.grid and r.grid_code not in grid_homes:
            errors.append(f"{here}: grid {r.grid_code} is new, so it needs a name")
        first = grid_homes.setdefault(r.grid_code, (hood_key, r.grid, r.number))
        if first[0] != hood_key:
            errors.append(f"{here}: grid {r.grid_code} is in neighbourhood {first[0][1]} in row {first[2]}")
        elif r.grid and first[1] and first[1] != r.grid:
            errors.append(f"{here}: grid {r.grid_code} is called “{r.grid}” here but “{first[1]}” in row {first[2]}")
        key = (r.grid_code, r.location)
        if key in seen:
            errors.append(f"{here}: location “{r.location}” of grid {r.grid_code} is already in row {seen[key]}")
        seen.setdefault(key, r.number)
    return errors


def apply(rows: list[PlaceRow], *, progress: Callable[[int], None] | None = None) -> ImportResult:
    """Write checked rows in one transaction. Saves only what differs, so importing the same
    file twice changes nothing the second time."""
    result = ImportResult()
    with transaction.atomic():
        stations = {w.slug: w for w in Workstation.objects.filter(slug__in={r.workstation for r in rows})}
        hoods = {(h.workstation_id, h.slug): h for h in Neighbourhood.objects.filter(workstation__in=stations.values())}
        grids = {g.code: g for g in Grid.objects.filter(code__in={r.grid_code for r in rows})}
        for r in rows:
            ws = stations[r.workstation]
            hood = hoods.get((ws.pk, r.neighbourhood_slug))
            if hood is None:
                hood = Neighbourhood.objects.create(workstation=ws, slug=r.neighbourhood_slug, name=r.neighbourhood)
                hoods[(ws.pk, hood.slug)] = hood
                result.created["neighbourhoods"] += 1
            elif r.neighbourhood and hood.name != r.neighbourhood:
                hood.name = r.neighbourhood
                hood.save(update_fields=["name"])
                result.updated["neighbourhoods"] += 1
            grid = grids.get(r.grid_code)
            if grid is None:
                grid = Grid.objects.create(neighbourhood=hood, code=r.grid_code, name=r.grid)
                grids[grid.code] = grid
                result.created["grids"] += 1
            elif r.grid and grid.name != r.grid:
                grid.name = r.grid
                grid.save(update_fields=["name"])
                result.updated["grids"] += 1
        locations = {
            (loc.grid_id, loc.name): loc for loc in Location.objects.filter(grid__in=[g.pk for g in grids.values()])
        }
        for done, r in enumerate(rows, start=1):
            grid = grids[r.grid_code]
            values = {"kind": r.kind, "address": r.address, "is_active": r.active}
            location = locations.get((grid.pk, r.location))
            if location is None:
                location = Location.objects.create(grid=grid, name=r.location, **values)
                result.created["locations"] += 1
            else:
                changed = [k for k, v in values.items() if getattr(location, k) != v]
                if changed:
                    for k in changed:
                        setattr(location, k, values[k])
                    location.save(update_fields=changed)
                    result.updated["locations"] += 1
            result.locations.append(location)
            if progress:
                progress(done)
    return result


def import_file(data: bytes, *, progress: Callable[[int], None] | None = None) -> ImportResult:
    return apply(parse(decode(data)), progress=progress)


def export_rows(locations: Iterable[Location]) -> Iterable[list[str]]:
    """The CSV rows (header first) for `locations`, which must come with
    grid__neighbourhood__workstation loaded. The import reads them back unchanged."""
    yield COLUMNS
    for loc in locations:
        hood = loc.grid.neighbourhood
        yield [
            hood.workstation.slug,
            hood.slug,
            hood.name,
            loc.grid.code,
            loc.grid.name,
            loc.name,
            loc.kind,
            loc.address,
            "yes" if loc.is_active else "no",
            loc.report_url(),
        ]
