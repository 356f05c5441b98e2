"""`seed_demo --history`: twelve weeks of past reports at 梧桐片区, so that a first login finds a
desk with work on it, statistics with a trend and 一类事 with repeated themes.

Every report lives its whole life through the real services (create, route, accept, resolve,
answer, 派单, confirm, reopen …), each step run at its own moment in the past with time_machine,
and the SLA sweep runs every few simulated hours in between: events, deadlines, escalations, late
派单 and statistics agree with each other because nothing is written by hand. The one exception:
messages written in the past count as delivered when they were written (nobody should get three
months of SMS when the demo starts).

Idempotent: the reports carry the idempotency keys demo-history-000 …; when the first exists,
nothing is seeded again. Deterministic: one seeded random generator.
"""

import datetime as dt
import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from issues import services
from issues.lifecycle import OPEN_STATUSES, IllegalTransition
from issues.models import Dispatch, Issue, Notification
from issues.transitions import IssueError
from workstations.models import Department, Location

User = get_user_model()

KEY_PREFIX = "demo-history-"
COUNT = 300
WEEKS = 12
# The SLA sweep runs this often in simulated time (beat runs it every minute in real life; the
# demo needs only its outcomes: escalations, late 派单, unanswered reports closed).
SWEEP_EVERY = dt.timedelta(hours=3)

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)

# Themes that come back at the same lane (一类事): (location name, kind, texts). Variants keep
# the words of one theme while no two reports read the same.
THEMES = [
    (
        "永嘉路580弄 弄口",
        "consult",
        ["弄堂口的路灯不亮了，晚上很黑", "弄堂口路灯又坏了，老人晚上出门不方便", "弄堂口路灯一闪一闪的，请修一下"],
    ),
    (
        "高安路19弄 弄口",
        "urgent",
        ["电表箱冒火花，有焦味", "弄口电线被大风刮断了，垂在地上", "电表箱门开着，里面的电线裸露"],
    ),
    (
        "永嘉路611弄 弄口",
        "consult",
        ["弄口垃圾乱堆，好几天没人清理", "有人在弄口乱堆建筑垃圾", "弄口垃圾桶满了，垃圾堆到路上"],
    ),
    (
        "衡山路10弄 弄口",
        "consult",
        ["楼道灯坏了，晚上上楼看不见", "三楼楼道灯不亮", "楼道灯整夜不关，开关坏了"],
    ),
    (
        "永嘉新村 南大门",
        "complex",
        ["3号楼外墙脱落，掉下来的碎片砸到车", "外墙裂缝越来越大，担心脱落", "屋顶漏水，顶楼墙体发霉开裂"],
    ),
    (
        "高安路63弄 弄口",
        "urgent",
        ["大树树枝断了挂在电线上", "台风后树枝压在电缆上，很危险", "停电了，整条弄堂都没电"],
    ),
]
# One-off matters, spread over every lane.
SINGLES = {
    "consult": [
        "居住证怎么办理？需要带什么材料",
        "公积金在哪里提取",
        "老年卡在哪里办，父亲刚满六十岁",
        "失业了怎么登记，想找工作",
        "门口人行道地砖松了，下雨踩到溅水",
        "小区门禁卡丢了，去哪里补办",
        "邻居装修噪音太大，周末一早就开始",
        "共享单车堆在弄口，轮椅过不去",
    ],
    "urgent": ["水管爆了，楼道里都是水", "电梯困人了，里面有老人", "化粪池冒出来了，味道很大"],
    "complex": ["违章搭建挡住了消防通道", "弄堂里的排水沟一下雨就倒灌，几年了", "老房子加装电梯，邻居意见不一"],
    "community": [
        "建议在弄口放几把座椅，老人走累了可以歇歇",
        "想组织志愿者每月清理一次楼道",
        "建议开一个周末的儿童阅读角",
        "希望办一次旧物交换集市",
    ],
}
KIND_WEIGHTS = {"consult": 45, "urgent": 22, "complex": 15, "community": 18}
NAMES = ["王阿姨", "李先生", "张老伯", "陈女士", "刘师傅", "周同学", "吴阿婆", "赵先生", ""]
REASONS_NOT_SOLVED = ["还是不亮", "修了两天又坏了", "问题没有解决，还是老样子"]
COMMENTS = ["很快就修好了，谢谢", "网格员很耐心", "", "", "处理得挺及时", "希望以后能更快一点"]


