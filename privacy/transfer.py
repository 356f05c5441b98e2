"""Moving one workstation's data between installations (manage.py export_data / import_data).

The file is a zip: `manifest.json`, `data.jsonl` (one row a line, in Django's serialised form) and
`media/<name>` for every stored file (photos, documents) the rows name.

Rows are of two sorts:
- *owned*: the workstation and everything that hangs from it (neighbourhoods, grids, locations,
  their issues with events, photos, dispatches and messages, roles, FAQ, cases, activities …),
  found by walking the reverse foreign keys from the workstation. The target must not hold any
  of them: the import refuses, naming the conflict, if the workstation's slug or any unique
  value (a QR token, a reference number) is already there. Their ids are remapped on the way in.
- *shared*: what owned rows point to outside the workstation (its subdistrict and district,
  departments, categories, user accounts). Each is matched in the target by its natural key (the
  model's first unique field: slug, username); an existing one is used as it is, a missing one is
  created.

Import writes rows with bulk_create (no signals, no intake: these reports were received once
already) in one transaction, so a refused or failed import leaves the target unchanged. Stored
files are copied first; a failed import may leave copied files behind (never rows pointing nowhere).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction

FORMAT = "minqing-workstation-export"
VERSION = 1
# Our apps; Django's own (sessions, admin log, permissions) are never walked into.
PROJECT_APPS = {"workstations", "issues", "community", "cowork", "gateways", "open311", "transparency", "privacy"}
# Rows that hang from a workstation's but are not its data: webhook deliveries belong to a
# subscriber's account on this installation, an Open311 request to one of its API keys.
LEFT_OUT = {"webhooks.delivery", "webhooks.attempt", "open311.servicerequest"}
# Fields of shared rows not carried over (permissions name content types of this installation).
SHARED_SKIP_FIELDS = {"groups", "user_permissions", "last_login"}


class TransferError(Exception):
    """The export or import cannot be done; the message says why in plain words."""


Progress = Callable[[int, int], None]


def label(model) -> str:
    return model._meta.label_lower


def natural_field(model) -> str | None:
    """The model's natural key: its first unique field other than the primary key."""
    for f in model._meta.concrete_fields:
        if f.unique and not f.primary_key:
            return f.name
    return None


def _foreign_keys(model) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]


def _in_project(model) -> bool:
    return model._meta.app_label in PROJECT_APPS and label(model) not in LEFT_OUT


# --- export -----------------------------------------------------------------------------------


def _owned_rows(workstation) -> dict[type, set]:
    """The workstation and every row of our apps that points at one of its rows, transitively."""
    owned: dict[type, set] = defaultdict(set)
    start = type(workstation)
    owned[start].add(workstation.pk)
    queue = [(start, {workstation.pk})]
    while queue:
        model, pks = queue.pop()
        for rel in model._meta.related_objects:
            if rel.many_to_many or not _in_project(rel.related_model):
                continue
            related = rel.related_model
            found = (
                set(related._base_manager.filter(**{f"{rel.field.name}__in": pks}).values_list("pk", flat=True))
                - owned[related]
            )
            if found:
                owned[related] |= found
                queue.append((related, found))
    return owned


def _ordered_models(models_: Iterable[type]) -> list[type]:
    """Models in an order where each comes after those it points to (self references aside)."""
    pending = set(models_)
    ordered: list[type] = []
    while pending:
        ready = [
            m
            for m in pending
            if not any(f.related_model in pending and f.related_model is not m for f in _foreign_keys(m))
        ]
        if not ready:
            names = ", ".join(sorted(label(m) for m in pending))
            raise TransferError(f"These tables point at each other and cannot be ordered: {names}.")
        for m in sorted(ready, key=label):
            ordered.append(m)
            pending.discard(m)
    return ordered


@dataclass
class Export:
    owned: dict[type, set]
    shared: dict[type, set] = field(default_factory=lambda: defaultdict(set))

    @property
    def total(self) -> int:
        return sum(map(len, self.owned.values())) + sum(map(len, self.shared.values()))


def _collect_shared(export: Export) -> None:
    """Every row outside the workstation that an exported row points to, and what those point to."""
    queue = list(export.owned.items())
    while queue:
        model, pks = queue.pop()
        is_owned = model in export.owned
        relations = [(f, False) for f in _foreign_keys(model)]
        relations += [
            (f, True) for f in model._meta.many_to_many if not (not is_owned and f.name in SHARED_SKIP_FIELDS)
        ]
        for f, many in relations:
            target = f.related_model
            if many and not f.remote_field.through._meta.auto_created:
                continue  # an explicit through model is a model of its own, walked as one
            values = set(
                model._base_manager.filter(pk__in=pks, **{f"{f.name}__isnull": False}).values_list(
                    f"{f.name}__pk" if many else f.attname, flat=True
                )
            )
            outside = values - export.owned.get(target, set()) - export.shared[target]
            if not outside:
                continue
            if natural_field(target) is None:
                raise TransferError(
                    f"{label(model)}.{f.name} points at {label(target)} rows outside the workstation, "
                    "which have no unique key to match them by in another installation."
                )
            export.shared[target] |= outside
            queue.append((target, outside))


