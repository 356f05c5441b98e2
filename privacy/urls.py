from django.urls import path

from . import views

urlpatterns = [
    path("staff/erasure/", views.erasure_desk, name="erasure_desk"),
]
