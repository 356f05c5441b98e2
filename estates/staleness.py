"""Which categories of an estate's disclosure are past the time they should have been updated
(已超过应更新时间), by the admin's StalenessRule rows, and telling the housing officer once per
estate, rule and category (from the SLA sweep, through issues.notify)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from issues import notify

from .models import Category, Disclosure, Estate, ServiceContract, StaleAlert, StalenessRule


@dataclass(frozen=True)
class Stale:
    rule: StalenessRule
    category: str

    @property
    def category_label(self) -> str:
        return Category(self.category).label


def active_rules() -> list[StalenessRule]:
    return list(StalenessRule.objects.filter(is_active=True))


def _age_start(d: Disclosure) -> dt.date:
    return d.period_end or timezone.localdate(d.published_at)


def stale_for(
    estate: Estate,
    *,
    today: dt.date,
    rules: list[StalenessRule],
    current: dict[tuple[int, str], Disclosure],
    contract_end: dt.date | None,
) -> list[Stale]:
    """Pure over what was loaded: the (rule, category) pairs that find this estate stale.
    `contract_end`: the latest end date of its service contracts (None: none recorded)."""
    found: list[Stale] = []
    for rule in rules:
        categories = [rule.category] if rule.category else list(Category.values)
        for category in categories:
            newest = current.get((estate.pk, category))
            if rule.kind == StalenessRule.Check.NEVER:
                hit = newest is None
            elif rule.kind == StalenessRule.Check.OLDER_THAN:
                hit = newest is not None and (today - _age_start(newest)).days > (rule.days or 0)
            else:  # contract ended
                hit = estate.company_id is not None and contract_end is not None and contract_end < today
            if hit:
                found.append(Stale(rule, category))
    return found


def contract_ends(estates) -> dict[int, dt.date]:
    ends: dict[int, dt.date] = {}
    for estate_id, ends_on in ServiceContract.objects.filter(estate__in=estates).values_list("estate_id", "ends_on"):
        ends[estate_id] = max(ends_on, ends.get(estate_id, ends_on))
    return ends


def stale_map(estates: list[Estate], *, today: dt.date | None = None) -> dict[int, list[Stale]]:
    """Each estate's stale categories, in three queries whatever the number of estates."""
    from .services import current_disclosures

    today = today or timezone.localdate()
    rules = active_rules()
    current = current_disclosures(estates)
    ends = contract_ends(estates)
    return {e.pk: stale_for(e, today=today, rules=rules, current=current, contract_end=ends.get(e.pk)) for e in estates}


def sweep_step(*, now: dt.datetime, batch: int) -> dict[str, int]:
    """A step of the SLA sweep (settings.SLA_SWEEP_STEPS): tell each estate's housing officer
    once about each newly stale category; forget what is up to date again (so that a later
    lapse is told again). Every estate with a housing officer is checked, `batch` × 10 estates
    (four queries) at a time. Returns the number of new alerts.

    Staleness is counted in days, so this runs in the sweep of the hour's first minute only
    (the beat sweeps every minute; a missed one waits an hour), not in every sweep."""
    if timezone.localtime(now).minute != 0:
        return {"estate_stale_told": 0}
    chunk = max(batch, 1) * 10
    told, after = 0, 0
    while True:
        estates = list(
            Estate.objects.filter(housing_officer__isnull=False, pk__gt=after)
            .select_related("housing_officer")
            .order_by("pk")[:chunk]
        )
        if not estates:
            break
        told += _tell_stale(estates, now)
        after = estates[-1].pk
    return {"estate_stale_told": told}


def _tell_stale(estates: list[Estate], now: dt.datetime) -> int:
    stale = stale_map(estates, today=timezone.localdate(now))
    known = {(a.estate_id, a.rule_id, a.category): a.pk for a in StaleAlert.objects.filter(estate__in=estates)}
    told = 0
    with notify.workstation_language(), transaction.atomic():
        still = set()
        for estate in estates:
            for item in stale[estate.pk]:
                key = (estate.pk, item.rule.pk, item.category)
                still.add(key)
                if key in known:
                    continue
                StaleAlert.objects.create(estate=estate, rule=item.rule, category=item.category)
                notify.queue(
                    estate.housing_officer,
                    key=f"estate-stale:{estate.pk}:{item.rule.pk}:{item.category}:{now:%Y%m%d%H%M%S}",
                    subject=_("[%(estate)s] Disclosure past its update time") % {"estate": estate.name},
                    body=_("%(estate)s: %(category)s — %(rule)s. See %(url)s")
                    % {
                        "estate": estate.name,
                        "category": item.category_label,
                        "rule": item.rule.name,
                        "url": f"{settings.SITE_URL}/housing/",
                    },
                )
                told += 1
        gone = [pk for key, pk in known.items() if key not in still]
        if gone:
            StaleAlert.objects.filter(pk__in=gone).delete()
    return told
