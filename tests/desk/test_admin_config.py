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


def test_the_admin_speaks_chinese_and_names_itself(world):
    """Issue 18: app and model names translated; the site is 「民情快办 管理后台」."""
    import re

    from django.test import Client
    from django.utils import translation

    superuser = factories.user("root")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(superuser)
    page = client.get(reverse("admin:index")).content.decode()
    assert "<title>配置与记录 | 民情快办 管理后台</title>" in page
    assert "民情快办 管理后台" in page and "Django" not in page.split("<body", 1)[1].split("</header>", 1)[0]
    for shown in ("工单与办理", "点位、人员与角色", "编号计数器"):
        assert shown in page
    for untranslated in (">Issues<", ">Workstations<", "Reference counters"):
        assert untranslated not in page
    # Every app and model in the admin has a name of its own, and it is translated.
    han = re.compile(r"[\u4e00-\u9fff]")
    with translation.override("zh-hans"):
        for model in admin.site._registry:
            meta = model._meta
            assert "verbose_name" in meta.original_attrs, meta.label
            assert han.search(str(meta.verbose_name_plural)), meta.label
            if meta.app_label not in ("api", "open311", "webhooks"):  # names of standards
                assert han.search(str(meta.app_config.verbose_name)), meta.app_label
