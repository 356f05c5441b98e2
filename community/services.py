"""Every write of 好事常办 goes through a function here: views, the API, the admin and the sweep
call these. Seats are decided under a row lock of the activity (`_locked`): the count of seats
held and the insert of a sign-up happen in one transaction, so nothing is ever oversold.

Core functions used (the core never imports this app): issues.services.adopt_issue and
create_issue, issues.transitions.record (a public note on the resident's timeline),
issues.notify.save (SMS to residents), issues.phones.normalize_phone. The SLA sweep runs
`expire_offers` as one of settings.SLA_SWEEP_STEPS.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from issues import notify
from issues.models import Channel, Issue, Kind, Notification
from issues.notes import system_note
from issues.phones import normalize_phone
from workstations import scope

from . import outbox
from .models import Activity, ActivityLog, FollowUp, Initiative, SignUp, hash_token, token_for
from .seats import Seats, seats_of  # noqa: F401 - part of this module's interface (views, admin, bench)

Status = SignUp.Status


class CommunityError(Exception):
    """A request the rules refuse; `message` is plain words, safe to show to the person."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- Who may organise ------------------------------------------------------------------------


def can_organise(user, activity: Activity) -> bool:
    """The workstation's staff and head, and the people named as the event's organisers."""
    if user is None or not user.is_authenticated:
        return False
    if scope.can_manage_workstation(user, activity.workstation_id):
        return True
    return activity.organisers.filter(pk=user.pk).exists()


def organised_activities(user):
    """The activities `user` may organise (superuser: all)."""
    if user.is_superuser:
        return Activity.objects.all()
    return Activity.objects.filter(
        Q(workstation_id__in=scope.staff_workstation_ids(user)) | Q(organisers=user)
    ).distinct()


def _must_organise(user, activity: Activity) -> None:
    if not can_organise(user, activity):
        raise CommunityError(_("Only the event's organisers or the workstation's staff can do this."))


def log(activity: Activity, type_: str, *, signup: SignUp | None = None, actor=None, note: str = "") -> ActivityLog:
    return ActivityLog.objects.create(activity=activity, signup=signup, type=type_, actor=actor, note=note[:300])


# --- Initiatives -----------------------------------------------------------------------------


def create_initiative(workstation, *, title: str, actor, topic: str = "", description: str = "") -> Initiative:
    if not scope.can_manage_workstation(actor, workstation.pk):
        raise CommunityError(_("Only the workstation's staff can start an initiative."))
    title = (title or "").strip()
    if not title:
        raise CommunityError(_("Please give the initiative a title."))
    initiative = Initiative.objects.create(
        workstation=workstation, title=title[:120], topic=topic.strip()[:60], description=description.strip()
    )
    initiative.organisers.add(actor)
    outbox.initiative_changed(initiative, "created")
    return initiative


def adopt_idea(issue: Issue, *, actor, title: str = "", topic: str = "") -> Initiative:
    """A resident's `community` idea becomes an initiative: the issue is adopted through the core
    (its own transition and public event), the initiative points back to it, and the resident's
    tracking page says so in a public note."""
    if issue.kind != Kind.COMMUNITY:
        raise CommunityError(_("Only a good idea (好事常办) can become an initiative."))
    if Initiative.objects.filter(source_issue=issue).exists():
        raise CommunityError(_("This idea is already an initiative."))
    from issues import services as issue_services
    from issues.lifecycle import IllegalTransition

    title = (title or "").strip() or issue.description.strip().splitlines()[0][:60]
    with transaction.atomic():
        note = system_note(gettext_lazy("Taken up as the initiative “%(title)s”."), title=title)
        try:
            issue_services.adopt_issue(issue, actor=actor, note=note.text)
        except issue_services.IssueError as exc:
            raise CommunityError(exc.message) from exc
        except IllegalTransition as exc:
            raise CommunityError(_("This idea cannot be adopted in its present state.")) from exc
        initiative = Initiative.objects.create(
            workstation=issue.workstation,
            title=title[:120],
            topic=topic.strip()[:60],
            description=issue.description,
            status=Initiative.Status.ADOPTED,
            source_issue=issue,
        )
        initiative.organisers.add(actor)
        outbox.initiative_changed(initiative, Initiative.Status.ADOPTED)
    return initiative


