"""The residents' side: upcoming events, an event's page (sign up), a sign-up's own page (status,
check-in code, accept an offer, cancel), and the event's QR code and poster. No login: the
sign-up page's token is the person's only key, so those pages are never cached."""

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from issues import ratelimit
from workstations.models import Workstation
from workstations.qr import qr_png

from .. import services
from ..forms import SignUpForm
from ..models import Activity, SignUp, token_for

SIGNUPS_PER_IP_PER_HOUR = 30
HOUR = 3600


def _see_other(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


def _private(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers["Cache-Control"] = "no-store, private"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    return wrapper


def _public_activity(token: str) -> Activity:
    activity = (
        Activity.objects.select_related("workstation", "location", "neighbourhood", "initiative")
        .exclude(status=Activity.Status.DRAFT)
        .filter(public_token=token)
        .first()
    )
    if activity is None:
        raise Http404
    return activity


@require_safe
def upcoming_all(request: HttpRequest) -> HttpResponse:
    """Every workstation's upcoming events (the home page links here)."""
    return _upcoming(request, None)


@require_safe
def upcoming(request: HttpRequest, slug: str) -> HttpResponse:
    return _upcoming(request, get_object_or_404(Workstation, slug=slug))


def _upcoming(request: HttpRequest, workstation: Workstation | None) -> HttpResponse:
    activities = Activity.objects.filter(status=Activity.Status.PUBLISHED, ends_at__gt=timezone.now()).select_related(
        "workstation", "location"
    )
    if workstation is not None:
        activities = activities.filter(workstation=workstation)
    return render(
        request,
        "community/upcoming.html",
        {"workstation": workstation, "activities": list(activities.order_by("starts_at")[:100])},
    )


def _event_page(request, activity: Activity, form: SignUpForm, *, status: int = 200, error: str = ""):
    seats = services.seats_of(activity)
    now = timezone.now()
    context = {
        "activity": activity,
        "workstation": activity.workstation,
        "form": form,
        "error": error,
        "seats": seats,
        "free": seats.free_for(group=False),
        "closed": services.signup_window_problem(activity, now),
        "event_url": activity.public_url(),
        "partners": list(activity.partners.order_by("name")),
    }
    return render(request, "community/event.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def event(request: HttpRequest, token: str) -> HttpResponse:
    activity = _public_activity(token)
    if request.method != "POST":
        return _event_page(request, activity, SignUpForm(initial={"seats": "1"}))
    form = SignUpForm(request.POST)
    if not form.is_valid():
        return _event_page(request, activity, form, status=400)
    if not ratelimit.hit(f"signup:ip:{ratelimit.client_ip(request)}", SIGNUPS_PER_IP_PER_HOUR, HOUR):
        return _event_page(
            request, activity, form, status=429, error=_("Many sign-ups came from here. Please wait a while.")
        )
    try:
        signup, token = services.sign_up(activity, **form.fields_for_service())
    except services.CommunityError as exc:
        return _event_page(request, activity, form, status=400, error=exc.message)
    if signup.status == SignUp.Status.CONFIRMED:
        messages.success(request, _("You are signed up. Keep this page: it has your check-in code."))
    elif signup.status == SignUp.Status.WAITING:
        messages.warning(
            request,
            _(
                "Sorry, the seats are all taken. You are on the waiting list: if a seat frees up, "
                "we will tell you here and by text message."
            ),
        )
    else:
        messages.info(request, _("Thank you. The organisers will look at your sign-up and tell you."))
    return _see_other(reverse("community:signup", args=[token]))


@require_safe
def event_qr(request: HttpRequest, token: str) -> HttpResponse:
    activity = _public_activity(token)
    return HttpResponse(qr_png(activity.public_url(), box_size=8), content_type="image/png")


@require_safe
def event_poster(request: HttpRequest, token: str) -> HttpResponse:
    from ..posters import poster_pdf

    activity = _public_activity(token)
    response = HttpResponse(poster_pdf(activity), content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="event-{activity.pk}.pdf"'
    return response


def _signup_or_404(token: str) -> SignUp:
    signup = services.find_signup(token)
    if signup is None:
        raise Http404
    return signup


@_private
@require_safe
def signup_page(request: HttpRequest, token: str) -> HttpResponse:
    signup = _signup_or_404(token)
    activity = signup.activity
    context = {
        "signup": signup,
        "activity": activity,
        "workstation": activity.workstation,
        "token": token,
        "position": services.waiting_position(signup),
        "can_cancel": signup.status in SignUp.ACTIVE and timezone.now() < activity.starts_at,
    }
    return render(request, "community/signup.html", context)


@_private
@require_safe
def signup_qr(request: HttpRequest, token: str) -> HttpResponse:
    """The check-in code as a QR: the organiser's check-in page with the code filled in, so an
    organiser's phone camera opens it directly."""
    signup = _signup_or_404(token)
    if signup.status != SignUp.Status.CONFIRMED:
        raise Http404
    url = request.build_absolute_uri(
        reverse("community:checkin", args=[signup.activity_id]) + f"?code={signup.checkin_code}"
    )
    return HttpResponse(qr_png(url, box_size=8), content_type="image/png")


@_private
@require_POST
def signup_cancel(request: HttpRequest, token: str) -> HttpResponse:
    signup = _signup_or_404(token)
    try:
        services.cancel_signup(signup)
    except services.CommunityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your sign-up is cancelled. Thank you for letting us know."))
    return _see_other(reverse("community:signup", args=[token]))


@_private
@require_POST
def signup_accept(request: HttpRequest, token: str) -> HttpResponse:
    signup = _signup_or_404(token)
    try:
        services.accept_offer(signup)
    except services.CommunityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The seat is yours. See you there!"))
    return _see_other(reverse("community:signup", args=[token_for(signup)]))
