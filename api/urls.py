from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from community.api import ActivityViewSet, InitiativeViewSet, SignUpViewSet
from cowork.api import CaseViewSet
from estates.api import views as estates_api

from .views import not_found
from .views.dispatches import DispatchViewSet
from .views.issues import IssueViewSet
from .views.reading import EventViewSet, FAQViewSet, LocationViewSet, StatisticsView
from .views.root import ApiRootView
from .views.tracking import ConfirmView, ReopenView, TrackingView
from .views.webhooks import SubscriptionViewSet

app_name = "api"

router = DefaultRouter()
router.include_root_view = False
router.register("issues", IssueViewSet, basename="issue")
router.register("events", EventViewSet, basename="event")
router.register("dispatches", DispatchViewSet, basename="dispatch")
router.register("locations", LocationViewSet, basename="location")
router.register("faq", FAQViewSet, basename="faq")
router.register("webhooks", SubscriptionViewSet, basename="webhook")
router.register("activities", ActivityViewSet, basename="activity")
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("signups", SignUpViewSet, basename="signup")
router.register("cases", CaseViewSet, basename="case")
router.register("estates", estates_api.EstateViewSet, basename="estate")
router.register("companies", estates_api.CompanyViewSet, basename="company")
router.register("disclosures", estates_api.DisclosureViewSet, basename="disclosure")
router.register("notices", estates_api.NoticeViewSet, basename="notice")
router.register("complaints", estates_api.ComplaintViewSet, basename="complaint")

urlpatterns = [
    path("v1/", ApiRootView.as_view(), name="root"),
    path("v1/", include(router.urls)),
    path("v1/statistics/", StatisticsView.as_view(), name="statistics"),
    # The resident's side, keyed by the tracking token (no login).
    path("v1/track/<str:token>/", TrackingView.as_view(), name="track"),
    path("v1/track/<str:token>/confirm/", ConfirmView.as_view(), name="track-confirm"),
    path("v1/track/<str:token>/reopen/", ReopenView.as_view(), name="track-reopen"),
    # The schema and docs are public: they describe the API, they hold no data.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html", permission_classes=[AllowAny]
        ),
        name="docs",
    ),
    # Whatever else is asked of the API is answered in JSON, never with the site's HTML page.
    re_path(r"^v1/", not_found),
]