def set_initiative_status(initiative: Initiative, *, status: str, actor) -> Initiative:
    order = [s.value for s in Initiative.Status]
    if status not in order:
        raise CommunityError(_("Unknown status."))
    if not scope.can_manage_workstation(actor, initiative.workstation_id):
        raise CommunityError(_("Only the workstation's staff can do this."))
    if order.index(status) < order.index(initiative.status):
        raise CommunityError(_("An initiative only moves forward: proposed, adopted, running, done."))
    if status == initiative.status:
        return initiative
    with transaction.atomic():
        initiative.status = status
        initiative.save(update_fields=["status", "updated_at"])
        outbox.initiative_changed(initiative, status)
    return initiative


# --- Seats -------------------------------------------------------------------------------------


def _locked(activity_id: int) -> Activity:
    """The activity row, locked until the transaction ends (PostgreSQL: SELECT … FOR UPDATE;
    SQLite: its IMMEDIATE transactions already let one writer in at a time)."""
    return Activity.objects.select_for_update().get(pk=activity_id)


# --- Signing up --------------------------------------------------------------------------------


def signup_window_problem(activity: Activity, now: dt.datetime) -> str:
    """Why nobody can sign up now, in plain words; "" when they can."""
    if activity.status == Activity.Status.CANCELLED:
        return _("This event has been cancelled.")
    if activity.status != Activity.Status.PUBLISHED:
        return _("This event is not open for sign-up.")
    if now >= activity.starts_at:
        return _("This event has already started, so sign-up is closed.")
    if activity.signup_opens_at and now < activity.signup_opens_at:
        when = timezone.localtime(activity.signup_opens_at).strftime("%Y-%m-%d %H:%M")
        return _("Sign-up opens on %(when)s.") % {"when": when}
    if activity.signup_closes_at and now >= activity.signup_closes_at:
        return _("Sign-up for this event has closed.")
    return ""


def _new_code(activity: Activity) -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _insert(activity: Activity, **fields) -> tuple[SignUp, str]:
    """Insert a sign-up with a random check-in code. Returns it with its page token. A code
    already given out in this event (one in tens of thousands) fails the unique constraint: the
    caller's transaction is tried again (`_code_clash_retried`)."""
    signup = SignUp(activity=activity, checkin_code=_new_code(activity), **fields)
    token = token_for(signup)
    signup.token_hash = hash_token(token)
    signup.save(force_insert=True)
    return signup, token


def _code_clash_retried(write):
    """Run `write()` (one atomic block) again if a check-in code clashed; never more than thrice."""
    for attempt in range(3):
        try:
            return write()
        except IntegrityError:
            if attempt == 2:
                raise CommunityError(_("Sorry, something went wrong. Please try again.")) from None
    return None


def sign_up(
    activity: Activity,
    *,
    name: str,
    phone: str = "",
    seats: int | str = 1,
    in_reserved_group: bool = False,
    lives_in_neighbourhood: bool = False,
    birth_year: int | str | None = None,
    partner_unit: int | str | None = None,
    now: dt.datetime | None = None,
) -> tuple[SignUp, str]:
    """A resident asks for `seats` seats. Under the activity's lock: taken whole if they fit,
    else the request waits whole on the list; with staff approval it waits for approval first.
    Returns (sign-up, page token). Refusals raise CommunityError and write nothing."""
    now = now or timezone.now()
    name = (name or "").strip()[:50]
    if not name:
        raise CommunityError(_("Please write your name."))
    try:
        phone = normalize_phone(phone or "")
    except ValidationError as exc:
        raise CommunityError(exc.messages[0]) from exc
    try:
        seats = int(seats)
    except (TypeError, ValueError):
        raise CommunityError(_("Please write how many seats you need, as a number.")) from None
    if seats < 1:
        raise CommunityError(_("Please ask for at least 1 seat."))
    return _code_clash_retried(
        lambda: _take_seats(
            activity.pk,
            name=name,
            phone=phone,
            seats=seats,
            in_reserved_group=in_reserved_group,
            lives_in_neighbourhood=lives_in_neighbourhood,
            birth_year=birth_year,
            partner_unit=partner_unit,
            now=now,
        )
    )


