from django.urls import path

from .views import desk, resident

urlpatterns = [
    # Residents: report from a QR code, follow the report, common questions.
    path("q/<str:token>/", resident.report, name="report"),
    path("t/<str:token>/", resident.track, name="track"),
    path("t/<str:token>/confirm/", resident.track_confirm, name="track_confirm"),
    path("t/<str:token>/reopen/", resident.track_reopen, name="track_reopen"),
    path("faq/", resident.faq, name="faq"),
    # Desk: workstation staff and grid workers.
    path("staff/", desk.staff_dashboard, name="staff_dashboard"),
    path("staff/issues/<int:pk>/", desk.staff_issue, name="staff_issue"),
    path("tasks/", desk.tasks, name="tasks"),
    path("tasks/<int:pk>/", desk.task_detail, name="task_detail"),
    path("tasks/<int:pk>/<str:action>/", desk.task_action, name="task_action"),
]
