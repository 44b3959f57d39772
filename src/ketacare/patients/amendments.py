"""What an amendment to a signed clinical note carries (a counselling note, a telehealth
encounter note): the note stays as it was signed, and each correction is a new row with its
author and time (DESIGN.md: nothing signed is edited in place). Each app's concrete model adds
the key to its own note and keeps its own table."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class NoteAmendment(models.Model):
    """Abstract: the concrete model declares the key to its note and names it in `note_field`."""

    note_field: ClassVar[str]

    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"amendment to {getattr(self, self.note_field)} ({self.added_at:%Y-%m-%d})"
