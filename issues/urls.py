from django.urls import path

from .views import desk, dispatch, finding, photos, preferences, resident

urlpatterns = [
    # Residents: report from a QR code, follow the report, common questions.
    path("q/<str:token>/", resident.report, name="report"),
    path("t/<str:token>/", resident.track, name="track"),
    path("t/<str:token>/confirm/", resident.track_confirm, name="track_confirm"),
    path("t/<str:token>/reopen/", resident.track_reopen, name="track_reopen"),
    path("t/<str:token>/note/", resident.track_note, name="track_note"),
    path("t/<str:token>/photos/<int:pk>/", photos.track_photo, name="track_photo"),
    path("t/<str:token>/photos/<int:pk>/thumb/", photos.track_photo, {"thumb": True}, name="track_photo_thumb"),
    path("my/", resident.my_reports, name="my_reports"),
    path("my/status/", finding.my_reports_status, name="my_reports_status"),
    path("find/", finding.find_report, name="find_report"),
    path("faq/", resident.faq, name="faq"),
    path("faq/suggest", resident.faq_suggest, name="faq_suggest"),
    # Desk: workstation staff and grid workers.
    path("staff/", desk.staff_dashboard, name="staff_dashboard"),
    path("staff/issues/<int:pk>/", desk.staff_issue, name="staff_issue"),
    path("staff/issues/<int:pk>/do/<str:action>/", desk.staff_issue_action, name="staff_issue_action"),
    path("staff/bulk/", desk.staff_bulk, name="staff_bulk"),
    path("staff/photos/<int:pk>/", photos.desk_photo, name="desk_photo"),
    path("staff/photos/<int:pk>/thumb/", photos.desk_photo, {"thumb": True}, name="desk_photo_thumb"),
    path("staff/worklog/", desk.worklog_page, name="worklog"),
    path("staff/worklog/log/", desk.worklog_entry, name="worklog_entry"),
    path("staff/worklog/export.csv", desk.worklog_csv, name="worklog_csv"),
    path("staff/worklog/export.xlsx", desk.worklog_xlsx, name="worklog_xlsx"),
    path("staff/themes/", desk.themes_page, name="themes"),
    path("staff/themes/faq/", desk.themes_faq, name="themes_faq"),
    path("staff/stats/", desk.stats_page, name="stats"),
    path("staff/stats/export.csv", desk.stats_csv, name="stats_csv"),
    path("tasks/", desk.tasks, name="tasks"),
    path("tasks/patrol/", desk.patrol, name="patrol"),
    path("tasks/<int:pk>/", desk.task_detail, name="task_detail"),
    path("tasks/<int:pk>/<str:action>/", desk.task_action, name="task_action"),
    # Department liaisons: 派单 to their departments.
    path("dispatches/", dispatch.dispatches, name="dispatches"),
    path("dispatches/<int:pk>/timeline/", dispatch.dispatch_timeline, name="dispatch_timeline"),
    path("dispatches/<int:pk>/<str:action>/", dispatch.dispatch_action, name="dispatch_action"),
    # Everyone who handles reports: how they are told.
    path("accounts/notifications/", preferences.notification_settings, name="notification_settings"),
    path("accounts/notifications/test/", preferences.notification_test, name="notification_test"),
]
