"""API tokens in the admin, for someone given admin access who is not a superuser: a token acts
as its user, so they see and make only their own. Minting one for a superuser would be becoming
one."""

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from tests import factories


@pytest.fixture
def head_admin(world) -> Client:
    return factories.admin_client(world.head, "api")


def test_a_token_made_by_a_non_superuser_is_always_their_own(world, head_admin, root):
    response = head_admin.post(reverse("admin:api_apitoken_add"), {"user": root.pk, "name": "city platform"})
    assert response.status_code == 302
    token = ApiToken.objects.get(name="city platform")
    assert token.user == world.head


def test_another_users_tokens_are_invisible_and_cannot_be_revoked(world, head_admin, root):
    theirs, _key = ApiToken.issue(root, name="root's")
    mine, _key = ApiToken.issue(world.head, name="mine")
    page = head_admin.get(reverse("admin:api_apitoken_changelist"))
    assert list(page.context["cl"].result_list) == [mine]
    head_admin.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [theirs.pk]},
    )
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_superuser_still_sees_every_token(world, root):
    theirs, _key = ApiToken.issue(world.head, name="站里的")
    client = Client()
    client.force_login(root)
    assert theirs in list(client.get(reverse("admin:api_apitoken_changelist")).context["cl"].result_list)
