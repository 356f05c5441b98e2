"""Demo data: 天平街道, its 梧桐片区 workstation, places, departments, FAQ and the demo users.

Idempotent: every row is found by its natural key and only the fields that differ are saved,
so a second run writes nothing. Existing locations keep their QR tokens (printed posters stay
valid), and a password is written only when it no longer matches DEMO_PASSWORD.
"""

import contextlib
import json
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from community import demo as community_demo
from cowork import demo as cowork_demo
from estates import demo as estates_demo
from issues.models import FAQ, Category, EscalationContact
from open311.models import LocationPoint
from open311.services import demo_api_key
from workstations import demo_history, places_csv
from workstations.models import Department, District, Location, Role, Subdistrict, Workstation

User = get_user_model()

# Every demo user's hash uses this one salt, so a run hashes DEMO_PASSWORD once and compares
# strings: the seed stays fast, and an unchanged password leaves the rows (and the demo users'
# sessions) alone. The password is published anyway. 26 characters: enough entropy that
# Django does not re-hash it at login.
DEMO_SALT = "minqingDemoSeedSalt2026tpw"

DISTRICT = {"slug": "xuhui", "name": "徐汇区"}
SUBDISTRICT = {"slug": "tianping", "name": "天平街道", "code": "TP"}

WORKSTATIONS = [
    {
        "slug": "wutong",
        "area_name": "梧桐片区",
        "name": "梧桐片区民情快办工作站",
        "phone": "021-64370125",
        "address": "永嘉路580弄12号",
    },
    {
        "slug": "hunan",
        "area_name": "湖南片区",
        "name": "湖南片区民情快办工作站",
        "phone": "021-64330817",
        "address": "吴兴路87号",
    },
]

# Neighbourhoods, grids and locations come from the sample CSV, through the same import as
# `manage.py import_places`. Its order is the order of `qr_urls`: the first location must lie in
# demo-grid's grid (tp-yj-1), as the CONTRACT promises.
PLACES_CSV = Path(__file__).resolve().parents[2] / "fixtures" / "tianping_places.csv"

# Where the demo locations are (WGS84, approximate), so that an Open311 POST with lat & long
# finds the nearest one, as it would once real coordinates are entered in the admin.
COORDINATES = {
    "永嘉路580弄 弄口": ("31.207500", "121.445500"),
    "永嘉新村 南大门": ("31.207100", "121.445700"),
    "永嘉路611弄 弄口": ("31.208000", "121.444700"),
    "衡山路10弄 弄口": ("31.206000", "121.444000"),
    "高安路19弄 弄口": ("31.204500", "121.441000"),
    "高安路63弄 弄口": ("31.203500", "121.440500"),
    "衡山路52号 安亭公寓门口": ("31.205500", "121.443000"),
    "吴兴路101弄 弄口": ("31.201000", "121.438500"),
}

POWER, PROPERTY, BUREAU = Department.Category.POWER, Department.Category.PROPERTY, Department.Category.BUREAU

DEPARTMENTS = [
    ("shinan-power", "市南供电所", POWER, "95598"),
    ("hengfu-property", "衡复物业", PROPERTY, "021-64731520"),
    ("district-greening", "区绿化市容局", BUREAU, "021-64872222"),
    ("district-construction", "区建管委", BUREAU, "021-64871010"),
    ("district-employment", "区就业促进中心", BUREAU, "021-64698800"),
]

# What a report is about, the words that recognise it, and the departments it needs: an urgent
# report of a category gets its 派单 at once (issues.routing). Checked in name order.
CATEGORIES = [
    ("power", "电力", "电线 电缆 漏电 停电 跳闸 电表 高压线 变压器", ["shinan-power"]),
    ("property-repair", "物业维修", "楼道灯 漏水 水管 电梯 门禁 屋顶 化粪池", ["hengfu-property"]),
    ("greening", "绿化市容", "树枝 大树 绿化 垃圾 乱堆 占道", ["district-greening"]),
    ("building-safety", "房屋安全", "墙体 裂缝 外墙 脱落 违章搭建", ["district-construction"]),
]

FAQS = [
    (
        "公积金在哪里提取？",
        "住房公积金可通过“随申办”App 或上海公积金网上办事大厅在线提取；需要线下办理的，"
        "请带身份证到区公积金管理中心服务网点。工作站可以帮您预约和准备材料。",
        "民生服务",
    ),
    (
        "居住证怎么办理？",
        "来沪人员办理上海市居住证，先在居住地办理居住登记，再带身份证、住所证明和就业或就读证明"
        "到街道社区事务受理服务中心申请。材料不清楚的，可以先来工作站问一问。",
        "民生服务",
    ),
    (
        "楼道灯坏了找谁？",
        "公共区域的照明由物业负责。请扫弄口的二维码报修，网格员会转给物业并跟进到修好为止。",
        "物业维修",
    ),
    (
        "失业了怎么登记？",
        "可在“随申办”或到街道社区事务受理服务中心办理失业登记，区就业促进中心提供免费的职业指导和培训。",
        "就业",
    ),
]

