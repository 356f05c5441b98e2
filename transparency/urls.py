from django.urls import path

from . import views

urlpatterns = [
    path("open/", views.index, name="transparency"),
    path("open/<slug:slug>/", views.workstation_page, name="transparency_workstation"),
    path("open/<slug:slug>/<slug:neighbourhood>/", views.workstation_page, name="transparency_neighbourhood"),
]
