import datetime as dt

import django.db.models.deletion
from django.db import migrations, models

"""Issue 14 (security): photos shown to the resident only with a public event; FAQ entries
belong to a workstation."""

# Photos stored before this migration carry no event. Those that came with the report or with a
# resident's own note (written within seconds of them) stay on the resident's page; every other
# photo (a staff or worker note's) is internal from now on.
NEAR = dt.timedelta(seconds=5)


def mark_residents_photos_public(apps, schema_editor):
    IssuePhoto = apps.get_model("issues", "IssuePhoto")
    IssueEvent = apps.get_model("issues", "IssueEvent")
    public = []
    for photo in IssuePhoto.objects.select_related("issue").iterator(chunk_size=500):
        with_report = abs(photo.created_at - photo.issue.created_at) <= NEAR
        with_note = IssueEvent.objects.filter(
            issue_id=photo.issue_id,
            type="resident_note",
            created_at__gte=photo.created_at - NEAR,
            created_at__lte=photo.created_at + NEAR,
        ).exists()
        if with_report or with_note:
            public.append(photo.pk)
    IssuePhoto.objects.filter(pk__in=public).update(is_public=True)


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0009_issueevent_phone_shown"),
        ("workstations", "0004_role_area_secretary"),
    ]

    operations = [
        migrations.AddField(
            model_name="issuephoto",
            name="is_public",
            field=models.BooleanField(default=False, verbose_name="shown to the resident"),
        ),
        migrations.RunPython(mark_residents_photos_public, migrations.RunPython.noop),
        migrations.AddField(
            model_name="issue",
            name="publishable_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="published in public listings"),
        ),
        # FAQ entries belong to a workstation; those written before stay for every resident.
        migrations.AddField(
            model_name="faq",
            name="subdistrict_wide",
            field=models.BooleanField(default=False, verbose_name="for the whole subdistrict"),
        ),
        migrations.AddField(
            model_name="faq",
            name="workstation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="faq_entries",
                to="workstations.workstation",
                verbose_name="workstation",
            ),
        ),
    ]
