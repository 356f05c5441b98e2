"""Rules about places and people that other apps ask, and every write to a location's QR code."""

import datetime as dt
import enum
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import duty
from .models import (
    SHORT_CODE_LENGTH,
    Grid,
    Location,
    LocationEvent,
    RetiredQRCode,
    ScanCount,
    new_qr_token,
    new_short_code,
    normalize_short_code,
)

logger = logging.getLogger(__name__)
User = get_user_model()

# How long an old poster keeps working after its code is rotated, unless staff choose otherwise.
DEFAULT_ROTATION_GRACE = dt.timedelta(days=getattr(settings, "QR_ROTATION_GRACE_DAYS", 30))
MAX_TOKEN_LENGTH = 64


def grid_worker_for(grid: Grid, *, at: dt.datetime | None = None, urgent: bool = False) -> User | None:
    """Who gets a new task in this grid now (or `at`): see workstations.duty.on_duty."""
    return duty.on_duty(grid, at=at, urgent=urgent)


# --- QR codes ----------------------------------------------------------------------------------


class QRState(enum.StrEnum):
    ACTIVE = "active"  # the location's current code: the report form
    ALIAS = "alias"  # a rotated code still in its grace period: redirect to the current URL
    REPLACED = "replaced"  # a rotated code past its grace period: "no longer in use"
    REVOKED = "revoked"  # staff switched the location's code off: "no longer in use"
    INACTIVE = "inactive"  # the location itself is retired: "no longer in use"
    UNKNOWN = "unknown"  # no such code: 404

    @property
    def is_stopped(self) -> bool:
        return self in (QRState.REPLACED, QRState.REVOKED, QRState.INACTIVE)


def _location_state(location: Location) -> QRState:
    if not location.is_active:
        return QRState.INACTIVE
    if location.qr_revoked_at is not None:
        return QRState.REVOKED
    return QRState.ACTIVE


def resolve_qr_token(token: str, *, now: dt.datetime | None = None) -> tuple[Location | None, QRState]:
    """What a scanned code leads to. One query for a current code (the common case), two for
    a rotated one. The location comes with its grid, neighbourhood, workstation and subdistrict
    loaded (a report's reference number starts with the subdistrict's code)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None, QRState.UNKNOWN
    related = "grid__neighbourhood__workstation__subdistrict"
    location = Location.objects.select_related(related).filter(qr_token=token).first()
    if location is not None:
        return location, _location_state(location)
    retired = RetiredQRCode.objects.select_related(f"location__{related}").filter(token=token).first()
    if retired is None:
        return None, QRState.UNKNOWN
    location = retired.location
    state = _location_state(location)
    if state is not QRState.ACTIVE:
        return location, state
    if (now or timezone.now()) < retired.valid_until:
        return location, QRState.ALIAS
    return location, QRState.REPLACED


def token_for_short_code(typed: str) -> str | None:
    """The QR token a poster's short code stands for: the location's current one, else the
    replaced token printed with it (whose own address then says what it leads to). None when no
    poster has this code. At most two indexed lookups."""
    code = normalize_short_code(typed)
    if len(code) != SHORT_CODE_LENGTH:
        return None
    token = Location.objects.filter(short_code=code).values_list("qr_token", flat=True).first()
    if token is None:
        token = RetiredQRCode.objects.filter(short_code=code).values_list("token", flat=True).first()
    return token


def record_scan(location: Location, *, stale: bool = False, day: dt.date | None = None) -> None:
    """Count one opening of the location's code: one UPDATE, plus an INSERT for the day's first
    scan. Nobody's identity is kept. A failure is logged, never shown to the resident."""
    day = day or timezone.localdate()
    field = "stale_scans" if stale else "scans"
    try:
        counter = ScanCount.objects.filter(location_id=location.pk, day=day)
        if counter.update(**{field: F(field) + 1}):
            return
        try:
            with transaction.atomic():
                ScanCount.objects.create(location_id=location.pk, day=day, **{field: 1})
        except IntegrityError:  # a second first scan of the day won the race
            counter.update(**{field: F(field) + 1})
    except DatabaseError:
        logger.warning("could not count a scan of location %s", location.pk, exc_info=True)


def rotate_qr(
    location: Location, *, actor: User | None, grace: dt.timedelta = DEFAULT_ROTATION_GRACE, note: str = ""
) -> Location:
    """Give the location a new code. The old one keeps leading to the report form for `grace`
    (zero: stops at once), then shows "no longer in use" with the workstation's contact. A
    revoked code never gets a grace period. Rotating also lifts a revocation."""
    if grace < dt.timedelta(0):
        raise ValueError("grace must not be negative")
    with transaction.atomic():
        loc = Location.objects.select_for_update().get(pk=location.pk)
        now = timezone.now()
        valid_until = now if loc.qr_revoked_at else now + grace
        RetiredQRCode.objects.create(
            location=loc, token=loc.qr_token, short_code=loc.short_code, retired_at=now, valid_until=valid_until
        )
        loc.qr_token, loc.short_code = new_qr_token(), new_short_code()
        loc.qr_revoked_at = None
        loc.save(update_fields=["qr_token", "short_code", "qr_revoked_at"])
        LocationEvent.objects.create(
            location=loc, type=LocationEvent.Type.ROTATED, actor=actor, note=note, old_code_valid_until=valid_until
        )
    return loc


def revoke_qr(location: Location, *, actor: User | None, note: str = "") -> Location:
    """Switch the location's code off now, including any rotated code still in its grace
    period. Residents who scan it see "no longer in use" and the workstation's contact."""
    with transaction.atomic():
        loc = Location.objects.select_for_update().get(pk=location.pk)
        if loc.qr_revoked_at is None:
            loc.qr_revoked_at = timezone.now()
            loc.save(update_fields=["qr_revoked_at"])
            LocationEvent.objects.create(location=loc, type=LocationEvent.Type.REVOKED, actor=actor, note=note)
    return loc


def reinstate_qr(location: Location, *, actor: User | None, note: str = "") -> Location:
    """Undo a revocation: the same code (and posters already printed) work again."""
    with transaction.atomic():
        loc = Location.objects.select_for_update().get(pk=location.pk)
        if loc.qr_revoked_at is not None:
            loc.qr_revoked_at = None
            loc.save(update_fields=["qr_revoked_at"])
            LocationEvent.objects.create(location=loc, type=LocationEvent.Type.REINSTATED, actor=actor, note=note)
    return loc
