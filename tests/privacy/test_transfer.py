"""export_data / import_data (issue 19, item 4): one workstation's data moves to another
installation with its photos; ids are remapped; the import refuses, writing nothing, when the
target already holds the data. The round trip: export here, import into an empty SQLite
installation (separate processes, as on another machine), export there, compare."""

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from PIL import Image

from issues import services
from issues.models import Issue, IssueEvent, IssuePhoto, ReferenceCounter
from privacy import transfer
from tests import factories
from workstations.models import Role, Workstation

ROOT = Path(__file__).resolve().parents[2]


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 160, 60)).save(out, "JPEG")
    return SimpleUploadedFile(f"{uuid.uuid4().hex[:6]}.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def filled(world, settings, tmp_path):
    """The world's workstation with two reports (one with a photo, one merged into the other),
    a department's 派单, an escalation contact and a worker's role."""
    settings.MEDIA_ROOT = tmp_path / "media"
    response = Client().post(
        world.loc.report_path(),
        {
            "description": "楼道灯坏了",
            "name": "王阿姨",
            "phone": "13800138000",
            "idempotency_key": "t" * 20,
            "photos": [jpeg()],
        },
    )
    assert response.status_code == 303
    first = Issue.objects.get()
    services.route_issue(first.pk)
    second, _ = factories.issue(world.loc2, description="楼道灯又坏了", kind="consult")
    services.merge_issue(second, into=first, actor=world.staff)
    return world


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def canonical(path: Path) -> dict:
    """The export's content without its ids: each row's references become (table, rank of the
    row in its table) for the workstation's rows and (table, natural key) for shared ones; files
    become the hash of their bytes."""
    archive = zipfile.ZipFile(path)
    records = [json.loads(line) for line in archive.read("data.jsonl").splitlines()]
    rank: dict[tuple[str, int], object] = {}
    for part in ("shared", "owned"):
        by_model: dict[str, list] = {}
        for r in records:
            if r["part"] == part:
                by_model.setdefault(r["model"], []).append(r)
        for name, rows in by_model.items():
            for i, r in enumerate(sorted(rows, key=lambda r: r["pk"])):
                rank[(name, r["pk"])] = (name, r["key"][1]) if part == "shared" else (name, i)
    out: dict[str, list] = {}
    for r in records:
        model = apps.get_model(r["model"])
        fields = {}
        for name, value in r["fields"].items():
            f = model._meta.get_field(name)
            target = f.related_model._meta.label_lower if f.is_relation else None
            if f.many_to_many:
                value = sorted(rank[(target, v)] for v in value)
            elif f.is_relation and value is not None:
                value = rank[(target, value)]
            elif isinstance(f, transfer.models.FileField) and value:
                value = hashlib.sha256(archive.read(f"media/{value}")).hexdigest()
            fields[name] = value
        out.setdefault(f"{r['part']} {r['model']}", []).append((rank[(r["model"], r["pk"])], fields))
    return {name: sorted(rows, key=lambda row: str(row[0])) for name, rows in out.items()}


@pytest.mark.django_db(transaction=True)
def test_a_workstation_moves_to_an_empty_installation_and_back_unchanged(filled, tmp_path, capsys):
    exported = tmp_path / "here.zip"
    call_command("export_data", "--workstation", filled.ws.slug, "-o", str(exported))
    err = capsys.readouterr().err
    assert "rows [" in err and "100%" in err  # the progress bar, on stderr

    rows = json.loads(zipfile.ZipFile(exported).read("manifest.json"))["rows"]
    assert rows["workstations.workstation"] == 1 and rows["issues.issue"] == 2 and rows["issues.issuephoto"] == 1
    assert rows["workstations.role"] == 4  # head, staff, two grid workers; not the other workstation's
    assert "webhooks.delivery" not in rows

    there = tmp_path / "there"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{there / 'db.sqlite3'}",
        "VAR_DIR": str(there),
        "MEDIA_ROOT": str(there / "media"),
    }
    assert manage("migrate", "-v0", env=env).returncode == 0
    imported = manage("import_data", str(exported), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "imported" in imported.stdout and "100%" in imported.stderr
    back = tmp_path / "there.zip"
    assert manage("export_data", "--workstation", filled.ws.slug, "-o", str(back), env=env).returncode == 0

    assert canonical(back) == canonical(exported)
    # The photo's bytes are on the other installation's store.
    photo = IssuePhoto.objects.get()
    assert (there / "media" / photo.image.name).read_bytes() == photo.image.read()


@pytest.mark.django_db(transaction=True)
def test_the_import_refuses_when_the_workstation_is_already_here(filled, tmp_path):
    exported = tmp_path / "here.zip"
    call_command("export_data", "--workstation", filled.ws.slug, "-o", str(exported))
    before = (Issue.objects.count(), IssueEvent.objects.count(), Role.objects.count(), Workstation.objects.count())

    with pytest.raises(CommandError) as refused:
        call_command("import_data", str(exported))

    message = str(refused.value)
    assert "nothing was imported" in message
    assert f"workstations.workstation with slug {filled.ws.slug} already exists here" in message
    assert "issues.issue with reference" in message
    after = (Issue.objects.count(), IssueEvent.objects.count(), Role.objects.count(), Workstation.objects.count())
    assert after == before


@pytest.mark.django_db(transaction=True)
def test_the_reference_counter_moves_past_the_imported_reports(filled, tmp_path):
    """A report made after the import must not get the reference of an imported one."""
    exported = tmp_path / "here.zip"
    call_command("export_data", "--workstation", filled.ws.slug, "-o", str(exported))
    references = sorted(Issue.objects.values_list("reference", flat=True))
    prefix = references[-1].rpartition("-")[0]
    # Empty the installation of this workstation's rows, as a new machine is.
    from django.db import connection

    with connection.cursor() as cursor:
        for model in reversed(transfer._ordered_models(transfer.plan_export(filled.ws).owned)):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    ReferenceCounter.objects.all().delete()

    call_command("import_data", str(exported))

    assert ReferenceCounter.objects.get(prefix=prefix).value == int(references[-1].rpartition("-")[2])
    new, _ = factories.issue(
        Workstation.objects.get(slug=filled.ws.slug).neighbourhoods.first().grids.first().locations.first()
    )
    assert new.reference not in references


def test_a_file_that_is_not_an_export_is_refused(tmp_path, db):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="is not an export of export_data"):
        call_command("import_data", str(bad))


def test_an_unknown_workstation_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="No workstation with the slug 'nowhere'"):
        call_command("export_data", "--workstation", "nowhere", "-o", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()
