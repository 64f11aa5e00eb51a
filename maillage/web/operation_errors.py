"""Show a write function's refusal to the person: on the form that fed it, or as messages
above the page she is sent back to."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def show_operation_errors(
    form: forms.Form, error: ValidationError, renamed: Mapping[str, str] | None = None
) -> None:
    """Put each message beside the field it names when the form has that field (`renamed` maps
    the operation's argument names to the form's field names), above the form otherwise."""
    renamed = renamed or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, texts in error.message_dict.items():
        field = renamed.get(name, name)
        form.add_error(field if field in form.fields else None, texts)


def flash_operation_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)
