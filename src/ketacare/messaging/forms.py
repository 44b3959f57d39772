"""Message forms. The services check the text and the file (type by content, size); a
refused file comes back on the `attachment` field with the text the patient typed kept."""

from __future__ import annotations

import secrets

from django import forms

from ketacare.messaging import services
from ketacare.messaging.attachments import ALLOWED_WORDS, max_bytes

ATTACH_HELP = "Optional: {what}, up to {mb:g} MB."


def _attachment_field() -> forms.FileField:
    return forms.FileField(
        required=False,
        label="Attach a file",
        help_text=ATTACH_HELP.format(what=ALLOWED_WORDS, mb=round(max_bytes() / 1_048_576, 1)),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your message", max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip

    # A new key per page shown, kept through a 422 re-render: the same form sent twice is
    # recorded once (services._sent_before).
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["attachment"] = _attachment_field()
        if not self.is_bound:
            self.initial["submission_key"] = secrets.token_urlsafe(16)

    def entry(self) -> services.NewMessage:
        data = self.cleaned_data
        return services.NewMessage(data["text"], data.get("attachment"), data["submission_key"])


class NewThreadForm(ReplyForm):
    subject = forms.CharField(label="Subject", max_length=services.MAX_SUBJECT)
    field_order = ["subject", "text", "attachment", "submission_key"]
