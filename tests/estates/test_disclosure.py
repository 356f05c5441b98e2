"""Disclosure: versions that keep the old ones readable, documents checked by content, periods
in order, only the estate's own company publishes; the public page marks what is stale (with
frozen time) and runs a fixed number of queries."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from estates import services
from estates.models import Category, Disclosure, DisclosureDocument, Notice, StalenessRule
from estates.services import EstateError
from estates.staleness import stale_map

from .conftest import T0

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_new_version_keeps_the_old_one_readable(estates, clock):
    first = services.publish_disclosure(estates.estate, category=Category.FEES, actor=estates.cs, text="0.65 元")
    second = services.publish_disclosure(estates.estate, category=Category.FEES, actor=estates.cs, text="0.70 元")
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.text == "0.65 元"
    client = Client(headers={"accept-language": "en"})
    page = client.get(estates.estate.public_path()).content.decode()
    assert "0.70 元" in page and "Earlier versions" in page
    old = client.get(reverse("estates:version", args=[estates.estate.short_code, first.pk]))
    assert "0.65 元" in old.content.decode()


def test_documents_pdf_and_picture_are_stored(estates):
    d = services.publish_disclosure(
        estates.estate,
        category=Category.CONTRACT,
        actor=estates.cs,
        documents=[
            SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf"),
            SimpleUploadedFile("scan.png", png(), content_type="image/png"),
        ],
    )
    assert sorted(d.documents.values_list("type", flat=True)) == ["image", "pdf"]


def test_the_public_page_links_documents_that_open(estates):
    d = services.publish_disclosure(
        estates.estate,
        category=Category.CONTRACT,
        actor=estates.cs,
        documents=[
            SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf"),
            SimpleUploadedFile("scan.png", png(), content_type="image/png"),
        ],
    )
    pdf, picture = d.documents.get(type="pdf"), d.documents.get(type="image")
    client = Client(headers={"accept-language": "en"})
    page = client.get(estates.estate.public_path()).content.decode()
    assert f'href="{pdf.public_path()}"' in page and f'href="{picture.public_path()}"' in page
    response = client.get(pdf.public_path())
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert b"".join(response.streaming_content) == PDF
    response = client.get(picture.public_path())
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("image/jpeg", "nosniff")
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"  # re-encoded as JPEG
    # Another estate's code does not open it.
    other = reverse("estates:document", args=[estates.other_estate.short_code, pdf.pk])
    assert client.get(other).status_code == 404
    api = client.get(reverse("api:disclosure-detail", args=[d.pk])).json()
    assert {doc["url"].split("/", 3)[3] for doc in api["documents"]} == {
        pdf.public_path()[1:],
        picture.public_path()[1:],
    }


def test_the_poster_carries_the_short_url(estates):
    response = Client().get(reverse("estates:poster", args=[estates.estate.short_code]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response.content.startswith(b"%PDF-")
    assert Client().get(reverse("estates:poster", args=["nope"])).status_code == 404


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (SimpleUploadedFile("fees.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"), "neither a PDF"),
        (SimpleUploadedFile("notes.docx", b"PK\x03\x04 word", content_type="application/msword"), "neither a PDF"),
        (SimpleUploadedFile("big.pdf", PDF + b"0" * (20 * 1024 * 1024), content_type="application/pdf"), "20 MB"),
    ],
)
def test_a_wrong_document_is_refused_and_nothing_is_saved(estates, upload, words):
    with pytest.raises(EstateError) as refused:
        services.publish_disclosure(
            estates.estate, category=Category.FEES, actor=estates.cs, text="收费标准", documents=[upload]
        )
    assert words in refused.value.message
    assert not Disclosure.objects.exists() and not DisclosureDocument.objects.exists()


def test_a_period_that_ends_before_it_starts_is_refused(estates):
    with pytest.raises(EstateError) as refused:
        services.publish_disclosure(
            estates.estate,
            category=Category.ACCOUNTS,
            actor=estates.cs,
            text="明细",
            period_start=dt.date(2026, 3, 31),
            period_end=dt.date(2026, 1, 1),
        )
    assert "cannot end before it starts" in refused.value.message
    assert not Disclosure.objects.exists()


def test_another_company_cannot_publish_for_the_estate(estates):
    with pytest.raises(EstateError) as refused:
        services.publish_disclosure(estates.estate, category=Category.FEES, actor=estates.other_cs, text="假的")
    assert "your company serves" in refused.value.message
    assert not Disclosure.objects.exists()
    client = Client(headers={"accept-language": "en"})
    client.force_login(estates.other_cs)
    response = client.post(reverse("estates:publish", args=[estates.estate.pk]), {"category": "fees", "text": "假的"})
    assert response.status_code == 403
    assert not Disclosure.objects.exists()


def test_the_publish_page_keeps_what_was_typed_on_a_refusal(estates):
    client = Client(headers={"accept-language": "en"})
    client.force_login(estates.cs)
    response = client.post(
        reverse("estates:publish", args=[estates.estate.pk]),
        {"category": "accounts", "text": "一季度明细", "period_start": "2026-03-31", "period_end": "2026-01-01"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "cannot end before it starts" in page and "一季度明细" in page
    assert not Disclosure.objects.exists()


def test_a_notice_needs_an_expiry_and_expires(estates, clock):
    with pytest.raises(EstateError) as refused:
        services.post_notice(estates.estate, actor=estates.officer, unit="城管", title="装修垃圾清运", expires_on=None)
    assert "until which" in refused.value.message
    assert not Notice.objects.exists()
    services.post_notice(
        estates.estate, actor=estates.officer, unit="城管", title="装修垃圾清运", expires_on=dt.date(2026, 3, 10)
    )
    client = Client(headers={"accept-language": "en"})
    assert "装修垃圾清运" in client.get(estates.estate.public_path()).content.decode()
    clock(T0 + dt.timedelta(days=10))
    assert "装修垃圾清运" not in client.get(estates.estate.public_path()).content.decode()


def test_staleness_rules_with_frozen_time(estates, clock):
    accounts = StalenessRule.objects.create(
        name="收入明细超过一个季度", category=Category.ACCOUNTS, kind=StalenessRule.Check.OLDER_THAN, days=92
    )
    never = StalenessRule.objects.create(name="从未公开", kind=StalenessRule.Check.NEVER)
    ended = StalenessRule.objects.create(
        name="合同过期", category=Category.CONTRACT, kind=StalenessRule.Check.CONTRACT_ENDED
    )
    services.add_contract(
        estates.estate, company=estates.company, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2026, 6, 30)
    )
    for category in Category.values:
        services.publish_disclosure(
            estates.estate,
            category=category,
            actor=estates.cs,
            text="已公开",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 2, 28),
        )
    assert stale_map([estates.estate])[estates.estate.pk] == []
    clock(T0 + dt.timedelta(days=100))  # 收入明细: period ended 2026-02-28, 102 days ago
    stale = stale_map([estates.estate])[estates.estate.pk]
    assert [(s.rule, s.category) for s in stale] == [(accounts, "accounts")]
    clock(dt.datetime(2026, 7, 2, 9, 0, tzinfo=T0.tzinfo))
    assert {s.rule for s in stale_map([estates.estate])[estates.estate.pk]} == {accounts, ended}
    assert {s.category for s in stale_map([estates.other_estate])[estates.other_estate.pk] if s.rule == never} == set(
        Category.values
    )
    page = Client(headers={"accept-language": "en"}).get(estates.estate.public_path()).content.decode()
    assert page.count('class="stale-mark') == 2


def test_the_housing_officer_is_told_once_per_estate_and_rule(estates, clock):
    from issues import services as issue_services
    from issues.models import Notification

    StalenessRule.objects.create(name="从未公开", category=Category.REPORT, kind=StalenessRule.Check.NEVER)
    issue_services.sla_sweep()
    issue_services.sla_sweep()
    told = Notification.objects.filter(user=estates.officer, key__startswith="estate-stale:")
    assert told.count() == 3  # three estates, one rule, one category; the second sweep adds nothing
    services.publish_disclosure(estates.estate, category=Category.REPORT, actor=estates.cs, text="报告")
    issue_services.sla_sweep()
    assert told.count() == 3


def test_staleness_is_checked_in_the_first_minute_of_an_hour_only(estates, clock):
    from issues import services as issue_services
    from issues.models import Notification

    StalenessRule.objects.create(name="从未公开", category=Category.REPORT, kind=StalenessRule.Check.NEVER)
    told = Notification.objects.filter(user=estates.officer, key__startswith="estate-stale:")
    clock(T0 + dt.timedelta(minutes=1))
    assert issue_services.sla_sweep()["estate_stale_told"] == 0
    assert not told.exists()
    clock(T0 + dt.timedelta(hours=1))
    assert issue_services.sla_sweep()["estate_stale_told"] == 3
    assert told.count() == 3


@pytest.mark.parametrize("versions", [1, 12])
def test_the_public_page_runs_a_fixed_number_of_queries(estates, django_assert_max_num_queries, versions):
    StalenessRule.objects.create(name="从未公开", kind=StalenessRule.Check.NEVER)
    for n in range(versions):
        for category in Category.values:
            services.publish_disclosure(estates.estate, category=category, actor=estates.cs, text=f"v{n}")
    for n in range(versions):
        services.post_notice(
            estates.estate, actor=estates.officer, unit="城管", title=f"通知{n}", expires_on=dt.date(2099, 1, 1)
        )
    client = Client()
    with django_assert_max_num_queries(10):
        assert client.get(estates.estate.public_path()).status_code == 200