def _take_seats(
    activity_id: int,
    *,
    name: str,
    phone: str,
    seats: int,
    in_reserved_group: bool,
    lives_in_neighbourhood: bool,
    birth_year=None,
    partner_unit=None,
    now: dt.datetime,
) -> tuple[SignUp, str]:
    with transaction.atomic():
        activity = _locked(activity_id)
        if seats > activity.max_seats_per_signup:
            raise CommunityError(
                _("One sign-up can ask for at most %(n)d seats. For more, please call the workstation.")
                % {"n": activity.max_seats_per_signup}
            )
        problem = signup_window_problem(activity, now)
        if problem:
            raise CommunityError(problem)
        if activity.eligibility == Activity.Eligibility.NEIGHBOURHOOD and not lives_in_neighbourhood:
            raise CommunityError(
                _("This event is for residents of %(hood)s. Please tick the box if you live there.")
                % {"hood": activity.neighbourhood.name if activity.neighbourhood_id else ""}
            )
        group = bool(in_reserved_group and activity.reserved_seats)
        basis = reserved_basis(activity, birth_year=birth_year, partner_unit=partner_unit, now=now) if group else {}
        if activity.eligibility == Activity.Eligibility.APPROVAL:
            status = Status.PENDING
        else:
            status = Status.CONFIRMED if seats <= seats_of(activity).free_for(group=group) else Status.WAITING
        signup, token = _insert(
            activity,
            name=name,
            phone=phone,
            seats=seats,
            in_reserved_group=group,
            status=status,
            confirmed_at=now if status == Status.CONFIRMED else None,
            **basis,
        )
        log(
            activity,
            ActivityLog.Type.WAITLISTED if status == Status.WAITING else ActivityLog.Type.SIGNED_UP,
            signup=signup,
            note=f"{seats}",
        )
    return signup, token


def reserved_basis(activity: Activity, *, birth_year, partner_unit, now: dt.datetime) -> dict:
    """What a request for a reserved seat must show, by the event's rule (Activity.ReservedGroup):
    the year of birth of a resident old enough, or one of the event's partner units. Returns the
    sign-up's fields; refuses in plain words. Counted in the year of the event."""
    rule = activity.reserved_group
    if rule == Activity.ReservedGroup.AGE:
        try:
            year = int(str(birth_year or "").strip())
        except ValueError:
            year = 0
        if not 1900 <= year <= now.year:
            raise CommunityError(_("Please write your year of birth as four digits, for example 1958."))
        latest = activity.starts_at.year - activity.reserved_min_age
        if year > latest:
            raise CommunityError(
                _(
                    "The reserved seats are for residents aged %(age)d or over (born in %(year)d or earlier). "
                    "Untick the box to ask for a general seat."
                )
                % {"age": activity.reserved_min_age, "year": latest}
            )
        return {"birth_year": year}
    if rule == Activity.ReservedGroup.PARTNER:
        unit = str(partner_unit or "").strip()
        chosen = activity.partners.filter(pk=int(unit)).first() if unit.isdigit() else None
        if chosen is None:
            raise CommunityError(_("Please choose your unit from the event's partner units."))
        return {"partner_unit": chosen}
    return {}


