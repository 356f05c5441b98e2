"""The demo's 难事共办 story (called from seed_demo; idempotent): at 高安路 the shops and the
households above share electricity meters. Four households report it through the core's intake;
staff open a case with 市南供电所 leading and 衡复物业 supporting (the department seed_demo already
has; the estates part may later make it a property company); a final 专题会议 with two
decisions; an agreed cost share; one action done and one overdue. And 区绿化市容局's 结对 with
梧桐片区, its part-time deputy secretary, co-owned topics and this year's commitments."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from issues import services as issue_services
from issues.models import Category
from workstations.models import Department, Location, Role, Workstation

from . import services
from .models import Case, Commitment, CostAgreement, Partnership

User = get_user_model()

TITLE = "高安路底商与居民合用电表分表"
HOUSEHOLDS = [
    ("高安路19弄3号 王阿姨", "13800001901", "楼下商铺和我们家合用一个电表，电费说不清，要求分表。"),
    ("高安路19弄5号 李先生", "13800001902", "底商和居民共用电表，多次反映，希望尽快分开。"),
    ("高安路19弄7号 陈女士", "13800001903", "电表箱老化，和商铺共用一块表，担心安全。"),
    ("高安路19弄9号 张老伯", "13800001904", "我们这栋楼电表和店面合在一起，请帮忙分户。"),
]
COMMITMENTS = [
    ("每季度一次门责制落实检查", True),
    ("垃圾分类示范楼组创建指导", False),
    ("沿街绿化补种与养护", False),
]


def _user(username: str, full_name: str, password_hash: str):
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": full_name, "email": f"{username}@example.invalid", "password": password_hash},
    )
    return user


def seed(workstation: Workstation, *, password_hash: str) -> dict:
    """Returns the demo's case and partnership URLs (for seed_demo --json)."""
    staff = User.objects.get(username="demo-staff")
    power_liaison = User.objects.get(username="demo-power")
    power = Department.objects.get(slug="shinan-power")
    property_company = Department.objects.get(slug="hengfu-property")
    bureau = Department.objects.get(slug="district-greening")
    deputy = _user("demo-deputy", "黄卫东", password_hash)
    Role.objects.get_or_create(user=deputy, kind=Role.Kind.DEPUTY_SECRETARY, workstation=workstation)

    case = Case.objects.filter(workstation=workstation, title=TITLE).first()
    if case is None:
        case = _meter_case(workstation, staff, power_liaison, power, property_company)
    partnership = _partnership(workstation, bureau, deputy, staff)
    return {
        "case_urls": [f"{settings.SITE_URL}/cases/{case.pk}/"],
        "partnership_urls": [f"{settings.SITE_URL}/partnerships/{partnership.pk}/"],
        "deputy_secretary": deputy.username,
    }


def _meter_case(workstation, staff, power_liaison, power, property_company) -> Case:
    location = Location.objects.filter(
        grid__neighbourhood__workstation=workstation, name__startswith="高安路19弄"
    ).first()
    reports = []
    for name, phone, text in HOUSEHOLDS:
        issue, _token, _created = issue_services.create_issue(
            location, description=text, kind="complex", reporter_name=name, reporter_phone=phone
        )
        issue_services.route_issue(issue.pk)
        reports.append(issue)
    now = timezone.now()
    case = services.open_case(
        workstation,
        actor=staff,
        title=TITLE,
        description="底商与楼上居民合用电表，供电所和物业现场勘查发现安全隐患。",
        issues=reports,
        units=[
            services.UnitPlan(power, "lead", now + dt.timedelta(days=25), "三相电表分装"),
            services.UnitPlan(property_company, "support", now + dt.timedelta(days=25), "电表箱移位、配合施工"),
        ],
    )
    services.acknowledge_unit(case, actor=power_liaison)
    meeting = services.create_meeting(
        case,
        actor=staff,
        kind="topic",
        held_at=now - dt.timedelta(days=6),
        place="梧桐片区民情快办工作站会议室",
        attendees=[staff, power_liaison],
        units=[power, property_company],
    )
    services.add_agenda_item(meeting, actor=staff, title="现场勘查情况通报：合用电表存在安全隐患")
    meters = services.add_agenda_item(
        meeting,
        actor=staff,
        title="供电所负责三相电表分装",
        outcome="decision",
        responsible_unit=power,
        due_at=now + dt.timedelta(days=20),
    )
    boxes = services.add_agenda_item(
        meeting,
        actor=staff,
        title="物业负责电表箱移位",
        outcome="decision",
        responsible_unit=property_company,
        due_at=now + dt.timedelta(days=2),
    )
    services.write_minutes(
        meeting,
        actor=staff,
        minutes="专题会议：供电所、物业、居民代表到会，商定分表方案与费用分摊。",
        resident_summary="专题会议商定：供电所分装三相电表，物业移位电表箱，费用按协议分摊。",
    )
    services.confirm_minutes(meeting, actor=staff)
    services.confirm_minutes(meeting, actor=power_liaison)
    services.finalise_minutes(meeting, actor=staff)

    agreement = services.create_agreement(
        case,
        actor=staff,
        title="三相电表及电表箱改造",
        total=Decimal("48000"),
        basis="percent",
        shares=[
            services.SharePlan("市南供电所", "company", percent=Decimal("50"), department=power),
            services.SharePlan("高安路19弄业主", "maintenance_fund", percent=Decimal("30")),
            services.SharePlan("天平街道", "subsidy", percent=Decimal("20")),
        ],
        milestones=[("开工", Decimal("24000")), ("竣工验收", Decimal("24000"))],
    )
    for share in agreement.shares.all():
        services.confirm_share(share, actor=power_liaison if share.department_id else staff)
    assert CostAgreement.objects.get(pk=agreement.pk).status == "agreed"

    services.complete_action(meters.action, actor=power_liaison, note="三相电表已分装到户，居民与商铺分别计量。")
    # The property company's item is overdue: its deadline lies three days back (history).
    type(boxes.action).objects.filter(pk=boxes.action_id).update(due_at=now - dt.timedelta(days=3), remind_at=None)
    return case


def _partnership(workstation, bureau, deputy, staff) -> Partnership:
    partnership, _created = Partnership.objects.get_or_create(
        department=bureau,
        workstation=workstation,
        defaults={"deputy_secretary": deputy, "started_on": dt.date(timezone.localdate().year, 1, 1)},
    )
    partnership.categories.add(*Category.objects.filter(slug="greening"))
    year = timezone.localdate().year
    for title, fulfilled in COMMITMENTS:
        commitment, created = Commitment.objects.get_or_create(partnership=partnership, year=year, title=title)
        if created and fulfilled:
            services.fulfil_commitment(commitment, actor=staff, note="已完成本季度检查，问题商户逐一整改。")
    return partnership
