"""The desk's filters by estate and by property company (issues.extensions "desk_filters"): an
issue is the estate's when its location is inside the estate (EstateLocation), a company's when
it is inside one of the estates the company or its branches serve. The choices come from a
per-process snapshot (minqing.config_cache; estates.apps watches the tables), so the desk runs
no query more; the filter is one subquery of the desk's own."""

from django.utils.translation import gettext_lazy as _

from issues.extensions import DeskFilter
from minqing import config_cache

from .models import Estate, EstateLocation, PropertyCompany


def _estates() -> list[tuple[int, str, int, int | None, int | None]]:
    """(estate id, name, workstation id, company id, parent company id), by name."""
    return [
        (pk, name, ws, company, parent)
        for pk, name, ws, company, parent in Estate.objects.order_by("name", "pk").values_list(
            "pk", "name", "neighbourhood__workstation_id", "company_id", "company__parent_id"
        )
    ]


def _companies() -> dict[int, str]:
    return dict(PropertyCompany.objects.order_by("name", "pk").values_list("pk", "name"))


def estate_choices(ws_ids) -> list[tuple[int, str]]:
    wanted = set(ws_ids)
    return [(pk, name) for pk, name, ws, _c, _p in config_cache.get("estates.desk_estates", _estates) if ws in wanted]


def company_choices(ws_ids) -> list[tuple[int, str]]:
    wanted = set(ws_ids)
    serving = {c for _pk, _n, ws, c, _p in config_cache.get("estates.desk_estates", _estates) if ws in wanted and c}
    names = config_cache.get("estates.desk_companies", _companies)
    return [(pk, name) for pk, name in names.items() if pk in serving]


def by_estate(issues, estate_id: int):
    return issues.filter(location_id__in=EstateLocation.objects.filter(estate_id=estate_id).values("location_id"))


def by_company(issues, company_id: int):
    """A company's estates, and those of its branches."""
    inside = EstateLocation.objects.filter(estate__company_id__in=_company_and_branches(company_id))
    return issues.filter(location_id__in=inside.values("location_id"))


def _company_and_branches(company_id: int) -> list[int]:
    estates = config_cache.get("estates.desk_estates", _estates)
    return [company_id, *{c for _pk, _n, _ws, c, parent in estates if parent == company_id and c}]


def desk_filters() -> list[DeskFilter]:
    return [
        DeskFilter("estate", _("Estate"), estate_choices, by_estate),
        DeskFilter("company", _("Property company"), company_choices, by_company),
    ]
