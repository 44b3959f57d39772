"""The audit log viewer for clinic admins: filter by person, patient, action and date."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, require
from ketacare.audit.models import AuditAction, AuditEntry


class AuditFilterForm(forms.Form):
    user = forms.CharField(required=False, max_length=254, label="User email contains")
    patient = forms.UUIDField(required=False, label="Patient id")
    action = forms.ChoiceField(required=False, choices=[("", "Any"), *AuditAction.choices])
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.AUDIT_VIEW)
    assert actor.clinic is not None
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.for_clinic(actor.clinic.pk)
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            entries = entries.filter(user_email__icontains=data["user"])
        if data["patient"]:
            entries = entries.filter(patient_id=str(data["patient"]))
        if data["action"]:
            entries = entries.filter(action=data["action"])
        tz = timezone.get_current_timezone()
        if data["since"]:
            entries = entries.filter(at__gte=datetime.combine(data["since"], time.min, tz))
        if data["until"]:
            entries = entries.filter(at__lte=datetime.combine(data["until"], time.max, tz))
    return render(request, "audit/log.html", {"form": form, "entries": entries[:200]})
