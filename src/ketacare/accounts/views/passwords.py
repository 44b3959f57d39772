"""Change a password (logged in, with the current one) and reset one by email."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ketacare.accounts.actor import Actor
from ketacare.accounts.after_response import send_after_response
from ketacare.accounts.current import actor_from_request, client_ip
from ketacare.accounts.models import User
from ketacare.accounts.services import passwords


def _actor_for(request: HttpRequest, user: User | None) -> Actor:
    return Actor(user=user, clinic=None, role="", request_id=getattr(request, "request_id", ""),
                 ip=client_ip(request))  # fmt: skip


def reset_minutes() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 60)


class RefusedIs422:
    """A refused form answers 422 like every other form of the app, with the reasons."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 422
        return response  # type: ignore[no-any-return]


class ResetLifetimeMixin:
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "minutes": reset_minutes()}  # type: ignore[misc]


class ChangePasswordView(RefusedIs422, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form: Any) -> HttpResponse:
        session = self.request.session
        old_key = session.session_key or ""
        response = super().form_valid(form)  # saves, then keeps this session under a new key
        actor = actor_from_request(self.request)
        passwords.password_changed(actor, form.user, old_key, session.session_key or "")
        messages.success(
            self.request, "Password changed. Your other sessions and all API tokens have ended."
        )
        return response


def _reset_path(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password-reset-confirm", kwargs={"uidb64": uidb64, "token": token})


class ResetRequestForm(PasswordResetForm):
    """Does the same work for a known and an unknown address and answers the same; only
    the sending differs, and it happens after the response (after_response)."""

    def save(self, request: HttpRequest | None = None, **kwargs: Any) -> None:  # type: ignore[override]
        assert request is not None
        email = self.cleaned_data["email"]
        user = next(iter(self.get_users(email)), None)
        recipient = user or User(email=email, pk=0)  # a stand-in: same work, nothing sent
        context = {
            "email": recipient.email,
            "site_name": request.get_host(),
            "minutes": reset_minutes(),
            "reset_url": request.build_absolute_uri(_reset_path(recipient)),
        }
        subject = "".join(loader.render_to_string("accounts/email/reset_subject.txt").splitlines())
        body = loader.render_to_string("accounts/email/reset_body.txt", context, request)
        passwords.reset_requested(_actor_for(request, user), user)
        if user is not None:
            send_after_response(EmailMultiAlternatives(subject, body, None, [user.email]))


class ResetRequestView(RefusedIs422, auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("password-reset-sent")


class ResetSentView(ResetLifetimeMixin, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class ResetConfirmView(RefusedIs422, ResetLifetimeMixin, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")

    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            response.status_code = 404  # used, expired or made up: no such link, said plainly
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        passwords.password_was_reset(_actor_for(self.request, form.user), form.user)
        return response


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
