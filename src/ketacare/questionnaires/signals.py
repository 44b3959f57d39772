"""A scale answered anywhere (portal, link, entered by staff) closes the questionnaire due."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from ketacare.measures.models import ScaleResponse
from ketacare.questionnaires.services import close_by_answer


@receiver(post_save, sender=ScaleResponse, dispatch_uid="questionnaires.close_by_answer")
def _answered(sender: Any, instance: ScaleResponse, created: bool, **kwargs: Any) -> None:
    if created:
        close_by_answer(instance)
