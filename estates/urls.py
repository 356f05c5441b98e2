from django.urls import path

from .views import desk, public

app_name = "estates"

urlpatterns = [
    path("xq/<str:code>/", public.estate_page, name="public"),
    path("xq/<str:code>/v/<int:pk>/", public.disclosure_version, name="version"),
    path("xq/<str:code>/d/<int:pk>/", public.document, name="document"),
    path("xq/<str:code>/poster.pdf", public.poster, name="poster"),
    path("property/", desk.property_desk, name="property_desk"),
    path("property/estates/<int:pk>/publish/", desk.publish, name="publish"),
    path("property/complaints/<int:issue_id>/<str:action>/", desk.complaint_action, name="complaint_action"),
    path("housing/", desk.housing_desk, name="housing_desk"),
    path("housing/estates/<int:pk>/notice/", desk.notice, name="notice"),
    path("estates/rankings/", desk.rankings_page, name="rankings"),
]
