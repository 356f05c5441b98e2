"""The resident side (issue 4): keyword rules with a starting set, the issue's urgent-keyword
flag, photo thumbnails, and the index of resolved issues awaiting the resident's answer.

The starting keywords are written out here, as a migration must keep meaning what it meant;
administrators edit the rows afterwards.
"""

from django.db import migrations, models

import issues.models

STARTING_KEYWORDS = [
    # phrase, note
    ("电线", "电线断落、裸露"),
    ("漏电", "触电危险"),
    ("触电", "触电危险"),
    ("燃气", "燃气泄漏"),
    ("煤气", "燃气泄漏"),
    ("漏水", "漏水、水管爆裂"),
    ("爆管", "水管爆裂"),
    ("着火", "火情"),
    ("冒烟", "火情"),
    ("火灾", "火情"),
    ("坠落", "高空坠物"),
    ("塌", "倒塌、塌陷"),
    ("困在电梯", "电梯困人"),
]


def add_starting_keywords(apps, schema_editor):
    KeywordRule = apps.get_model("issues", "KeywordRule")
    for phrase, note in STARTING_KEYWORDS:
        KeywordRule.objects.get_or_create(phrase=phrase, defaults={"note": note})


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0002_default_sla_policies"),
    ]

    operations = [
        migrations.CreateModel(
            name="KeywordRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("phrase", models.CharField(max_length=30, unique=True, verbose_name="word or phrase")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("note", models.CharField(blank=True, max_length=100, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "urgent keyword",
                "verbose_name_plural": "urgent keywords",
                "ordering": ["phrase"],
            },
        ),
        migrations.AddField(
            model_name="issue",
            name="urgent_keywords",
            field=models.CharField(blank=True, max_length=200, verbose_name="urgent keywords found"),
        ),
        migrations.AddField(
            model_name="issuephoto",
            name="thumbnail",
            field=models.ImageField(blank=True, upload_to=issues.models.photo_path),
        ),
        migrations.AddIndex(
            model_name="issue",
            index=models.Index(
                condition=models.Q(("status", "resolved")), fields=["resolved_at"], name="issue_awaiting_confirmation"
            ),
        ),
        migrations.RunPython(add_starting_keywords, migrations.RunPython.noop),
    ]
