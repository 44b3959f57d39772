"""The clinic's public pages: a provider's referral and a patient's consultation request.

No login. Whatever is typed, a valid form gets the same answer (its reference number), and
a filled honeypot gets one too, with nothing stored: the pages tell nobody who is already a
patient. Submissions are counted per client address (the trusted-proxy rule of
`accounts.current.client_ip`); CSRF stays on as everywhere else.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ketacare.accounts.current import client_ip
from ketacare.api.ratelimit import seconds_to_wait
from ketacare.clinics.models import Clinic
from ketacare.referrals import services
from ketacare.referrals.forms import HONEYPOT, PublicRequestForm
from ketacare.referrals.models import ReferralKind

SENT_KEY = "ketacare_referral_sent"
HOUR = 3600


def submission_wait(request: HttpRequest) -> int | None:
    """Count one submission from the client's address: seconds to wait when over the limit."""
    bucket = f"referral-submit:{client_ip(request)}"
    return seconds_to_wait(bucket, settings.RATE_LIMIT_REFERRALS_PER_HOUR, window=HOUR)


@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    return _request_page(request, clinic_slug, ReferralKind.PROVIDER)


@require_http_methods(["GET", "POST"])
def consultation(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    return _request_page(request, clinic_slug, ReferralKind.SELF)


def _request_page(request: HttpRequest, clinic_slug: str, kind: ReferralKind) -> HttpResponse:
    clinic = get_object_or_404(Clinic, slug=clinic_slug)
    form = PublicRequestForm(kind, request.POST or None)
    context = {"clinic": clinic, "form": form, "kind": kind, "honeypot": HONEYPOT}
    if request.method != "POST":
        return render(request, "referrals/public_form.html", context)
    wait = submission_wait(request)
    if wait is not None:
        context["wait_minutes"] = max(1, round(wait / 60))
        response = render(request, "referrals/public_form.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    if request.POST.get(HONEYPOT):
        return _sent(request, clinic, kind, services.pretend_reference(kind))
    if form.is_valid():
        sender = services.public_actor(
            clinic, getattr(request, "request_id", ""), client_ip(request)
        )
        try:
            referral = services.submit(sender, kind, form.submitted())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return _sent(request, clinic, kind, referral.reference)
    return render(request, "referrals/public_form.html", context, status=422)


def _sent(request: HttpRequest, clinic: Clinic, kind: ReferralKind, reference: str) -> HttpResponse:
    """Post, redirect, get: a reload shows the reference again and sends nothing twice."""
    request.session[SENT_KEY] = {"clinic": clinic.slug, "kind": kind, "reference": reference}
    return redirect("referral-sent", clinic_slug=clinic.slug)


@require_GET
def sent(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic, slug=clinic_slug)
    last = request.session.get(SENT_KEY)
    if not last or last.get("clinic") != clinic.slug:
        return redirect("referral-form", clinic_slug=clinic.slug)
    context = {"clinic": clinic, "reference": last["reference"], "kind": ReferralKind(last["kind"])}
    return render(request, "referrals/sent.html", context)
