"""Every write of the estates app: companies, estates' places and contracts, disclosures and
their versions, notices. Refusals raise EstateError with a message for the person; nothing is
half-saved (each write is one transaction, files checked before it opens).

Property-service complaints (有事先找我) are in estates.complaints, staleness in estates.staleness."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from workstations.models import Department, Location, Subdistrict

from . import creditcode, outbox, scope
from .documents import CleanDocument, clean_document
from .models import (
    Category,
    Disclosure,
    DisclosureDocument,
    Estate,
    EstateLocation,
    Notice,
    PropertyCompany,
    ServiceContract,
)


class EstateError(Exception):
    """A request the rules refuse; `message` is safe to show to the person."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- Companies and estates -----------------------------------------------------------------


def check_credit_code(code: str) -> str:
    """The code, normalised, or EstateError saying what is wrong with it."""
    message = creditcode.problem(code)
    if message:
        raise EstateError(_(message))
    return creditcode.normalize(code)


def register_company(
    *,
    name: str,
    credit_code: str,
    subdistrict: Subdistrict,
    parent: PropertyCompany | None = None,
    phone: str = "",
    contact_name: str = "",
) -> PropertyCompany:
    """A company and the 派单 department that stands for it (its staff hold the property role
    there). A wrong credit code or one already registered: EstateError, nothing written."""
    code = check_credit_code(credit_code)
    name = name.strip()
    if not name:
        raise EstateError(_("Please give the company's name."))
    if PropertyCompany.objects.filter(credit_code=code).exists():
        raise EstateError(_("A company with this unified social credit code is registered already."))
    with transaction.atomic():
        department, _created = Department.objects.get_or_create(
            slug=f"property-{code.lower()}",
            defaults={
                "subdistrict": subdistrict,
                "name": name,
                "category": Department.Category.PROPERTY,
                "phone": phone,
            },
        )
        return PropertyCompany.objects.create(
            name=name, credit_code=code, parent=parent, phone=phone, contact_name=contact_name, department=department
        )


def add_locations(estate: Estate, *, locations: list[Location]) -> None:
    """Put QR locations inside the estate; a location already inside another estate is refused."""
    taken = (
        EstateLocation.objects.filter(location__in=locations)
        .exclude(estate=estate)
        .select_related("estate", "location")
    )
    for link in taken:
        raise EstateError(
            _("%(loc)s is already inside %(estate)s.") % {"loc": link.location.name, "estate": link.estate.name}
        )
    with transaction.atomic():
        for location in locations:
            EstateLocation.objects.get_or_create(estate=estate, location=location)


def add_contract(estate: Estate, *, company: PropertyCompany, starts_on: dt.date, ends_on: dt.date) -> ServiceContract:
    if ends_on < starts_on:
        raise EstateError(_("A contract cannot end before it starts."))
    return ServiceContract.objects.create(estate=estate, company=company, starts_on=starts_on, ends_on=ends_on)


# --- Disclosure ----------------------------------------------------------------------------


def check_documents(files) -> list[CleanDocument]:
    """Every file checked by content before anything is written; one message per bad file."""
    cleaned, problems = [], []
    for number, uploaded in enumerate(files, start=1):
        try:
            cleaned.append(clean_document(uploaded))
        except ValidationError as exc:
            problems.extend(
                _("File %(n)d (%(name)s): %(problem)s") % {"n": number, "name": uploaded.name, "problem": m}
                for m in exc.messages
            )
    if problems:
        raise EstateError(" ".join(problems))
    return cleaned


def publish_disclosure(
    estate: Estate,
    *,
    category: str,
    actor,
    text: str = "",
    documents=(),
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> Disclosure:
    """A new version of one category of the estate's disclosure: text and/or documents (PDF,
    pictures), with the period it covers. Earlier versions stay as they were. Only the estate's
    company staff (or a superuser) may publish."""
    if not scope.may_publish(actor, estate):
        raise EstateError(_("You can publish only for the estates your company serves."))
    if category not in Category.values:
        raise EstateError(_("Unknown category of disclosure."))
    text = (text or "").strip()
    if not text and not documents:
        raise EstateError(_("Please write the text or attach a document."))
    if period_start and period_end and period_end < period_start:
        raise EstateError(_("The period cannot end before it starts."))
    cleaned = check_documents(documents)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = Disclosure.objects.filter(estate=estate, category=category).aggregate(n=Max("version"))["n"]
                disclosure = Disclosure.objects.create(
                    estate=estate,
                    category=category,
                    version=(latest or 0) + 1,
                    text=text,
                    period_start=period_start,
                    period_end=period_end,
                    published_by=actor if actor.is_authenticated else None,
                )
                for doc in cleaned:
                    DisclosureDocument.objects.create(
                        disclosure=disclosure, file=doc.content, type=doc.type, name=doc.name, size=doc.size
                    )
                outbox.disclosure_published(disclosure)  # webhooks, in this transaction
                return disclosure
        except IntegrityError:
            continue  # two publishers took the same number at once: count again
    raise EstateError(_("Someone else was publishing the same category. Please try again."))


def current_disclosures(estates) -> dict[tuple[int, str], Disclosure]:
    """The newest version of each category of each estate, in one query."""
    newest: dict[tuple[int, str], Disclosure] = {}
    for d in Disclosure.objects.filter(estate__in=estates).order_by("estate_id", "category", "-version"):
        newest.setdefault((d.estate_id, d.category), d)
    return newest


# --- Notices -------------------------------------------------------------------------------


def post_notice(estate: Estate, *, actor, unit: str, title: str, expires_on: dt.date | None, text: str = "") -> Notice:
    """A 便民服务 notice of another unit; it needs an expiry date, not in the past."""
    unit, title = (unit or "").strip(), (title or "").strip()
    if not unit or not title:
        raise EstateError(_("Please say which unit the notice is from and give it a title."))
    if expires_on is None:
        raise EstateError(_("Please give the date until which the notice is shown."))
    if expires_on < timezone.localdate():
        raise EstateError(_("The notice would already have expired."))
    return Notice.objects.create(
        estate=estate, unit=unit, title=title, text=(text or "").strip(), expires_on=expires_on, created_by=actor
    )


def live_notices(estate: Estate) -> list[Notice]:
    return list(estate.notices.filter(expires_on__gte=timezone.localdate()))
