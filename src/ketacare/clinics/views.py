"""The clinic admin's settings page: name, address, time zone, licensed states."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.roles import Action, require
from ketacare.clinics.services import update_clinic
from ketacare.clinics.us_states import STATE_CHOICES


class ClinicForm(forms.Form):
    name = forms.CharField(max_length=200)
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    time_zone = forms.CharField(max_length=64, help_text="IANA name, e.g. America/New_York")
    licensed_states = forms.MultipleChoiceField(
        choices=STATE_CHOICES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Where the clinic may treat patients.",
    )


@login_required
def clinic_settings(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    require(actor, Action.STAFF_MANAGE)
    clinic = actor.clinic
    assert clinic is not None
    initial = {f: getattr(clinic, f) for f in ("name", "address", "time_zone", "licensed_states")}
    form = ClinicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_clinic(actor, form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Clinic settings saved.")
            return redirect("clinic-settings")
    status = 422 if form.errors else 200
    return render(request, "clinics/settings.html", {"form": form}, status=status)
