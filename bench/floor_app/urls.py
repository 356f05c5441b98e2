from django.urls import path

from . import views

urlpatterns = [
    path("q/<str:token>/", views.report, name="report"),
    path("t/<str:token>/", views.track, name="track"),
]
