"""What every record of patient care carries: an opaque public id for URLs, the clinic key
that scopes every query (DESIGN.md, tenancy), and the gate's queryset method `for_actor`.

The gate itself (`get_for`, the audited read) is `ketacare.patients.gate`; this module only
holds what the models need, so that feature apps' models can import it without cycles.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, ClassVar, TypeVar

from django.db import models

from ketacare.accounts.roles import Role, role_can

if TYPE_CHECKING:
    from ketacare.accounts.actor import Actor

M = TypeVar("M", bound=models.Model)


class GateQuerySet(models.QuerySet[M]):
    """Scopes by clinic first, then by the role table, then, for the patient role, by the
    patient's own record. An actor without a clinic or a role (an anonymous request, a staff
    session still waiting for its second factor) reaches nothing."""

    def within_reach(self, actor: Actor) -> GateQuerySet[M]:
        """What the actor could see if the role allowed it: their clinic, and for a patient
        their own record. The gate tells 'not there' (404) from 'not allowed' (403) by this."""
        if actor.user is None or actor.clinic is None or not actor.role:
            return self.none()
        qs = self.filter(clinic_id=actor.clinic.pk)
        if actor.role == Role.PATIENT:
            qs = qs.filter(**{self.model.owner_lookup: actor.user.pk})  # type: ignore[attr-defined]
        return qs

    def for_actor(self, actor: Actor, action: str) -> GateQuerySet[M]:
        """The rows this actor may act on with `action`; empty if the role may not."""
        if not actor.role or not role_can(actor.role, action):
            return self.none()
        return self.within_reach(actor)


GateManager = models.Manager.from_queryset(GateQuerySet)


class ClinicRecord(models.Model):
    """A record that hangs off one patient (the subclass declares the `patient` key)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT)

    # The patient-role user who owns the record; the audit log's name for the record.
    owner_lookup: ClassVar[str] = "patient__user_id"
    audit_type: ClassVar[str]

    objects = GateManager()

    class Meta:
        abstract = True
