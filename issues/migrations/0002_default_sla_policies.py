"""The four default SLA policies, so administrators see and edit real rows from day one.

The values are written out here (not imported from issues.sla) because a migration must keep
meaning what it meant when it was written, whatever the code says later. They match
issues.sla.DEFAULT_TARGETS at the time of writing.
"""

from django.db import migrations

DEFAULT_POLICIES = [
    # kind, unit, accept_within, resolve_within
    ("urgent", "minutes", 10, 240),  # 急事快办: accept in 10 minutes, resolve in 4 hours
    ("consult", "working_days", None, 1),  # 小事即办: answered within one working day
    ("complex", "days", None, 30),  # 难事共办: 30 calendar days
    ("community", "days", None, 14),  # 好事常办: 14 calendar days
]


def create_default_policies(apps, schema_editor):
    SLAPolicy = apps.get_model("issues", "SLAPolicy")
    for kind, unit, accept_within, resolve_within in DEFAULT_POLICIES:
        # get_or_create: never overwrite a policy an administrator already saved.
        SLAPolicy.objects.get_or_create(
            kind=kind,
            defaults={"unit": unit, "accept_within": accept_within, "resolve_within": resolve_within},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_default_policies, migrations.RunPython.noop),
    ]
