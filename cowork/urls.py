from django.urls import path

from . import views

app_name = "cowork"

urlpatterns = [
    path("cases/", views.board, name="board"),
    path("cases/export.csv", views.export, name="export"),
    path("cases/mine/", views.mine, name="mine"),
    path("cases/new/<slug:workstation>/", views.new_case, name="new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/actions/", views.add_action, name="add_action"),
    path("cases/<int:pk>/actions/<int:action_id>/evidence/", views.action_evidence, name="evidence"),
    path("cases/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("cases/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("cases/<int:pk>/meetings/", views.new_meeting, name="new_meeting"),
    path("cases/<int:pk>/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("cases/<int:pk>/meetings/<int:meeting_id>/<slug:what>/", views.meeting_action, name="meeting_action"),
    path("cases/<int:pk>/shares/<int:share_id>/confirm/", views.confirm_share, name="confirm_share"),
    path("cases/<int:pk>/agreements/new/", views.new_agreement, name="new_agreement"),
    path("cases/<int:pk>/agreements/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path(
        "cases/<int:pk>/agreements/<int:agreement_id>/<slug:what>/<int:item>/",
        views.agreement_action,
        name="agreement_action",
    ),
    path("cases/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("partnerships/", views.partnerships, name="partnerships"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership"),
    path("partnerships/<int:pk>/commitments/", views.add_commitment, name="add_commitment"),
    path(
        "partnerships/<int:pk>/commitments/<int:commitment_id>/fulfil/",
        views.fulfil_commitment,
        name="fulfil_commitment",
    ),
]
