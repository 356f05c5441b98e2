"""Issue 18, item 21: a short code per location for the address printed on its poster (typed,
not scanned), kept with a replaced QR code too. Existing locations get their own random code."""

import secrets

from django.db import migrations, models

import workstations.models

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as workstations.models, written out


def give_short_codes(apps, schema_editor):
    Location = apps.get_model("workstations", "Location")
    taken = set()
    for location in Location.objects.filter(short_code__isnull=True).only("pk"):
        code = None
        while code is None or code in taken:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        taken.add(code)
        Location.objects.filter(pk=location.pk).update(short_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("workstations", "0007_role_property"),
    ]

    operations = [
        migrations.AddField(
            model_name="location",
            name="short_code",
            field=models.CharField(editable=False, max_length=8, null=True, verbose_name="short code"),
        ),
        migrations.RunPython(give_short_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="location",
            name="short_code",
            field=models.CharField(
                default=workstations.models.new_short_code,
                editable=False,
                max_length=8,
                unique=True,
                verbose_name="short code",
            ),
        ),
        migrations.AddField(
            model_name="retiredqrcode",
            name="short_code",
            field=models.CharField(blank=True, max_length=8, null=True, unique=True, verbose_name="short code"),
        ),
    ]
