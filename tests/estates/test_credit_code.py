"""The unified social credit code's check character (GB 32100-2015), against codes that their
companies publish, and the refusal of a wrong one with nothing written."""

import pytest

from estates import creditcode
from estates.models import PropertyCompany
from estates.services import EstateError, register_company
from workstations.models import Department

# Published on the national enterprise credit system and in the companies' own reports.
REAL_CODES = [
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91110000710926094P",  # 中国石油化工股份有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91310000132200821H",  # 上海汽车集团股份有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_published_codes_are_valid(code):
    assert creditcode.problem(code) is None
    assert creditcode.check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("9144030071526726XA", "last character"),
        ("914403001922038217", "last character"),
        ("91440300715267", "18 characters"),
        ("9144030071526726XGX", "18 characters"),
        ("9144030071526726OG", "capital letters"),
        ("", "18 characters"),
    ],
)
def test_wrong_codes_say_what_is_wrong(code, words):
    assert words in creditcode.problem(code)


def test_lower_case_and_spaces_are_forgiven():
    assert creditcode.is_valid(" 9144030071526726xg ")


def test_a_company_with_a_wrong_code_is_refused_and_nothing_is_written(world):
    with pytest.raises(EstateError) as refused:
        register_company(name="假物业", credit_code="9144030071526726XA", subdistrict=world.ws.subdistrict)
    assert "does not match" in refused.value.message
    assert not PropertyCompany.objects.exists()
    assert not Department.objects.filter(category=Department.Category.PROPERTY).exists()


def test_a_company_gets_its_department_and_a_second_registration_is_refused(world):
    company = register_company(name="衡复物业", credit_code="91310000132200821h", subdistrict=world.ws.subdistrict)
    assert company.credit_code == "91310000132200821H"
    assert company.department.category == Department.Category.PROPERTY
    with pytest.raises(EstateError) as refused:
        register_company(name="又一个", credit_code="91310000132200821H", subdistrict=world.ws.subdistrict)
    assert "registered already" in refused.value.message
    assert PropertyCompany.objects.count() == 1


def test_the_admin_form_refuses_a_wrong_code(world, root):
    from django.test import Client

    client = Client(headers={"accept-language": "en"})
    client.force_login(root)
    dept = Department.objects.create(
        subdistrict=world.ws.subdistrict, name="x", slug="x", category=Department.Category.PROPERTY
    )
    response = client.post(
        "/admin/estates/propertycompany/add/",
        {"name": "假物业", "credit_code": "91310000132200821A", "department": dept.pk},
    )
    assert response.status_code == 200
    assert "does not match" in response.content.decode()
    assert not PropertyCompany.objects.exists()
