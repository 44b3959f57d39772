"""What every record of patient care carries: an opaque public id for URLs and the clinic
key that scopes every query (DESIGN.md, tenancy)."""

from __future__ import annotations

import uuid

from django.db import models


class ClinicRecord(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)

    class Meta:
        abstract = True
