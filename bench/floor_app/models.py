from django.db import models


class Report(models.Model):
    """One resident's report: where (the QR code's token), what, and the key to follow it."""

    place = models.CharField(max_length=64)
    description = models.TextField()
    tracking_token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.tracking_token