@dataclass
class Cast:
    staff: User
    head: User
    liaisons: dict[int, User]  # department id → its liaison
    fallback_worker: User
    admin: User  # records the work of a department that has no liaison in the demo


@dataclass(order=True)
class Step:
    at: dt.datetime
    seq: int
    run: Callable[[], None] = field(compare=False)


@dataclass
class Story:
    """One report's plan: what happens to it, and when (offsets from its creation)."""

    n: int
    location: Location
    kind: str
    text: str
    name: str
    phone: str
    created: dt.datetime
    issue_id: int | None = None
    skipped: list[str] = field(default_factory=list)


def already_seeded() -> bool:
    return Issue.objects.filter(idempotency_key=f"{KEY_PREFIX}000").exists()


def seed_history(*, now: dt.datetime | None = None, count: int = COUNT) -> int:
    """Seed `count` past reports (none if the history is there already). Returns how many."""
    if already_seeded():
        return 0
    now = now or timezone.now()
    locations = {loc.name: loc for loc in Location.objects.filter(grid__neighbourhood__workstation__slug="wutong")}
    cast = Cast(
        staff=User.objects.get(username="demo-staff"),
        head=User.objects.get(username="demo-head"),
        liaisons={d.pk: _liaison(d) for d in Department.objects.filter(subdistrict__slug="tianping")},
        fallback_worker=User.objects.get(username="demo-grid"),
        admin=User.objects.get(username="demo-admin"),
    )
    rng = random.Random(20261204)
    stories = [_story(n, rng, locations, now) for n in range(count)]
    queue: list[Step] = []
    seq = iter(range(10**9))

    def at(when: dt.datetime, run: Callable[[], None]) -> None:
        if when < now:
            heapq.heappush(queue, Step(when, next(seq), run))

    for story in stories:
        at(story.created, _creation(story, rng, cast, at))
    sweep = now - dt.timedelta(weeks=WEEKS)
    while sweep < now:
        at(sweep, _sweep(stories, sweep))
        sweep += SWEEP_EVERY

    with transaction.atomic():
        while queue:
            step = heapq.heappop(queue)
            with time_machine.travel(step.at, tick=False):
                step.run()
        _count_as_delivered(stories)
    return count


def _liaison(department: Department) -> User | None:
    from workstations.models import Role

    role = Role.objects.filter(kind=Role.Kind.LIAISON, department=department).select_related("user").first()
    return role.user if role else None


def _story(n: int, rng: random.Random, locations: dict[str, Location], now: dt.datetime) -> Story:
    if rng.random() < 0.45:
        place, kind, texts = rng.choice(THEMES)
        location = locations[place]
    else:
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        texts = SINGLES[kind]
        location = rng.choice(list(locations.values()))
    # More reports lately than twelve weeks ago; a day of the week at a waking hour.
    age = dt.timedelta(days=WEEKS * 7 * (rng.random() ** 1.3))
    created = timezone.localtime(now - age).replace(hour=rng.randint(7, 21), minute=rng.randint(0, 59))
    if created >= now:
        created -= DAY
    phone = f"13{rng.randint(100000000, 999999999)}" if rng.random() < 0.8 else ""
    return Story(n, location, kind, rng.choice(texts), rng.choice(NAMES), phone, created)


def _issue(story: Story) -> Issue:
    return Issue.objects.get(pk=story.issue_id)


def _attempt(story: Story, what: str, action: Callable[[Issue], object]) -> None:
    """Run one step on the story's issue as it is now; a step the issue has outgrown (an
    escalation moved it, the resident closed it) is skipped, as a person would."""
    issue = _issue(story)
    try:
        action(issue)
    except (IssueError, IllegalTransition):
        story.skipped.append(what)


def _creation(story: Story, rng: random.Random, cast: Cast, at) -> Callable[[], None]:
    def run() -> None:
        issue, _token, _created = services.create_issue(
            story.location,
            description=story.text,
            kind=story.kind,
            reporter_name=story.name,
            reporter_phone=story.phone,
            idempotency_key=f"{KEY_PREFIX}{story.n:03d}",
        )
        story.issue_id = issue.pk
        services.route_issue(issue.pk)
        issue.refresh_from_db()
        _plan(story, issue, rng, cast, at)

    return run


def _worker(story: Story, cast: Cast) -> User:
    issue = _issue(story)
    return issue.assignee or cast.fallback_worker