# Who hears the upper levels of the escalation ladder (issues.ladder): (username, level,
# workstation slug). Levels 1, 2 and 4 come from roles (grid workers, station heads, the
# subdistrict supervisor).
ESCALATION_CONTACTS = [("demo-secretary", EscalationContact.Level.AREA_SECRETARY, "wutong")]


@dataclass
class DemoUser:
    role: str  # the CONTRACT's role name, the key in --json's `users`
    username: str
    full_name: str
    is_superuser: bool = False
    # (kind, scope) pairs; scope is a workstation, subdistrict or district slug, a grid code or
    # a department slug
    roles: list[tuple[str, str]] = field(default_factory=list)
    # grid codes where this grid worker is a backup (not the primary)
    backup_for: list[str] = field(default_factory=list)


USERS = [
    DemoUser("station_head", "demo-head", "王建国", roles=[(Role.Kind.STATION_HEAD, "wutong")]),
    DemoUser("staff", "demo-staff", "李晓燕", roles=[(Role.Kind.STAFF, "wutong")]),
    DemoUser(
        "grid_worker",
        "demo-grid",
        "张伟",
        roles=[(Role.Kind.GRID_WORKER, "tp-yj-1"), (Role.Kind.GRID_WORKER, "tp-at-1")],
    ),
    DemoUser("grid_worker_2", "demo-grid2", "陈静", roles=[(Role.Kind.GRID_WORKER, "tp-yj-2")], backup_for=["tp-yj-1"]),
    DemoUser("department", "demo-power", "刘强", roles=[(Role.Kind.LIAISON, "shinan-power")]),
    DemoUser("other_staff", "demo-other", "赵敏", roles=[(Role.Kind.STAFF, "hunan")]),
    DemoUser("admin", "demo-admin", "系统管理员", is_superuser=True),
    DemoUser("housing_officer", "demo-housing", "周国强", roles=[(Role.Kind.HOUSING_OFFICER, "wutong")]),
    # Reads 梧桐片区's desk and hears level 3 of its escalation ladder (ESCALATION_CONTACTS).
    DemoUser("area_secretary", "demo-secretary", "郑海燕", roles=[(Role.Kind.AREA_SECRETARY, "wutong")]),
    DemoUser(
        "subdistrict_supervisor", "demo-supervisor", "孙丽华", roles=[(Role.Kind.SUBDISTRICT_SUPERVISOR, "tianping")]
    ),
    DemoUser("district_supervisor", "demo-district", "吴志明", roles=[(Role.Kind.DISTRICT_SUPERVISOR, "xuhui")]),
]


