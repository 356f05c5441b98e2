import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0004_lifecycle_engine"),
        ("open311", "0002_default_services"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="category",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="issues.category",
                verbose_name="category",
            ),
        ),
    ]
