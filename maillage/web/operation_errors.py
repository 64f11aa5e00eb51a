"""Show a write function's refusal on the form that fed it."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def show_operation_errors(
    form: forms.Form, error: ValidationError, renamed: Mapping[str, str] | None = None
) -> None:
    """Put each message beside the field it names when the form has that field (`renamed` maps
    the operation's argument names to the form's field names), above the form otherwise."""
    renamed = renamed or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        field = renamed.get(name, name)
        form.add_error(field if field in form.fields else None, messages)
