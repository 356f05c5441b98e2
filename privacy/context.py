def retention(request) -> dict:
    """How long residents' names and phones are kept, for the report form's notice."""
    from django.conf import settings

    return {"PERSONAL_DATA_RETENTION_DAYS": settings.PERSONAL_DATA_RETENTION_DAYS}
