from django.urls import path

from . import views

urlpatterns = [
    path("staff/locations/", views.staff_locations, name="staff_locations"),
    path("staff/locations/<int:pk>/qr.png", views.location_qr, name="location_qr"),
]
