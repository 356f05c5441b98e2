"""The admin for configuration: every changelist of the places and issues apps opens, searches
and filters for an administrator (with some rows in it), in a bounded number of queries."""

import pytest
from django.contrib import admin
from django.urls import reverse

from issues.models import Category
from tests import factories
from tests.desk.conftest import client_for, many_issues

APPS = ("issues", "workstations")


def changelists():
    return [
        (model, model_admin) for model, model_admin in admin.site._registry.items() if model._meta.app_label in APPS
    ]


@pytest.mark.parametrize("model,model_admin", changelists(), ids=lambda x: getattr(x, "__name__", ""))
def test_changelist_opens_searches_and_filters(world, model, model_admin, django_assert_max_num_queries):
    superuser = factories.user("root")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    many_issues(world.loc, 30, category=Category.objects.create(name="路灯", slug="lamp"), assignee=world.worker)
    client = client_for(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    if model_admin.search_fields:
        assert client.get(url, {"q": "路灯"}).status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200
