"""The estates of the demo (seed_demo): three estates of 梧桐片区 — 永嘉新村 (售后公房, served by
衡复物业, every category published, 收入明细 stale), 安亭 (a second company) and an old lane estate
with no company — the user demo-property (衡复物业's customer service), staleness rules and the
company SLA policies. Idempotent: a second run changes nothing."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from workstations.models import Department, Location, Neighbourhood, Role

from .models import (
    Category,
    Disclosure,
    Estate,
    EstateLocation,
    PropertyCompany,
    PropertySLAPolicy,
    ServiceContract,
    StalenessRule,
)

User = get_user_model()

# Credit codes whose check character is right (GB 32100-2015); the companies are the demo's own.
COMPANIES = [
    ("hengfu-property", "衡复物业", "91310104MA1FL0HF0M", "021-64731520"),
    ("anting-property", "安亭物业", "91310104MA1FL2AT1T", "021-64312288"),
]

ESTATES = [
    # name, neighbourhood slug, kind, households, company department slug, locations, address, short code
    (
        "永嘉新村",
        "yongjia-xincun",
        Estate.Kind.PUBLIC_SOLD,
        420,
        "hengfu-property",
        ["永嘉新村 南大门"],
        "徐汇区永嘉路580弄",
        "yjxc",
    ),
    (
        "安亭公寓",
        "anting",
        Estate.Kind.COMMERCIAL,
        160,
        "anting-property",
        ["衡山路52号 安亭公寓门口"],
        "徐汇区衡山路52号",
        "atgy",
    ),
    ("高安路19弄", "anting", Estate.Kind.LANE, 48, None, ["高安路19弄 弄口"], "徐汇区高安路19弄", "ga19"),
]

RULES = [
    ("收入明细超过一个季度未更新", Category.ACCOUNTS, StalenessRule.Check.OLDER_THAN, 92),
    ("一年内无服务履职报告", Category.REPORT, StalenessRule.Check.OLDER_THAN, 365),
    ("服务合同已过期", Category.CONTRACT, StalenessRule.Check.CONTRACT_ENDED, None),
    ("从未公开", "", StalenessRule.Check.NEVER, None),
]

SLA = [
    ("urgent", "minutes", 30, 240),
    ("consult", "working_days", 1, 1),
    ("complex", "working_days", 2, 15),
    ("community", "working_days", 2, 10),
]

TEXTS = {
    Category.CONTRACT: "物业服务合同（2025—2027），全文见附件或到物业服务中心查阅。",
    Category.FEES: "住宅物业服务费 每月每平方米 0.65 元；机动车停车费 每月 150 元。",
    Category.ACCOUNTS: "2026 年第一季度物业服务收入与支出明细。",
    Category.PROCEDURES: "报修：24 小时热线 021-64731520；一般报修 1 个工作日内上门。",
    Category.REPORT: "2026 年上半年服务履职报告：保洁、绿化、秩序维护、设施设备维护。",
    Category.CONTACTS: "项目经理 陈立新 13800138000；物业服务中心 永嘉路580弄1号。",
}


def seed(seeder, workstation, *, password_hash: str) -> dict:
    """Called from seed_demo after the places, departments and users (`seeder.ensure` counts what
    it writes). Returns what --json adds: estate_urls, estate_qr_urls (first estate first) and the
    `property` user."""
    ensure = seeder.ensure
    subdistrict = workstation.subdistrict
    departments = {d.slug: d for d in Department.objects.filter(slug__in=[slug for slug, *_rest in COMPANIES])}
    for slug, name, _code, phone in COMPANIES:
        if slug not in departments:
            departments[slug] = ensure(
                Department,
                {"slug": slug},
                {"subdistrict": subdistrict, "name": name, "category": Department.Category.PROPERTY, "phone": phone},
            )
    companies = {
        slug: ensure(
            PropertyCompany,
            {"credit_code": code},
            {"name": name, "phone": phone, "department": departments[slug], "contact_name": ""},
        )
        for slug, name, code, phone in COMPANIES
    }
    demo_property = ensure(
        User,
        {"username": "demo-property"},
        {
            "first_name": "钱慧",
            "last_name": "",
            "email": "demo-property@example.invalid",
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
            "password": password_hash,
        },
    )
    ensure(
        Role,
        {"user": demo_property, "kind": Role.Kind.PROPERTY, "department": departments["hengfu-property"]},
        {"is_primary": True},
    )
    officer = User.objects.get(username="demo-housing")
    for name, category, kind, days in RULES:
        ensure(StalenessRule, {"name": name}, {"category": category, "kind": kind, "days": days, "is_active": True})
    for kind, unit, accept, resolve in SLA:
        ensure(
            PropertySLAPolicy,
            {"kind": kind, "priority": "normal"},
            {"unit": unit, "accept_within": accept, "resolve_within": resolve},
        )

    today = timezone.localdate()
    estates = []
    qr_urls = []
    for name, hood, kind, households, company_slug, location_names, address, code in ESTATES:
        neighbourhood = Neighbourhood.objects.get(workstation=workstation, slug=hood)
        company = companies[company_slug] if company_slug else None
        estate = ensure(
            Estate,
            {"neighbourhood": neighbourhood, "name": name},
            {
                "kind": kind,
                "households": households,
                "company": company,
                "address": address,
                "housing_officer": officer,
                "housing_officer_phone": "021-64370126",
                "manager_name": "陈立新" if company else "",
                "manager_certificate": "沪物业经理 2019-0321" if company else "",
                "manager_phone": "13800138000" if company else "",
                "committee_contact": "业委会 刘主任" if kind != Estate.Kind.LANE else "",
                "short_code": code,
            },
        )
        estates.append(estate)
        for loc in Location.objects.filter(grid__neighbourhood=neighbourhood, name__in=location_names).order_by("pk"):
            ensure(EstateLocation, {"location": loc}, {"estate": estate})
            qr_urls.append(loc.report_url())
        if company is not None:
            ensure(
                ServiceContract,
                {"estate": estate, "company": company},
                {"starts_on": dt.date(2025, 1, 1), "ends_on": dt.date(2027, 12, 31)},
            )

    yongjia = estates[0]
    if not yongjia.disclosures.exists():
        quarter_ago = today - dt.timedelta(days=200)  # 收入明细 past a quarter: the stale one
        for category in Category.values:
            end = quarter_ago if category == Category.ACCOUNTS else today
            Disclosure.objects.create(
                estate=yongjia,
                category=category,
                text=TEXTS[category],
                period_start=end - dt.timedelta(days=90),
                period_end=end,
                published_by=demo_property,
            )
            seeder.created += 1
    return {
        "estate_urls": [e.public_url() for e in estates],
        "estate_qr_urls": qr_urls,
        "property_user": demo_property.username,
    }
