"""Every form renders with the DSFR markup, through one renderer (settings.FORM_RENDERER)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates

_WIDGET_CLASSES = {
    "select": "fr-select",
    "selectmultiple": "fr-select",
    "textarea": "fr-input",
    "checkbox": "",
    "checkboxselectmultiple": "",
    "radioselect": "",
    "clearablefile": "fr-upload",
    "file": "fr-upload",
}


class DsfrBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        css_class = _WIDGET_CLASSES.get(self.widget_type, "fr-input")
        if css_class and css_class not in attrs.get("class", ""):
            attrs["class"] = f"{attrs.get('class', '')} {css_class}".strip()
        if self.errors:
            attrs["aria-describedby"] = f"{self.auto_id}-messages"
            attrs["aria-invalid"] = "true"
        return attrs


class DsfrFormRenderer(DjangoTemplates):
    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"
    bound_field_class = DsfrBoundField


class DateInput(forms.DateInput):
    """The browser's date picker. It reads and sends ISO dates only: a French « 12/03/2026 » in
    its value would show an empty field, and saving the form would then erase the date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")
