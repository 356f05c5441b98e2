from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from observability.metrics import metrics_view

from . import views
from .login import AdminLoginForm, Login
from .password_reset import PasswordReset

admin.site.login_form = AdminLoginForm
# django-axes: only its failed attempts matter here (deleting them unlocks); successful logins
# are not recorded (AXES_DISABLE_ACCESS_LOG) and failures are not logged apart.
for _model in (AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
# 「民情快办 管理后台」 in Chinese: the header, the browser tab, and the index page's heading.
admin.site.site_header = admin.site.site_title = _("Minqing Kuaiban administration")
admin.site.index_title = _("Configuration and records")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    # Browsers ask for /favicon.ico where a page names no icon (the admin, the API docs, JSON);
    # the unhashed static name never changes, so the redirect may be permanent.
    path(
        "favicon.ico",
        RedirectView.as_view(
            url=f"{settings.STATIC_URL}favicon.svg", permanent=True, http_method_names=["get", "head"]
        ),
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", Login.as_view(), name="login"),
    path("accounts/password_reset/", PasswordReset.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("open311/", include("open311.urls")),
    path("", include("cowork.urls")),
    path("", include("transparency.urls")),
    path("", include("privacy.urls")),
    path("", include("issues.urls")),
    path("", include("workstations.urls")),
    path("", include("community.urls")),
    path("", include("estates.urls")),
]
# No URL serves MEDIA_ROOT: photos go through issues.views.photos, which checks the viewer.