def plan_export(workstation) -> Export:
    export = Export(owned=_owned_rows(workstation))
    _collect_shared(export)
    return export


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def write_export(workstation, path, *, progress: Progress | None = None) -> dict:
    """Write the zip; returns the manifest (row counts by table)."""
    export = plan_export(workstation)
    counts: dict[str, int] = {}
    files: list[tuple] = []
    done = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        with archive.open("data.jsonl", "w", force_zip64=True) as out:
            for part, rows in (("shared", export.shared), ("owned", export.owned)):
                for model in _ordered_models(rows):
                    pks = sorted(rows[model])
                    counts[label(model)] = counts.get(label(model), 0) + len(pks)
                    fields = None
                    if part == "shared":
                        fields = [
                            f.name
                            for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
                            if f.name not in SHARED_SKIP_FIELDS and not f.primary_key
                        ]
                    for start in range(0, len(pks), 500):
                        batch = list(model._base_manager.filter(pk__in=pks[start : start + 500]).order_by("pk"))
                        for record in serializers.serialize("python", batch, fields=fields):
                            record["part"] = part
                            if part == "shared":
                                key = natural_field(model)
                                record["key"] = [key, record["fields"][key]]
                            out.write((json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n").encode())
                        if part == "owned":
                            for obj in batch:
                                for f in _file_fields(model):
                                    if stored := getattr(obj, f.attname).name:
                                        files.append((f.storage, stored))
                        done += len(batch)
                        if progress:
                            progress(done, export.total)
        # A zip takes one open entry at a time: the stored files go in after the rows.
        for storage, name in files:
            with storage.open(name, "rb") as src, archive.open(f"media/{name}", "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "workstation": workstation.slug,
            "exported_at": dt.datetime.now(dt.UTC).isoformat(),
            "rows": counts,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


# --- import -----------------------------------------------------------------------------------


def read_export(path) -> tuple[dict, list[dict], zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(path)
        manifest = json.loads(archive.read("manifest.json"))
        records = [json.loads(line) for line in archive.read("data.jsonl").splitlines() if line.strip()]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise TransferError(f"{path} is not an export of export_data ({error}).") from error
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise TransferError(f"{path} is not an export of export_data in version {VERSION}.")
    return manifest, records, archive


def _unique_single_fields(model) -> list[str]:
    """Unique fields and one-field unique constraints, other than keys (remapped on the way in)."""
    names = [f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    for constraint in model._meta.total_unique_constraints:
        if len(constraint.fields) == 1:
            names.append(constraint.fields[0])
    return [name for name in names if not model._meta.get_field(name).is_relation]


def find_conflicts(records: list[dict]) -> list[str]:
    """What in the target already holds a value the import must create (one line each)."""
    conflicts = []
    by_model: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_model[record["model"]].append(record)
    for name, rows in by_model.items():
        model = apps.get_model(name)
        owned = [r for r in rows if r["part"] == "owned"]
        if not owned:
            # Shared rows to be created must not clash with other rows on another unique field.
            key = natural_field(model)
            existing = set(
                model._base_manager.filter(**{f"{key}__in": [r["key"][1] for r in rows]}).values_list(key, flat=True)
            )
            owned = [r for r in rows if r["key"][1] not in existing]
        for field_name in _unique_single_fields(model):
            f = model._meta.get_field(field_name)
            values = {r["fields"].get(f.name) for r in owned} - {None, ""}
            if not values:
                continue
            taken = sorted(model._base_manager.filter(**{f"{f.name}__in": values}).values_list(f.name, flat=True)[:5])
            if taken:
                shown = ", ".join(map(str, taken))
                conflicts.append(f"{label(model)} with {f.name} {shown} already exists here")
    return conflicts


def _remap(obj, model, mapping: dict[type, dict], deferred: list) -> None:
    for f in _foreign_keys(model):
        old = getattr(obj, f.attname)
        if old is None:
            continue
        target = mapping[f.related_model]
        if old in target:
            setattr(obj, f.attname, target[old])
        elif f.related_model is model and f.null:
            setattr(obj, f.attname, None)
            deferred.append((obj, f, old))
        else:
            raise TransferError(
                f"{label(model)}.{f.name} points at a {label(f.related_model)} missing from the export."
            )


def import_export(path, *, progress: Progress | None = None) -> dict:
    """Import what write_export wrote; refuses (TransferError, nothing written) on conflicts."""
    from issues.models import Issue, ReferenceCounter

    manifest, records, archive = read_export(path)
    conflicts = find_conflicts(records)
    if conflicts:
        raise TransferError(
            "The target installation already holds data of this export; nothing was imported:\n  - "
            + "\n  - ".join(conflicts)
        )
    by_model: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for record in records:
        by_model[(record["part"], record["model"])].append(record)
    mapping: dict[type, dict] = defaultdict(dict)
    created_shared: dict[type, set] = {}
    total, done = len(records), 0
    try:
        with transaction.atomic():
            for part in ("shared", "owned"):
                for model in _ordered_models({apps.get_model(m) for p, m in by_model if p == part}):
                    rows = by_model[(part, label(model))]
                    done += _import_rows(model, rows, part, mapping, created_shared, archive)
                    if progress:
                        progress(done, total)
            for part in ("shared", "owned"):
                for (p, name), rows in by_model.items():
                    if p == part:
                        _set_many(apps.get_model(name), rows, mapping, created_shared)
            # New reports must not be handed a reference an imported one holds.
            imported = Issue.objects.filter(pk__in=mapping[Issue].values()).values_list("reference", flat=True)
            highest: dict[str, int] = {}
            for reference in imported:
                prefix, _, number = reference.rpartition("-")
                if number.isdigit():
                    highest[prefix] = max(highest.get(prefix, 0), int(number))
            for prefix, value in highest.items():
                counter, _ = ReferenceCounter.objects.get_or_create(prefix=prefix)
                if counter.value < value:
                    ReferenceCounter.objects.filter(pk=counter.pk).update(value=value)
    except IntegrityError as error:
        raise TransferError(f"The target refused a row, so nothing was imported: {error}") from error
    finally:
        archive.close()
    return manifest


def _import_rows(model, rows: list[dict], part: str, mapping, created_shared, archive) -> int:
    objects = [d.object for d in serializers.deserialize("python", rows, ignorenonexistent=True)]
    fresh = list(zip(rows, objects, strict=True))
    if part == "shared":
        key = natural_field(model)
        existing = dict(
            model._base_manager.filter(**{f"{key}__in": [r["key"][1] for r in rows]}).values_list(key, "pk")
        )
        for row, _ in fresh:
            if row["key"][1] in existing:
                mapping[model][row["pk"]] = existing[row["key"][1]]
        fresh = [(row, obj) for row, obj in fresh if row["key"][1] not in existing]
        created_shared[model] = {row["pk"] for row, _ in fresh}
    deferred: list = []
    for _, obj in fresh:
        _remap(obj, model, mapping, deferred)
        obj.pk = None
        for f in _file_fields(model):
            stored = getattr(obj, f.attname).name
            if stored:
                with archive.open(f"media/{stored}") as src:
                    setattr(obj, f.attname, f.storage.save(stored, ContentFile(src.read())))
    created = model._base_manager.bulk_create([obj for _, obj in fresh], batch_size=500)
    for (row, _), obj in zip(fresh, created, strict=True):
        mapping[model][row["pk"]] = obj.pk
    # bulk_create stamps auto_now / auto_now_add fields with the time of the import: put the
    # exported times back; then the references to rows of the same table, now that they exist.
    stamped = [
        f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    if stamped and created:
        for row, obj in fresh:
            for f in stamped:
                setattr(obj, f.attname, f.to_python(row["fields"][f.name]))
        model._base_manager.bulk_update(created, [f.name for f in stamped], batch_size=500)
    if deferred:
        for obj, f, old in deferred:
            setattr(obj, f.attname, mapping[model][old])
        model._base_manager.bulk_update([obj for obj, _, _ in deferred], list({f.name for _, f, _ in deferred}))
    return len(rows)


def _set_many(model, rows: list[dict], mapping, created_shared) -> None:
    for row in rows:
        if row["part"] == "shared" and row["pk"] not in created_shared.get(model, ()):
            continue  # an existing shared row is used as it is
        new = mapping[model][row["pk"]]
        for name, values in row["fields"].items():
            f = model._meta.get_field(name)
            if not f.many_to_many or not values:
                continue
            target = mapping[f.related_model]
            through = f.remote_field.through
            source_col, target_col = f.m2m_field_name() + "_id", f.m2m_reverse_field_name() + "_id"
            through.objects.bulk_create(
                through(**{source_col: new, target_col: target[v]}) for v in values if v in target
            )
