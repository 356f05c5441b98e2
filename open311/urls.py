from django.urls import re_path

from . import views

app_name = "open311"

FMT = r"\.(?P<fmt>[a-z0-9]+)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/discovery" + FMT, views.discovery, name="discovery_v2"),
    re_path(r"^v2/services" + FMT, views.service_list, name="services"),
    re_path(r"^v2/services/(?P<code>[A-Za-z0-9_-]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, views.requests_, name="requests"),
    re_path(r"^v2/requests/(?P<request_id>[A-Za-z0-9_-]+)" + FMT, views.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[A-Za-z0-9_-]+)" + FMT, views.token, name="token"),
    re_path(r"^", views.not_found),
]