def _plan(story: Story, issue: Issue, rng: random.Random, cast: Cast, at) -> None:
    """What happens next, by kind; a share of each kind stays open (the recent ones mostly, some
    old ones forgotten and overdue)."""
    t = story.created
    fate = rng.random()
    if not issue.assignee_id and story.kind in ("consult", "urgent"):
        at(
            t + 20 * MINUTE,
            lambda: _attempt(
                story, "assign", lambda i: services.assign_issue(i, to=cast.fallback_worker, actor=cast.staff)
            ),
        )
    if story.kind == "consult":
        if fate < 0.3:
            at(
                t + 3 * HOUR,
                lambda: _attempt(
                    story,
                    "answer",
                    lambda i: services.answer_issue(
                        i,
                        actor=cast.staff,
                        answer="已经帮您查好了：请带身份证到街道社区事务受理服务中心办理，工作日上午九点开门。",
                    ),
                ),
            )
            _resident_answers(story, t + 3 * HOUR, rng, at)
            return
        accept = t + (rng.choice([30, 90, 300]) * MINUTE)
        at(accept, lambda: _attempt(story, "accept", lambda i: services.accept_issue(i, actor=_worker(story, cast))))
        if fate > 0.9:
            return  # accepted, then forgotten: overdue, and the sweep escalates it
        done = accept + rng.choice([4 * HOUR, DAY, 3 * DAY])
        at(
            done,
            lambda: _attempt(
                story,
                "resolve",
                lambda i: services.resolve_issue(i, actor=_worker(story, cast), note="已联系物业修好，现场看过了。"),
            ),
        )
        _resident_answers(story, done, rng, at, cast=cast)
    elif story.kind == "urgent":
        accept = t + rng.choice([3, 6, 25]) * MINUTE
        at(accept, lambda: _attempt(story, "accept", lambda i: services.accept_issue(i, actor=_worker(story, cast))))
        arrive = accept + rng.choice([15, 20, 50]) * MINUTE
        at(
            arrive,
            lambda: _attempt(
                story,
                "arrive",
                lambda i: services.arrive_issue(i, actor=_worker(story, cast), note="到现场了，已拉好警戒线。"),
            ),
        )
        late = rng.random() < 0.35
        finish = t + (rng.choice([7, 9]) * HOUR if late else rng.choice([90, 150]) * MINUTE)
        at(arrive + 5 * MINUTE, lambda: _dispatches(story, cast, "ack"))
        at(finish, lambda: _dispatches(story, cast, "done"))
        if fate > 0.92:
            return  # the department never answers: a late 派单 and an escalated issue
        done = finish + 20 * MINUTE
        at(
            done,
            lambda: _attempt(
                story,
                "resolve",
                lambda i: services.resolve_issue(i, actor=_worker(story, cast), note="供电所已抢修完毕，现场安全。"),
            ),
        )
        _resident_answers(story, done, rng, at, cast=cast)
    elif story.kind == "complex":
        at(
            t + DAY,
            lambda: _attempt(
                story, "triage", lambda i: services.triage_issue(i, actor=cast.staff, note="需要房管和物业一起看。")
            ),
        )
        if fate > 0.85:
            return
        coordinate = t + 2 * DAY

        def start() -> None:
            issue = _issue(story)
            departments = list(issue.category.departments.all()) if issue.category_id else []
            _attempt(
                story,
                "coordinate",
                lambda i: services.coordinate_issue(
                    i,
                    actor=cast.staff,
                    note="已约相关部门现场会商。",
                    departments=departments,
                    due_at=coordinate + 10 * DAY,
                ),
            )

        at(coordinate, start)
        at(
            t + 5 * DAY,
            lambda: _attempt(
                story,
                "milestone",
                lambda i: services.record_milestone(i, actor=cast.staff, note="现场会商完成，施工方案已定。"),
            ),
        )
        late = rng.random() < 0.4
        at(t + (16 if late else 9) * DAY, lambda: _dispatches(story, cast, "done"))
        if fate > 0.7:
            return
        done = t + (17 if late else 10) * DAY
        at(
            done,
            lambda: _attempt(
                story, "resolve", lambda i: services.resolve_issue(i, actor=cast.staff, note="修缮完成，部门已验收。")
            ),
        )
        _resident_answers(story, done, rng, at, cast=cast)
    else:
        if fate < 0.2:
            at(
                t + DAY,
                lambda: _attempt(
                    story,
                    "decline",
                    lambda i: services.decline_issue(
                        i, actor=cast.staff, reason="场地不允许，已向居民说明，另找地方再议。"
                    ),
                ),
            )
            return
        at(
            t + DAY,
            lambda: _attempt(
                story, "adopt", lambda i: services.adopt_issue(i, actor=cast.staff, note="好主意，工作站来牵头。")
            ),
        )
        if fate > 0.85:
            return
        at(
            t + 3 * DAY,
            lambda: _attempt(
                story, "start", lambda i: services.start_issue(i, actor=cast.staff, note="志愿者已经报名了。")
            ),
        )
        done = t + 8 * DAY
        at(
            done,
            lambda: _attempt(
                story,
                "resolve",
                lambda i: services.resolve_issue(i, actor=cast.staff, note="已经办起来了，欢迎大家参加。"),
            ),
        )
        _resident_answers(story, done, rng, at, cast=cast)