def find_signup(token: str) -> SignUp | None:
    if not token:
        return None
    return SignUp.objects.select_related("activity", "activity__location").filter(token_hash=hash_token(token)).first()


def waiting_position(signup: SignUp) -> int:
    """1 for the head of the waiting list."""
    if signup.status != Status.WAITING:
        return 0
    earlier = SignUp.objects.filter(activity_id=signup.activity_id, status=Status.WAITING).filter(
        Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, pk__lt=signup.pk)
    )
    return earlier.count() + 1


# --- Giving seats back, offers ------------------------------------------------------------------


def _tell(signup: SignUp, *, key: str, body: str, kind: str = Notification.Kind.NOTICE) -> None:
    """An SMS to the person, if they left a phone: written now, sent after the commit."""
    if not signup.phone:
        return
    with translation.override(settings.LANGUAGE_CODE):
        text = str(body)
        link = settings.SITE_URL + f"/e/s/{token_for(signup)}/"
        text = f"{signup.activity.title}: {text}\n{link}"
    notify.save(
        [
            Notification(
                key=f"community:{key}:{signup.pk}"[:200],
                kind=kind,
                channel=Channel.SMS,
                address=signup.phone,
                subject=signup.activity.title[:200],
                body=text,
            )
        ],
        inline=False,
    )


def _offer_freed_seats(activity: Activity, now: dt.datetime) -> list[SignUp]:
    """Under the activity's lock: offer freed seats to the waiting list, first come first served.
    Strictly in order: a request that does not fit waits at the head (a household of four is not
    passed over by later single seats)."""
    offered = []
    seats = seats_of(activity)
    for signup in SignUp.objects.filter(activity=activity, status=Status.WAITING).order_by("created_at", "id"):
        if signup.seats > seats.free_for(group=signup.in_reserved_group):
            break
        signup.status = Status.OFFERED
        signup.offered_at = now
        signup.offer_expires_at = now + dt.timedelta(hours=activity.offer_hours)
        signup.save(update_fields=["status", "offered_at", "offer_expires_at"])
        until = timezone.localtime(signup.offer_expires_at).strftime("%m-%d %H:%M")
        log(activity, ActivityLog.Type.OFFERED, signup=signup, note=until)
        with translation.override(settings.LANGUAGE_CODE):
            _tell(
                signup,
                key=f"offer:{now.isoformat()}",
                kind=Notification.Kind.OFFER,
                body=_("a seat is free for you. Please accept it by %(until)s on your sign-up page.")
                % {"until": until},
            )
        offered.append(signup)
        seats = seats_of(activity)
    return offered


def cancel_signup(signup: SignUp, *, actor=None, now: dt.datetime | None = None) -> SignUp:
    """The person (from their page) or an organiser gives the seats back; the next in line is
    offered them."""
    now = now or timezone.now()
    with transaction.atomic():
        activity = _locked(signup.activity_id)
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.status not in SignUp.ACTIVE:
            raise CommunityError(_("This sign-up is no longer active."))
        if now >= activity.starts_at and actor is None:
            raise CommunityError(_("The event has started; please tell the organisers at the door."))
        signup.status = Status.CANCELLED
        signup.cancelled_at = now
        signup.offer_expires_at = None
        signup.save(update_fields=["status", "cancelled_at", "offer_expires_at"])
        log(activity, ActivityLog.Type.CANCELLED, signup=signup, actor=actor)
        if activity.status == Activity.Status.PUBLISHED and now < activity.starts_at:
            _offer_freed_seats(activity, now)
    return signup


def accept_offer(signup: SignUp, *, now: dt.datetime | None = None) -> SignUp:
    now = now or timezone.now()
    with transaction.atomic():
        activity = _locked(signup.activity_id)
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.status == Status.CONFIRMED:
            return signup  # a second tap
        if signup.status != Status.OFFERED:
            raise CommunityError(_("There is no seat offered to you now."))
        if signup.offer_expires_at and now >= signup.offer_expires_at:
            raise CommunityError(_("Sorry, the time to accept this seat has passed."))
        signup.status = Status.CONFIRMED
        signup.confirmed_at = now
        signup.offer_expires_at = None
        signup.save(update_fields=["status", "confirmed_at", "offer_expires_at"])
        log(activity, ActivityLog.Type.ACCEPTED, signup=signup)
    return signup


