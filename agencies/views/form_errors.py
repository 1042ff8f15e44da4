"""Putting a service's refusal where the user will read it."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def add_form_errors(request, form, error: ValidationError, rename=None) -> None:
    """A service's refusal: field errors on the form, anything else as a message."""
    rename = rename or {}
    if form is not None and hasattr(error, "error_dict"):
        for field, texts in error.message_dict.items():
            field = rename.get(field, field)
            if field in form.fields:
                form.add_error(field, texts)
            else:
                messages.error(request, " ".join(texts))
    else:
        messages.error(request, " ".join(error.messages))
