"""manage.py import_places / export_places: all or nothing, every error as "row N: reason"."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from workstations import places_csv
from workstations.models import Grid, Location, Neighbourhood

SAMPLE = Path(__file__).resolve().parents[2] / "workstations" / "fixtures" / "tianping_places.csv"
HEADER = "workstation,neighbourhood_slug,neighbourhood,grid_code,grid,location,kind,address,active\n"


@pytest.fixture
def ws(db):
    return factories.workstation(slug="wutong", name="梧桐片区民情快办工作站")


def write(tmp_path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "places.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def run_import(path: str, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_places", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> tuple:
    return (
        sorted(Neighbourhood.objects.values_list("slug", "name")),
        sorted(Grid.objects.values_list("code", "name")),
        sorted(Location.objects.values_list("name", "kind", "address", "is_active", "qr_token")),
    )


GOOD = HEADER + (
    "wutong,yongjia,永嘉新村,tp-yj-1,永嘉新村第一网格,永嘉路580弄 弄口,lane,徐汇区永嘉路580弄,yes\n"
    "wutong,yongjia,永嘉新村,tp-yj-1,,永嘉新村 南大门,小区大门,,\n"
    "wutong,anting,安亭,tp-at-1,安亭第一网格,高安路19弄 弄口,弄口,徐汇区高安路19弄,否\n"
)


def test_a_good_file_creates_the_places_with_a_progress_bar(ws, tmp_path):
    out, err = run_import(write(tmp_path, GOOD))
    assert "3 rows imported" in out
    assert "3/3" in err
    assert Neighbourhood.objects.filter(workstation=ws).count() == 2
    assert set(Grid.objects.values_list("code", flat=True)) == {"tp-yj-1", "tp-at-1"}
    gate = Location.objects.get(name="永嘉新村 南大门")
    assert (gate.kind, gate.grid.code, gate.is_active) == ("estate_gate", "tp-yj-1", True)
    assert Location.objects.get(name="高安路19弄 弄口").is_active is False


def test_importing_the_same_file_twice_changes_nothing_and_keeps_the_codes(ws, tmp_path):
    path = write(tmp_path, GOOD)
    run_import(path)
    before = snapshot()
    out, _ = run_import(path)
    assert "0 neighbourhoods, 0 grids, 0 locations created; 0 neighbourhoods, 0 grids, 0 locations updated" in out
    assert snapshot() == before


def test_a_second_import_updates_what_changed_and_deletes_nothing(ws, tmp_path):
    run_import(write(tmp_path, GOOD))
    token = Location.objects.get(name="永嘉路580弄 弄口").qr_token
    changed = HEADER + "wutong,yongjia,永嘉新村（新）,tp-yj-1,,永嘉路580弄 弄口,building,新地址,yes\n"
    run_import(write(tmp_path, changed))
    loc = Location.objects.get(name="永嘉路580弄 弄口")
    assert (loc.kind, loc.address, loc.qr_token) == ("building", "新地址", token)
    assert loc.grid.neighbourhood.name == "永嘉新村（新）"
    assert Location.objects.count() == 3


def test_a_bad_file_lists_every_error_by_row_and_changes_nothing(ws, tmp_path):
    run_import(write(tmp_path, GOOD))
    before = snapshot()
    bad = HEADER + (
        "wutong,yongjia,永嘉新村,tp-yj-1,,永嘉路1弄,lane,,yes\n"  # row 2: fine
        "nowhere,x,某居民区,g-x,某网格,某点位,lane,,yes\n"  # row 3: unknown workstation
        "wutong,yongjia,永嘉新村,tp-yj-1,,,lane,,yes\n"  # row 4: no location name
        "wutong,yongjia,永嘉新村,tp-yj-1,,永嘉路2弄,castle,,maybe\n"  # row 5: bad kind and active
        "wutong,new-hood,,tp-new,,新点位,lane,,yes\n"  # row 6: new neighbourhood and grid without names
        "wutong,anting,安亭,tp-yj-1,,永嘉路3弄,lane,,yes\n"  # row 7: grid in another neighbourhood
        "wutong,yongjia,永嘉新村,tp-yj-1,,永嘉路1弄,lane,,yes\n"  # row 8: duplicate of row 2
        "wutong,bad slug!,坏,tp-b,坏网格,点,lane,,yes\n"  # row 9: bad slug
    )
    buffer = io.StringIO()
    with pytest.raises(CommandError, match=r"10 error\(s\); nothing was imported"):
        call_command("import_places", write(tmp_path, bad), stderr=buffer, stdout=io.StringIO())
    err_lines = buffer.getvalue().splitlines()
    rows = [line.split(":")[0] for line in err_lines]
    assert "row 2" not in rows
    for expected in ("row 3", "row 4", "row 5", "row 6", "row 7", "row 8", "row 9"):
        assert expected in rows, (expected, err_lines)
    assert any("no workstation with slug “nowhere”" in line for line in err_lines)
    assert any("location is empty" in line for line in err_lines)
    assert any("kind “castle”" in line for line in err_lines)
    assert any("active “maybe”" in line for line in err_lines)
    assert any("neighbourhood new-hood is new, so it needs a name" in line for line in err_lines)
    assert any("grid tp-new is new, so it needs a name" in line for line in err_lines)
    assert any("already belongs to neighbourhood yongjia" in line for line in err_lines)
    assert any("already in row 2" in line for line in err_lines)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "row 1: the file is empty"),
        (HEADER, "row 1: the file has a header but no rows"),
        ("workstation,location,colour\nwutong,x,red\n", "row 1: unknown column “colour”"),
        ("workstation,location\nwutong,x\n", "row 1: missing column(s): neighbourhood_slug, grid_code"),
    ],
)
def test_a_malformed_file_says_what_is_wrong_with_it(ws, tmp_path, text, message):
    with pytest.raises(places_csv.ImportFailed) as failed:
        places_csv.import_file(text.encode())
    assert message in failed.value.errors
    assert not Location.objects.exists()


def test_a_file_that_is_not_text_is_refused(ws, tmp_path):
    with pytest.raises(places_csv.ImportFailed, match="neither UTF-8 nor GB18030"):
        places_csv.import_file(b"\xff\xfe\x00\x81\x30\xff")


def test_excel_files_in_utf8_with_bom_and_in_gb18030_are_read(ws, tmp_path):
    run_import(write(tmp_path, GOOD, "utf-8-sig"))
    assert Location.objects.count() == 3
    more = HEADER + "wutong,anting,安亭,tp-at-1,,高安路63弄 弄口,lane,,yes\n"
    run_import(write(tmp_path, more, "gb18030"))
    assert Location.objects.filter(name="高安路63弄 弄口").exists()


def test_chinese_headers_are_understood(ws, tmp_path):
    text = "工作站,居民区代码,居民区,网格编号,网格,点位,类型\nwutong,yj,永嘉新村,g1,第一网格,永嘉路9弄,弄口\n"
    run_import(write(tmp_path, text))
    assert Location.objects.get().name == "永嘉路9弄"


def test_dry_run_checks_without_writing(ws, tmp_path):
    out, _ = run_import(write(tmp_path, GOOD), "--dry-run")
    assert "3 rows, no errors" in out
    assert not Location.objects.exists()


def test_an_unreadable_path_is_a_clear_error(db):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_places", "/nonexistent/places.csv")


def test_export_writes_what_import_reads_back_unchanged(ws, tmp_path):
    run_import(write(tmp_path, GOOD))
    before = snapshot()
    target = tmp_path / "export.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command("export_places", "-o", str(target), stdout=out, stderr=err)
    assert "3 locations written" in out.getvalue()
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    assert "report_url" in data.decode("utf-8-sig").splitlines()[0]
    loc = Location.objects.get(name="永嘉路580弄 弄口")
    assert loc.report_url() in data.decode("utf-8-sig")
    run_import(str(target))
    assert snapshot() == before


def test_export_to_stdout_of_one_workstation(ws, tmp_path):
    run_import(write(tmp_path, GOOD))
    other = factories.location()
    out = io.StringIO()
    call_command("export_places", "--workstation", "wutong", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    assert other.name not in out.getvalue()
    with pytest.raises(CommandError, match="no workstation with slug nowhere"):
        call_command("export_places", "--workstation", "nowhere", stdout=io.StringIO())


def test_the_sample_csv_for_tianping_imports_cleanly(db):
    call_command("seed_demo", stdout=io.StringIO())
    rows = places_csv.parse(places_csv.decode(SAMPLE.read_bytes()))
    assert len(rows) >= 8
    assert rows[0].grid_code == "tp-yj-1"  # the CONTRACT's first QR URL lies in demo-grid's grid
    result = places_csv.apply(rows)
    assert result.changed == 0  # seed_demo loaded the same file
