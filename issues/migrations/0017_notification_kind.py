"""Notification.kind: what a message is, where that changes how it goes out (the SMS template,
waiting out the night, a reminder not sent once answered). Until now it was read from the start
of `key`; existing rows get their kind from that same start."""

from django.db import migrations, models

# The key prefixes that were read as a kind (issues.notify, gateways.sms); any other row is a notice.
KIND_BY_KEY_PREFIX = {
    "received": ("resident:received:", "resident:assigned:"),
    "resolved": ("resident:resolved:",),
    "reminder": ("resident:confirm-reminder:",),
    "closed": ("resident:closed-unanswered:",),
    "offer": ("community:offer:", "activity:offer:", "offer:"),
}


def kind_from_key(apps, schema_editor):
    Notification = apps.get_model("issues", "Notification")
    for kind, prefixes in KIND_BY_KEY_PREFIX.items():
        for prefix in prefixes:
            Notification.objects.filter(key__startswith=prefix).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0016_pending_photos"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("notice", "notice"),
                    ("received", "report received"),
                    ("resolved", "report resolved"),
                    ("reminder", "reminder to confirm"),
                    ("closed", "closed without an answer"),
                    ("offer", "seat offered"),
                ],
                default="notice",
                max_length=16,
            ),
        ),
        migrations.RunPython(kind_from_key, migrations.RunPython.noop, elidable=True),
    ]
