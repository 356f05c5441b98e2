"""/api/v1/estates/ and its neighbours: a company's staff see only their company's estates and
complaints, another company's staff none of them; public disclosures need no login."""

import pytest
from rest_framework.test import APIClient

from estates import services
from estates.models import Category
from tests import factories

pytestmark = pytest.mark.usefixtures("sla_policies")


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def test_a_company_user_sees_only_its_estates_with_their_public_url(estates):
    response = client_for(estates.cs).get("/api/v1/estates/")
    assert names(response) == {"永嘉新村"}
    assert response.json()["results"][0]["public_url"].endswith(estates.estate.public_path())
    assert names(client_for(estates.other_cs).get("/api/v1/estates/")) == {"安亭公寓"}
    assert client_for(estates.other_cs).get(f"/api/v1/estates/{estates.estate.pk}/").status_code == 404


def test_an_outsider_company_sees_nothing_of_the_estate_and_its_complaints(estates, world):
    issue, _ = factories.issue(world.loc, kind="consult", description="楼道灯坏了", property_service=True)
    assert {c["reference"] for c in client_for(estates.cs).get("/api/v1/complaints/").json()["results"]} == {
        issue.reference
    }
    assert client_for(estates.other_cs).get("/api/v1/complaints/").json()["results"] == []
    assert names(client_for(estates.other_cs).get("/api/v1/companies/")) == {"安亭物业"}
    assert client_for(world.outsider).get("/api/v1/estates/").json()["results"] == []


def test_anonymous_clients_read_disclosures_but_not_estates(estates):
    services.publish_disclosure(estates.estate, category=Category.FEES, actor=estates.cs, text="0.65 元")
    anonymous = client_for()
    response = anonymous.get(f"/api/v1/disclosures/?estate={estates.estate.pk}")
    assert response.status_code == 200
    assert [d["text"] for d in response.json()["results"]] == ["0.65 元"]
    assert anonymous.get("/api/v1/estates/").status_code in (401, 403)
    assert anonymous.get("/api/v1/complaints/").status_code in (401, 403)


def test_the_root_lists_the_estates_resources(estates):
    root = client_for(estates.cs).get("/api/v1/").json()
    assert {"estates", "companies", "disclosures", "notices", "complaints"} <= set(root)