def expire_offers(*, now: dt.datetime, batch: int) -> dict[str, int]:
    """A step of the SLA sweep (settings.SLA_SWEEP_STEPS): offers not taken in time expire and
    pass to the next in line. Each activity is handled under its own lock; an offer accepted
    meanwhile is left alone (its status is checked again under the lock)."""
    due = list(
        SignUp.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now)
        .order_by("offer_expires_at")
        .values_list("activity_id", flat=True)[:batch]
    )
    expired = 0
    for activity_id in dict.fromkeys(due):
        with transaction.atomic():
            activity = _locked(activity_id)
            stale = list(
                SignUp.objects.select_for_update().filter(
                    activity=activity, status=Status.OFFERED, offer_expires_at__lte=now
                )
            )
            for signup in stale:
                signup.status = Status.EXPIRED
                signup.save(update_fields=["status"])
                log(activity, ActivityLog.Type.EXPIRED, signup=signup)
                with translation.override(settings.LANGUAGE_CODE):
                    _tell(signup, key="expired", body=_("the seat we held for you has passed to the next in line."))
                expired += 1
            if activity.status == Activity.Status.PUBLISHED and now < activity.starts_at:
                _offer_freed_seats(activity, now)
    return {"offers_expired": expired}


# --- Organisers' changes -------------------------------------------------------------------------


def publish_activity(activity: Activity, *, actor) -> Activity:
    """The public page opens. An event of an initiative born of a resident's idea is told on
    that resident's tracking page."""
    _must_organise(actor, activity)
    with transaction.atomic():
        activity = _locked(activity.pk)
        if activity.status != Activity.Status.DRAFT:
            raise CommunityError(_("Only a draft can be published."))
        activity.status = Activity.Status.PUBLISHED
        activity.save(update_fields=["status", "updated_at"])
        log(activity, ActivityLog.Type.PUBLISHED, actor=actor)
        initiative = activity.initiative
        if initiative is not None:
            if initiative.status == Initiative.Status.ADOPTED:
                initiative.status = Initiative.Status.RUNNING
                initiative.save(update_fields=["status", "updated_at"])
            if initiative.source_issue_id:
                from issues.models import IssueEvent
                from issues.transitions import record

                when = timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M")
                note = system_note(
                    gettext_lazy("Your idea led to an event: %(title)s, %(when)s. Sign up here: %(url)s"),
                    title=activity.title,
                    when=when,
                    url=activity.public_url(),
                )
                record(initiative.source_issue, IssueEvent.Type.NOTE, actor=actor, note=note, public=True)
    return activity


def change_capacity(activity: Activity, *, capacity: int, reserved_seats: int | None = None, actor) -> Activity:
    """Fewer seats than are already held is refused; more seats are offered to the waiting list."""
    _must_organise(actor, activity)
    with transaction.atomic():
        activity = _locked(activity.pk)
        reserved = activity.reserved_seats if reserved_seats is None else reserved_seats
        if capacity < 1 or reserved < 0:
            raise CommunityError(_("Please give at least 1 seat, and no negative number of reserved seats."))
        if reserved > capacity:
            raise CommunityError(_("There cannot be more reserved seats than seats."))
        held = seats_of(activity).held
        if capacity < held:
            raise CommunityError(
                _("%(held)d seats are already taken, so the event cannot have fewer than %(held)d seats.")
                % {"held": held}
            )
        old = (activity.capacity, activity.reserved_seats)
        activity.capacity, activity.reserved_seats = capacity, reserved
        activity.save(update_fields=["capacity", "reserved_seats", "updated_at"])
        log(
            activity,
            ActivityLog.Type.CHANGED,
            actor=actor,
            note=f"capacity {old[0]}→{capacity}, reserved {old[1]}→{reserved}",
        )
        now = timezone.now()
        if activity.status == Activity.Status.PUBLISHED and now < activity.starts_at:
            _offer_freed_seats(activity, now)
    return activity


