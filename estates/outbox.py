"""Estates' events sent to webhook subscribers (issue 15), through the webhooks app's one
delivery path (webhooks.services.emit: the outbox row in the caller's transaction, signed,
retried, SSRF-guarded), as cowork.outbox and community.outbox do.

- `disclosure.published`: a new version of one category of an estate's disclosure (信息公开).
  Disclosures are public, so its audience is whoever reads the estate (estates.scope: the
  estate's workstation readers, its company's staff, its housing officer).
- `complaint.handed_over`: a property-service complaint (有事先找我) is now the housing
  officer's, with the reason (the company missed a deadline, the resident reopened it or rated
  it low, or the estate has no company). The issue's own assigned/reassigned event goes out as
  usual; this one says why, at the estates level. Its audience is who may see the issue
  (workstations.scope.visible_issues), decided when it is sent.

A payload never carries a resident's personal data: no description, name, phone or tracking
token; a complaint is its ids, estate, company, holder, reason and dates."""

from django.utils.translation import gettext_lazy as _

from issues import notify
from issues.models import Issue
from webhooks import events, services
from workstations import scope as places

from . import scope
from .models import Complaint, Disclosure, Estate

EVENT_TYPES = {
    "disclosure.published": _("a new version of a disclosure published"),
    "complaint.handed_over": _("a property-service complaint handed over to the housing officer"),
}


def register_event_types() -> None:
    events.register(EVENT_TYPES.items())


def estate_payload(estate: Estate) -> dict:
    return {
        "id": estate.pk,
        "name": estate.name,
        "workstation": estate.neighbourhood.workstation_id,
        "company": estate.company_id,
        "public_url": estate.public_url(),
    }


def disclosure_payload(disclosure: Disclosure) -> dict:
    return {
        "id": disclosure.pk,
        "category": disclosure.category,
        "version": disclosure.version,
        "text": disclosure.text,
        "period_start": disclosure.period_start,
        "period_end": disclosure.period_end,
        "published_at": disclosure.published_at,
        "documents": [
            {"id": d.pk, "name": d.name, "type": d.type, "size": d.size, "url": d.public_path()}
            for d in disclosure.documents.select_related("disclosure__estate").order_by("pk")
        ],
    }


def _reads_estate(estate_id: int):
    def sees(owner) -> bool:
        return scope.visible_estates(owner, Estate.objects.filter(pk=estate_id)).exists()

    return sees


def disclosure_published(disclosure: Disclosure) -> None:
    """Called by estates.services.publish_disclosure once the version and its documents are written."""
    estate = disclosure.estate
    services.emit(
        "disclosure.published",
        source=f"estates.disclosure:{disclosure.pk}",
        payload=lambda: {"estate": estate_payload(estate), "disclosure": disclosure_payload(disclosure)},
        audience=_reads_estate(estate.pk),
    )


def _sees_issue(issue_id: int):
    def sees(owner) -> bool:
        return places.visible_issues(owner, Issue.objects.filter(pk=issue_id)).exists()

    return sees


def complaint_payload(complaint: Complaint) -> dict:
    """`reason_label` in the workstation's language (settings.LANGUAGE_CODE), whoever acted."""
    with notify.workstation_language():
        label = str(Complaint.Reason(complaint.reason).label) if complaint.reason else ""
    return {
        "id": complaint.pk,
        "holder": complaint.holder,
        "reason": complaint.reason,
        "reason_label": label,
        "company": complaint.company_id,
        "created_at": complaint.created_at,
        "accept_due_at": complaint.accept_due_at,
        "resolve_due_at": complaint.resolve_due_at,
        "handed_over_at": complaint.handed_over_at,
    }


def complaint_handed_over(complaint: Complaint) -> None:
    """Called by estates.complaints when a complaint becomes the housing officer's (once: a
    complaint never goes back to the company)."""
    estate = complaint.estate

    def payload() -> dict:
        issue = Issue.objects.only("pk", "reference", "status", "workstation_id", "assignee_id").get(
            pk=complaint.issue_id
        )
        return {
            "estate": estate_payload(estate),
            "complaint": complaint_payload(complaint),
            "issue": {
                "id": issue.pk,
                "reference": issue.reference,
                "status": issue.status,
                "workstation": issue.workstation_id,
                "assignee": issue.assignee_id,
            },
        }

    services.emit(
        "complaint.handed_over",
        source=f"estates.complaint:{complaint.pk}:handed_over",
        payload=payload,
        audience=_sees_issue(complaint.issue_id),
    )
