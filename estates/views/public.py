"""The estate's public page (/xq/<code>/): phone-first, from its QR codes and its poster's short
URL. The six categories with their dates and staleness, the housing officer's contact, and the
便民服务 notices. No login; a fixed number of queries."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ..models import Category, Disclosure, DisclosureDocument, Estate
from ..services import live_notices
from ..staleness import stale_map


@require_safe
def estate_page(request: HttpRequest, code: str) -> HttpResponse:
    estate = get_object_or_404(
        Estate.objects.select_related("company", "housing_officer", "neighbourhood__workstation"), short_code=code
    )
    versions: dict[str, list[Disclosure]] = {c: [] for c in Category.values}
    for d in estate.disclosures.prefetch_related("documents").order_by("category", "-version"):
        versions[d.category].append(d)
    stale = stale_map([estate])[estate.pk]
    stale_categories = {s.category for s in stale}
    categories = [
        {
            "value": value,
            "label": label,
            "current": versions[value][0] if versions[value] else None,
            "older": versions[value][1:],
            "stale": value in stale_categories,
            "reasons": [s.rule.name for s in stale if s.category == value],
        }
        for value, label in Category.choices
    ]
    report_url = None
    link = estate.estate_locations.select_related("location").filter(location__is_active=True).first()
    if link is not None:
        report_url = link.location.report_path()
    return render(
        request,
        "estates/public.html",
        {
            "estate": estate,
            "categories": categories,
            "notices": live_notices(estate),
            "today": timezone.localdate(),
            "report_url": report_url,
            "officer": estate.housing_officer,
        },
    )


@require_safe
def disclosure_version(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One version, the current or an older one: old versions stay readable."""
    estate = get_object_or_404(Estate, short_code=code)
    disclosure = get_object_or_404(Disclosure.objects.prefetch_related("documents"), estate=estate, pk=pk)
    return render(request, "estates/version.html", {"estate": estate, "d": disclosure})


@require_safe
def document(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A disclosure's document, public as the disclosure is: a PDF or a re-encoded JPEG, shown
    inline, never sniffed into anything else."""
    doc = get_object_or_404(
        DisclosureDocument.objects.select_related("disclosure__estate"), pk=pk, disclosure__estate__short_code=code
    )
    pdf = doc.type == DisclosureDocument.Type.PDF
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf" if pdf else "image/jpeg")
    response.headers["Content-Disposition"] = f'inline; filename="document-{doc.pk}.{"pdf" if pdf else "jpg"}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def poster(request: HttpRequest, code: str) -> HttpResponse:
    """The estate's A4 poster: its public page's QR code and short URL, and 有事先找我."""
    from ..posters import poster_pdf

    estate = get_object_or_404(
        Estate.objects.select_related("company", "housing_officer", "neighbourhood__workstation"), short_code=code
    )
    response = HttpResponse(poster_pdf(estate), content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="estate-{estate.short_code}.pdf"'
    return response
