"""Login, TOTP enrolment and verification, logout and 'log out everywhere'."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ketacare.accounts.current import actor_from_request
from ketacare.accounts.forms import EmailLoginForm, TOTPCodeForm
from ketacare.accounts.redirects import safe_next
from ketacare.accounts.services.users import end_all_sessions


class EmailLoginView(LoginView):
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: show the QR code, confirm with a first code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return redirect("otp-verify")
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TOTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            messages.success(request, "Authenticator app enrolled.")
            return redirect("home")
        form.add_error("code", "That code did not match. Check the app's clock and try again.")
    secret = base64.b32encode(device.bin_key).decode()
    context = {"form": form, "qr": _qr_svg(device.config_url), "secret": secret}
    return render(request, "accounts/otp_setup.html", context)


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("otp-setup")
    form = TOTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(safe_next(request))
        form.add_error("code", "That code did not match. Codes change every 30 seconds.")
    return render(request, "accounts/otp_verify.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are logged out.")
    return redirect("login")


@require_POST
@login_required
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    user = request.user
    end_all_sessions(actor_from_request(request), user)  # type: ignore[arg-type]
    logout(request)
    messages.info(request, "You are logged out on every device.")
    return redirect("login")
