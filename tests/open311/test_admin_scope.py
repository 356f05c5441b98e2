"""Open311 requests in the admin carry the reporter's name and email: someone given admin access
who is not a superuser sees only the requests of issues they may see."""

from django.urls import reverse

from open311.models import ApiKey, Service, ServiceRequest
from tests import factories


def test_requests_of_another_workstation_are_invisible(world, services):
    issue, _token = factories.issue(world.loc, kind="consult")
    key, _ = ApiKey.issue(name="civic app 2")
    request = ServiceRequest.objects.create(
        issue=issue, service=Service.objects.first(), api_key=key, email="wang@example.com", first_name="王"
    )
    client = factories.admin_client(world.outsider, "open311")
    page = client.get(reverse("admin:open311_servicerequest_changelist"))
    assert list(page.context["cl"].result_list) == []
    detail = client.get(reverse("admin:open311_servicerequest_change", args=[request.pk]))
    assert detail.status_code == 302
    assert "wang@example.com" not in detail.content.decode()
    # Their own workstation's staff see it.
    client = factories.admin_client(world.staff, "open311")
    assert request in list(client.get(reverse("admin:open311_servicerequest_changelist")).context["cl"].result_list)
