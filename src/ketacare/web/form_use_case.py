"""Run a use case on a valid form, so a service's refusal lands on the page beside its field.

The services raise ValidationError naming the field (the same error the API answers 422
with); a page shows it under that field when the form has one, else above the form.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.forms import Form


def run_on_form(form: Form, use_case: Callable[[], object]) -> bool:
    """True when the form was valid and the use case went through."""
    if not form.is_valid():
        return False
    try:
        use_case()
    except ValidationError as exc:
        by_field = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
        for field, errors in by_field.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True
