"""One GeoReport service per kind of matter, with the questions that help the grid worker."""

from django.db import migrations

WHERE = {
    "code": "WHERE",
    "datatype": "string",
    "required": False,
    "order": 1,
    "description": "具体位置（楼号、单元、楼层）：",
    "datatype_description": "例如：12号楼2单元3楼",
}

SERVICES = [
    {
        "code": "urgent",
        "name": "急事快办",
        "description": "停电、漏水、电线断落、井盖缺失等需要马上处理的急事。",
        "kind": "urgent",
        "group": "急事",
        "keywords": "停电,漏水,电线,井盖,安全",
        "publish_descriptions": True,
        "service_notice": "急事10分钟内受理，网格员尽快到场。",
        "order": 1,
        "attributes": [
            {
                "code": "DANGER",
                "datatype": "singlevaluelist",
                "required": True,
                "order": 2,
                "description": "现在有人身安全危险吗？",
                "values": [{"key": "yes", "name": "有"}, {"key": "no", "name": "没有"}],
            },
        ],
    },
    {
        "code": "consult",
        "name": "小事即办",
        "description": "咨询、办事指引、政策问答等可以马上答复的小事。",
        "kind": "consult",
        "group": "民生服务",
        "keywords": "咨询,办事,政策,证件",
        "publish_descriptions": False,
        "service_notice": "",
        "order": 2,
        "attributes": [],
    },
    {
        "code": "complex",
        "name": "难事共办",
        "description": "邻里纠纷、加装电梯、房屋修缮等需要多方一起解决的难事。",
        "kind": "complex",
        "group": "共治",
        "keywords": "纠纷,电梯,修缮,协调",
        "publish_descriptions": False,
        "service_notice": "",
        "order": 3,
        "attributes": [],
    },
    {
        "code": "community",
        "name": "好事常办",
        "description": "社区建议、志愿服务和身边的好人好事。",
        "kind": "community",
        "group": "共治",
        "keywords": "建议,志愿,好人好事",
        "publish_descriptions": True,
        "service_notice": "",
        "order": 4,
        "attributes": [],
    },
]


def create(apps, schema_editor):
    Service = apps.get_model("open311", "Service")
    ServiceAttribute = apps.get_model("open311", "ServiceAttribute")
    for spec in SERVICES:
        spec = dict(spec)
        attributes = [WHERE, *spec.pop("attributes")]
        service, created = Service.objects.get_or_create(code=spec["code"], defaults=spec)
        if not created:
            continue
        for attribute in attributes:
            ServiceAttribute.objects.create(service=service, **attribute)


def remove(apps, schema_editor):
    apps.get_model("open311", "Service").objects.filter(code__in=[s["code"] for s in SERVICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("open311", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