def _resident_answers(story: Story, after: dt.datetime, rng: random.Random, at, *, cast: Cast | None = None) -> None:
    """Most residents rate; some say it is not solved (then it is done again, and rated); some
    never answer (the sweep closes it after RESIDENT_CONFIRM_DAYS)."""
    if not story.phone and rng.random() < 0.5:
        return
    answer = rng.random()
    when = after + rng.choice([2 * HOUR, DAY, 2 * DAY])
    if answer < 0.6:
        rating = rng.choices([5, 4, 3, 2, 1], weights=[50, 30, 10, 6, 4])[0]
        at(
            when,
            lambda: _attempt(
                story, "confirm", lambda i: services.confirm_issue(i, rating=rating, comment=rng.choice(COMMENTS))
            ),
        )
    elif answer < 0.75 and cast is not None and story.kind in ("consult", "urgent"):
        at(
            when,
            lambda: _attempt(
                story, "reopen", lambda i: services.reopen_issue(i, reason=rng.choice(REASONS_NOT_SOLVED))
            ),
        )
        again = when + 2 * HOUR
        at(
            again,
            lambda: _attempt(story, "accept again", lambda i: services.accept_issue(i, actor=_worker(story, cast))),
        )
        if story.kind == "urgent":
            at(
                again + 20 * MINUTE,
                lambda: _attempt(
                    story,
                    "arrive again",
                    lambda i: services.arrive_issue(i, actor=_worker(story, cast), note="又来看了一次。"),
                ),
            )
        fixed = again + DAY
        at(
            fixed,
            lambda: _attempt(
                story,
                "resolve again",
                lambda i: services.resolve_issue(i, actor=_worker(story, cast), note="换了新的配件，这次应该好了。"),
            ),
        )
        at(
            fixed + DAY,
            lambda: _attempt(
                story, "confirm", lambda i: services.confirm_issue(i, rating=rng.choice([3, 4, 5]), comment="这次好了")
            ),
        )


def _dispatches(story: Story, cast: Cast, step: str) -> None:
    for dispatch in Dispatch.objects.filter(issue_id=story.issue_id, status__in=Dispatch.OPEN):
        liaison = cast.liaisons.get(dispatch.department_id) or cast.admin
        try:
            if step == "ack":
                if dispatch.status == Dispatch.Status.SENT:
                    services.acknowledge_dispatch(dispatch, actor=liaison)
            else:
                services.complete_dispatch(dispatch, actor=liaison, note="已派抢修班组处理完毕。")
        except (IssueError, IllegalTransition):
            story.skipped.append(f"dispatch {step}")


def _sweep(stories: list[Story], when: dt.datetime) -> Callable[[], None]:
    def run() -> None:
        _count_as_delivered(stories)
        services.sla_sweep(now=when)
        services.close_unconfirmed(now=when)

    return run


def _count_as_delivered(stories: list[Story]) -> None:
    """Messages written in the past count as delivered when written: the sweep's redelivery and
    the workers that start with `make run` leave them alone."""
    ids = [s.issue_id for s in stories if s.issue_id]
    Notification.objects.filter(issue_id__in=ids, sent_at__isnull=True).update(sent_at=F("created_at"))


def open_count() -> int:
    return Issue.objects.filter(idempotency_key__startswith=KEY_PREFIX, status__in=OPEN_STATUSES).count()
