from django.urls import path

from .views import organiser, public

app_name = "community"

urlpatterns = [
    # Residents: upcoming events, an event's page (sign up), a sign-up's own page.
    path("events/", public.upcoming_all, name="upcoming_all"),
    path("events/<slug:slug>/", public.upcoming, name="upcoming"),
    path("e/<str:token>/", public.event, name="event"),
    path("e/<str:token>/qr.png", public.event_qr, name="event_qr"),
    path("e/<str:token>/poster.pdf", public.event_poster, name="event_poster"),
    path("e/s/<str:token>/", public.signup_page, name="signup"),
    path("e/s/<str:token>/qr.png", public.signup_qr, name="signup_qr"),
    path("e/s/<str:token>/cancel/", public.signup_cancel, name="signup_cancel"),
    path("e/s/<str:token>/accept/", public.signup_accept, name="signup_accept"),
    # Organisers.
    path("staff/community/", organiser.initiatives, name="initiatives"),
    path("staff/community/adopt/<int:issue_id>/", organiser.adopt, name="adopt"),
    path("staff/community/initiatives/<int:pk>/", organiser.initiative, name="initiative"),
    path("staff/community/events/<int:pk>/", organiser.manage, name="manage"),
    path("staff/community/events/<int:pk>/checkin/", organiser.checkin, name="checkin"),
    path("staff/community/events/<int:pk>/record/", organiser.record, name="record"),
    path("staff/community/export.<str:fmt>", organiser.export, name="export"),
]
