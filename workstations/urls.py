from django.urls import path

from .views import duty, locations, lockouts, qr

urlpatterns = [
    # Typed from a poster (Location.typed_url), with or without the trailing slash.
    path("k/<str:code>", qr.short_code_entry, name="short_code"),
    path("k/<str:code>/", qr.short_code_entry),
    path("staff/locations/", locations.staff_locations, name="staff_locations"),
    path("staff/locations/<int:pk>/", locations.location_detail, name="location_detail"),
    path("staff/locations/<int:pk>/qr.png", qr.location_qr, name="location_qr"),
    path("staff/locations/<int:pk>/qr.svg", qr.location_qr_svg, name="location_qr_svg"),
    path("staff/locations/<int:pk>/poster/", locations.location_poster, name="location_poster"),
    path("staff/locations/<int:pk>/rotate/", locations.location_rotate, name="location_rotate"),
    path("staff/locations/<int:pk>/revoke/", locations.location_revoke, name="location_revoke"),
    path("staff/locations/<int:pk>/reinstate/", locations.location_reinstate, name="location_reinstate"),
    path("staff/duty/", duty.duty_page, name="duty"),
    path("staff/lockouts/", lockouts.lockouts_page, name="lockouts"),
    path("staff/lockouts/unlock/", lockouts.unlock, name="lockouts_unlock"),
    path("staff/duty/shifts/", duty.shift_add, name="duty_shift_add"),
    path("staff/duty/shifts/<int:pk>/delete/", duty.shift_delete, name="duty_shift_delete"),
    path("staff/duty/absences/", duty.absence_add, name="duty_absence_add"),
    path("staff/duty/absences/<int:pk>/delete/", duty.absence_delete, name="duty_absence_delete"),
]