def cancel_activity(activity: Activity, *, actor, reason: str) -> Activity:
    """Everyone still signed up is told by SMS (and sees it on their page)."""
    _must_organise(actor, activity)
    reason = (reason or "").strip()
    if not reason:
        raise CommunityError(_("Please say why the event is cancelled; everyone signed up is told."))
    now = timezone.now()
    with transaction.atomic():
        activity = _locked(activity.pk)
        if activity.status == Activity.Status.CANCELLED:
            raise CommunityError(_("This event is already cancelled."))
        activity.status = Activity.Status.CANCELLED
        activity.cancel_reason = reason[:200]
        activity.save(update_fields=["status", "cancel_reason", "updated_at"])
        log(activity, ActivityLog.Type.CANCELLED_EVENT, actor=actor, note=reason)
        active = list(SignUp.objects.select_related("activity").filter(activity=activity, status__in=SignUp.ACTIVE))
        SignUp.objects.filter(pk__in=[s.pk for s in active]).update(
            status=Status.CANCELLED, cancelled_at=now, offer_expires_at=None
        )
        with translation.override(settings.LANGUAGE_CODE):
            body = _("sorry, this event is cancelled: %(reason)s") % {"reason": reason}
            for signup in active:
                _tell(signup, key="event-cancelled", body=body)
    return activity


def decide_signup(signup: SignUp, *, approve: bool, actor) -> SignUp:
    """Staff approval: an approved request takes seats whole if they fit, else waits whole."""
    now = timezone.now()
    with transaction.atomic():
        activity = _locked(signup.activity_id)
        _must_organise(actor, activity)
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.status != Status.PENDING:
            raise CommunityError(_("This sign-up is not waiting for approval."))
        if not approve:
            signup.status = Status.REFUSED
            signup.save(update_fields=["status"])
            log(activity, ActivityLog.Type.REFUSED, signup=signup, actor=actor)
            _tell(signup, key="refused", body=_("sorry, your sign-up was not approved."))
            return signup
        fits = signup.seats <= seats_of(activity).free_for(group=signup.in_reserved_group)
        signup.status = Status.CONFIRMED if fits else Status.WAITING
        signup.confirmed_at = now if fits else None
        signup.save(update_fields=["status", "confirmed_at"])
        log(activity, ActivityLog.Type.APPROVED, signup=signup, actor=actor, note=signup.status)
        with translation.override(settings.LANGUAGE_CODE):
            body = (
                _("your sign-up is approved.") if fits else _("your sign-up is approved; you are on the waiting list.")
            )
            _tell(signup, key="approved", body=body)
    return signup


# --- At the door ---------------------------------------------------------------------------------


def check_in(activity: Activity, *, code: str, actor, now: dt.datetime | None = None) -> SignUp:
    """Mark the sign-up with this check-in code as present. A code of another event, one already
    used, or one whose seats are not confirmed is refused in plain words."""
    _must_organise(actor, activity)
    now = now or timezone.now()
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if not code:
        raise CommunityError(_("Please type the 6-digit code shown on the resident's phone."))
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().filter(activity=activity, checkin_code=code).first()
        if signup is None:
            other = (
                SignUp.objects.select_related("activity")
                .filter(checkin_code=code, activity__workstation_id=activity.workstation_id)
                .exclude(activity=activity)
                .first()
            )
            if other is not None:
                raise CommunityError(_("This code is for another event: %(title)s.") % {"title": other.activity.title})
            raise CommunityError(_("No sign-up of this event has this code. Please check the digits."))
        if signup.checked_in_at is not None:
            when = timezone.localtime(signup.checked_in_at).strftime("%H:%M")
            raise CommunityError(
                _("%(name)s was already checked in at %(when)s.") % {"name": signup.name, "when": when}
            )
        if signup.status != Status.CONFIRMED:
            raise CommunityError(
                _("%(name)s has no confirmed seat (%(status)s).")
                % {"name": signup.name, "status": signup.get_status_display()}
            )
        signup.checked_in_at = now
        signup.save(update_fields=["checked_in_at"])
        log(activity, ActivityLog.Type.CHECKED_IN, signup=signup, actor=actor)
    return signup