class Seeder:
    """Counts what it creates and changes, so the summary can say "nothing changed"."""

    def __init__(self) -> None:
        self.created = 0
        self.updated = 0

    def ensure(self, model: type[models.Model], lookup: dict, values: dict) -> models.Model:
        """The row matching `lookup`, created with `values` or brought in line with them,
        saving only the fields that differ."""
        obj, created = model.objects.get_or_create(**lookup, defaults=values)
        if created:
            self.created += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.updated += 1
        return obj

    def run(self, password: str) -> tuple[Workstation, list[Location]]:
        password_hash = make_password(password, salt=DEMO_SALT)
        district = self.ensure(District, {"slug": DISTRICT["slug"]}, {"name": DISTRICT["name"]})
        subdistrict = self.ensure(
            Subdistrict,
            {"slug": SUBDISTRICT["slug"]},
            {"name": SUBDISTRICT["name"], "code": SUBDISTRICT["code"], "district": district},
        )
        stations = {
            ws["slug"]: self.ensure(
                Workstation,
                {"slug": ws["slug"]},
                {"subdistrict": subdistrict, **{k: v for k, v in ws.items() if k != "slug"}},
            )
            for ws in WORKSTATIONS
        }
        # The QR token is not in the file, so an existing location keeps its own.
        imported = places_csv.import_file(PLACES_CSV.read_bytes())
        self.created += sum(imported.created.values())
        self.updated += sum(imported.updated.values())
        locations = imported.locations
        grids = {loc.grid.code: loc.grid for loc in locations}
        for loc in locations:
            if loc.name in COORDINATES:
                lat, long = COORDINATES[loc.name]
                self.ensure(LocationPoint, {"location": loc}, {"lat": Decimal(lat), "long": Decimal(long)})
        departments = {
            slug: self.ensure(
                Department,
                {"slug": slug},
                {"subdistrict": subdistrict, "name": name, "category": category, "phone": phone},
            )
            for slug, name, category, phone in DEPARTMENTS
        }
        for slug, name, keywords, needs in CATEGORIES:
            category = self.ensure(Category, {"slug": slug}, {"name": name, "keywords": keywords, "is_active": True})
            wanted = {departments[d].pk for d in needs}
            if set(category.departments.values_list("pk", flat=True)) != wanted:
                category.departments.set(wanted)
                self.updated += 1
        for question, answer, category in FAQS:
            self.ensure(FAQ, {"question": question}, {"answer": answer, "category": category, "is_published": True})

        people = {}
        for demo in USERS:
            user = people[demo.username] = self.ensure(
                User,
                {"username": demo.username},
                {
                    "first_name": demo.full_name,
                    "last_name": "",
                    "email": f"{demo.username}@example.invalid",
                    "is_active": True,
                    "is_staff": demo.is_superuser,
                    "is_superuser": demo.is_superuser,
                    "password": password_hash,
                },
            )
            for kind, scope in demo.roles:
                lookup = {"user": user, "kind": kind}
                if kind == Role.Kind.GRID_WORKER:
                    lookup["grid"] = grids[scope]
                elif kind == Role.Kind.LIAISON:
                    lookup["department"] = departments[scope]
                elif kind == Role.Kind.SUBDISTRICT_SUPERVISOR:
                    lookup["subdistrict"] = subdistrict
                elif kind == Role.Kind.DISTRICT_SUPERVISOR:
                    lookup["district"] = district
                else:
                    lookup["workstation"] = stations[scope]
                self.ensure(Role, lookup, {"is_primary": True})
            for code in demo.backup_for:
                self.ensure(
                    Role, {"user": user, "kind": Role.Kind.GRID_WORKER, "grid": grids[code]}, {"is_primary": False}
                )

        for username, level, ws in ESCALATION_CONTACTS:
            lookup = {"level": level, "workstation": stations[ws], "subdistrict": None, "user": people[username]}
            self.ensure(EscalationContact, lookup, {})

        wutong = stations["wutong"]
        seeded_order = {loc.pk: rank for rank, loc in enumerate(locations)}
        active = Location.objects.filter(grid__neighbourhood__workstation=wutong, is_active=True)
        # Seeded locations in their listed order, then any added later (in the admin) by id.
        ordered = sorted(active, key=lambda loc: (seeded_order.get(loc.pk, len(seeded_order)), loc.pk))
        return wutong, ordered


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent). With --json, print the demo's URLs and logins as JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON object on stdout and nothing else.")
        parser.add_argument(
            "--history", action="store_true", help="Also seed twelve weeks of past reports (workstations.demo_history)."
        )

    def handle(self, *args, **options) -> None:
        password = settings.DEMO_PASSWORD
        if not password:
            raise CommandError("DEMO_PASSWORD is empty.")
        seeder = Seeder()
        # The demo's messages go out through the development channels, which print (on commit):
        # stdout is for --json's answer (self.stdout keeps the real one).
        with contextlib.redirect_stdout(sys.stderr), transaction.atomic():
            wutong, locations = seeder.run(password)
            event_urls, created = community_demo.seed(wutong, organiser=User.objects.get(username="demo-staff"))
            seeder.created += created
            cowork = cowork_demo.seed(wutong, password_hash=make_password(password, salt=DEMO_SALT))
            estates = estates_demo.seed(seeder, wutong, password_hash=make_password(password, salt=DEMO_SALT))
        with contextlib.redirect_stdout(sys.stderr):
            history = demo_history.seed_history() if options["history"] else 0
        summary = {
            "base_url": settings.SITE_URL,
            "workstation": wutong.slug,
            "qr_urls": [loc.report_url() for loc in locations],
            "users": {demo.role: demo.username for demo in USERS},
            "password": password,
            # Open311 (open311/): the demo client's api_key; only its hash is stored.
            "open311_api_key": demo_api_key(),
            # 好事常办 (community/): the demo events' public pages, the salon first.
            "event_urls": event_urls,
            # 难事共办 (cowork/demo.py): the 高安路 meter case and the 区绿化市容局 结对.
            "case_urls": cowork["case_urls"],
            "partnership_urls": cowork["partnership_urls"],
            # 有事先找我 (estates/demo.py): the estates' public pages, and report URLs inside them.
            "estate_urls": estates["estate_urls"],
            "estate_qr_urls": estates["estate_qr_urls"],
        }
        summary["users"]["deputy_secretary"] = cowork["deputy_secretary"]
        summary["users"]["property"] = estates["property_user"]
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.print_summary(seeder)
        if history:
            self.stdout.write(f"Demo history: {history} past reports over the last {demo_history.WEEKS} weeks.")

    def print_summary(self, seeder: Seeder) -> None:
        """What this run did, in one line. The URLs and logins are --json's (make run prints them
        once, in scripts/run.sh's banner)."""
        if seeder.created or seeder.updated:
            done = f"Demo data ready: {seeder.created} rows created, {seeder.updated} updated."
        else:
            done = "Demo data already up to date; nothing changed."
        self.stdout.write(self.style.SUCCESS(done) + " (seed_demo --json lists the URLs and logins.)")
