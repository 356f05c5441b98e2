from django.conf import settings
from rest_framework import serializers

from ..models import Complaint, Disclosure, DisclosureDocument, Estate, Notice, PropertyCompany


class CompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = PropertyCompany
        fields = ["id", "name", "credit_code", "parent", "phone", "contact_name"]


class EstateSerializer(serializers.ModelSerializer):
    public_url = serializers.SerializerMethodField()
    company_name = serializers.CharField(source="company.name", default="", read_only=True)
    workstation = serializers.IntegerField(source="neighbourhood.workstation_id", read_only=True)

    class Meta:
        model = Estate
        fields = [
            "id",
            "name",
            "address",
            "kind",
            "households",
            "neighbourhood",
            "workstation",
            "company",
            "company_name",
            "manager_name",
            "manager_certificate",
            "manager_phone",
            "committee_contact",
            "housing_officer_phone",
            "public_url",
        ]

    def get_public_url(self, estate: Estate) -> str:
        return estate.public_url()


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = DisclosureDocument
        fields = ["name", "type", "size", "url"]

    def get_url(self, doc: DisclosureDocument) -> str:
        """The public address of the document (estates.views.public.document)."""
        return settings.SITE_URL + doc.public_path()


class DisclosureSerializer(serializers.ModelSerializer):
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "estate",
            "category",
            "version",
            "text",
            "period_start",
            "period_end",
            "published_at",
            "documents",
        ]


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = ["id", "estate", "unit", "title", "text", "expires_on"]


class ComplaintSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="issue.reference", read_only=True)
    status = serializers.CharField(source="issue.status", read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "issue",
            "reference",
            "status",
            "estate",
            "company",
            "holder",
            "reason",
            "accept_due_at",
            "resolve_due_at",
            "handed_over_at",
            "created_at",
        ]