def add_walk_in(activity: Activity, *, name: str, seats: int | str = 1, phone: str = "", actor) -> SignUp:
    """Someone who came without signing up: present at once; walk-ins take no sign-up seats."""
    _must_organise(actor, activity)
    name = (name or "").strip()[:50] or _("walk-in")
    try:
        seats = int(seats)
        phone = normalize_phone(phone or "")
    except (TypeError, ValueError):
        raise CommunityError(_("Please write how many people came, as a number.")) from None
    except ValidationError as exc:
        raise CommunityError(exc.messages[0]) from exc
    if seats < 1:
        raise CommunityError(_("Please count at least 1 person."))
    now = timezone.now()

    def write() -> SignUp:
        with transaction.atomic():
            locked = _locked(activity.pk)
            signup, _token = _insert(
                locked,
                name=name,
                phone=phone,
                seats=seats,
                walk_in=True,
                status=Status.CONFIRMED,
                confirmed_at=now,
                checked_in_at=now,
            )
            log(locked, ActivityLog.Type.WALK_IN, signup=signup, actor=actor, note=f"{seats}")
        return signup

    return _code_clash_retried(write)


def show_phones(activity: Activity, *, actor) -> None:
    """An organiser asks to see the phone numbers: allowed to organisers only, and audited."""
    _must_organise(actor, activity)
    log(activity, ActivityLog.Type.PHONES_SHOWN, actor=actor)


# --- The record afterwards ---------------------------------------------------------------------


def record_summary(activity: Activity, *, summary: str, actor, photos=()) -> Activity:
    """photos: issues.photos.CleanPhoto objects (already re-encoded, EXIF gone)."""
    from .models import ActivityPhoto

    _must_organise(actor, activity)
    activity.summary = (summary or "").strip()
    activity.save(update_fields=["summary", "updated_at"])
    for number, photo in enumerate(photos, start=1):
        row = ActivityPhoto(activity=activity)
        row.image.save(f"{number}.jpg", photo.image, save=True)
    log(activity, ActivityLog.Type.CHANGED, actor=actor, note="summary")
    return activity


def add_follow_up(activity: Activity, *, text: str, actor, as_issue: bool = False) -> FollowUp:
    """A follow-up; with `as_issue` it becomes a `community` issue through the core's intake, at
    the event's location (or the workstation's first one)."""
    from issues import services as issue_services
    from workstations.models import Location

    _must_organise(actor, activity)
    text = (text or "").strip()
    if not text:
        raise CommunityError(_("Please write what should be followed up."))
    with transaction.atomic():
        issue = None
        if as_issue:
            location = activity.location or (
                Location.objects.filter(grid__neighbourhood__workstation_id=activity.workstation_id, is_active=True)
                .order_by("pk")
                .first()
            )
            if location is None:
                raise CommunityError(_("The workstation has no place to file an issue at."))
            issue, _token, _created = issue_services.create_issue(
                location, description=f"{activity.title}: {text}", kind=Kind.COMMUNITY
            )
        follow_up = FollowUp.objects.create(activity=activity, text=text, issue=issue, created_by=actor)
        log(activity, ActivityLog.Type.FOLLOW_UP, actor=actor, note=text[:100])
    return follow_up
