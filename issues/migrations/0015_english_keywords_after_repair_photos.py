"""Issue 18: English urgent keywords for the same dangers as the starting Chinese ones (0003), and
photos taken by the handler when resolving ("after the repair").

The keywords are written out here, as a migration must keep meaning what it meant; administrators
edit the rows afterwards. A phrase in Latin letters matches where a word begins (issues.keywords).
"""

from django.db import migrations, models

ENGLISH_KEYWORDS = [
    # phrase (whole words), note (the Chinese rule it stands beside)
    ("live wire", "电线断落、裸露"),
    ("bare wire", "电线断落、裸露"),
    ("exposed wire", "电线断落、裸露"),
    ("wire is down", "电线断落、裸露"),
    ("wires are down", "电线断落、裸露"),
    ("fallen wire", "电线断落、裸露"),
    ("power line", "电线断落、裸露"),
    ("sparking", "触电危险"),
    ("sparks", "触电危险"),
    ("electric shock", "触电危险"),
    ("electrocuted", "触电危险"),
    ("gas leak", "燃气泄漏"),
    ("leaking gas", "燃气泄漏"),
    ("smell of gas", "燃气泄漏"),
    ("smells of gas", "燃气泄漏"),
    ("gas smell", "燃气泄漏"),
    ("leak", "漏水、水管爆裂"),
    ("leaks", "漏水、水管爆裂"),
    ("leaking", "漏水、水管爆裂"),
    ("burst", "水管爆裂"),
    ("flooding", "漏水、水管爆裂"),
    ("fire", "火情"),
    ("flames", "火情"),
    ("smoke", "火情"),
    ("burning", "火情"),
    ("falling", "高空坠物"),
    ("fell from", "高空坠物"),
    ("collapse", "倒塌、塌陷"),
    ("collapsed", "倒塌、塌陷"),
    ("collapsing", "倒塌、塌陷"),
    ("caved in", "倒塌、塌陷"),
    ("stuck in the lift", "电梯困人"),
    ("stuck in a lift", "电梯困人"),
    ("trapped", "电梯困人"),
    ("stuck in the elevator", "电梯困人"),
    ("stuck in an elevator", "电梯困人"),
]


def add_english_keywords(apps, schema_editor):
    KeywordRule = apps.get_model("issues", "KeywordRule")
    for phrase, note in ENGLISH_KEYWORDS:
        KeywordRule.objects.get_or_create(phrase=phrase, defaults={"note": note})


def remove_english_keywords(apps, schema_editor):
    KeywordRule = apps.get_model("issues", "KeywordRule")
    KeywordRule.objects.filter(phrase__in=[phrase for phrase, _note in ENGLISH_KEYWORDS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0014_property_service"),
    ]

    operations = [
        migrations.AddField(
            model_name="issuephoto",
            name="is_after_repair",
            field=models.BooleanField(default=False, verbose_name="after the repair"),
        ),
        migrations.RunPython(add_english_keywords, remove_english_keywords),
    ]
