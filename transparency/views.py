from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from issues.stats import RATE_DEFINITIONS
from workstations.models import Neighbourhood, Workstation

from .figures import figures


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    workstations = Workstation.objects.select_related("subdistrict").order_by("subdistrict__name", "name")
    return render(request, "transparency/index.html", {"workstations": workstations})


@require_safe
def workstation_page(request: HttpRequest, slug: str, neighbourhood: str | None = None) -> HttpResponse:
    ws = get_object_or_404(Workstation, slug=slug)
    nb = get_object_or_404(Neighbourhood, workstation=ws, slug=neighbourhood) if neighbourhood else None
    context = {
        "workstation": ws,
        "neighbourhood": nb,
        "neighbourhoods": ws.neighbourhoods.order_by("name"),
        "figures": figures(ws, nb),
        "definitions": RATE_DEFINITIONS,
    }
    return render(request, "transparency/page.html", context)
