"""The territory picker: an accessible autocomplete (ARIA 1.2 combobox) over the territory search.

It posts the chosen territories as hidden inputs carrying their ids, so a form reads it like a
select. Without JavaScript the text box still works: what is typed there (names or codes,
separated by commas) is posted as `<name>__saisie` and resolved by the field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from maillage.territories.models import Territory

TYPED_SUFFIX = "__saisie"


class Typed(str):
    """Text typed in the picker's box and not chosen from the suggestions."""

    __slots__ = ()


class TerritoryPicker(forms.Widget):
    template_name = "territories/widgets/picker.html"

    class Media:
        js = ("territories/picker.js",)

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        multiple: bool = False,
        levels: Collection[str] | None = None,
        submit_on_choose: bool = False,
    ) -> None:
        super().__init__(attrs)
        self.multiple = multiple
        self.levels = sorted(levels or ())
        self.submit_on_choose = submit_on_choose

    def use_required_attribute(self, initial: Any) -> bool:
        # The text box is empty once a territory is chosen: the browser must not require it.
        return False

    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> list[str]:
        raw = data.getlist(name) if isinstance(data, MultiValueDict) else data.get(name)
        ids = raw if isinstance(raw, list | tuple) else [raw]
        values: list[str] = [str(pk) for pk in ids if pk not in (None, "")]
        if typed := str(data.get(name + TYPED_SUFFIX) or "").strip():
            values.append(Typed(typed))
        return values

    def value_omitted_from_data(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> bool:
        return name not in data and name + TYPED_SUFFIX not in data

    def format_value(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [item if isinstance(item, Typed) else str(item) for item in values]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        values = widget["value"]
        ids = [int(item) for item in values if not isinstance(item, Typed) and item.isdigit()]
        found = Territory.objects.select_related("region", "departement").in_bulk(ids)
        input_id = widget["attrs"].get("id") or f"id_{name}"
        widget.update(
            chosen=[found[pk] for pk in dict.fromkeys(ids) if pk in found],
            typed=" ".join(item for item in values if isinstance(item, Typed)),
            typed_name=name + TYPED_SUFFIX,
            listbox_id=f"{input_id}-suggestions",
            suggestions_url=reverse("territories:suggestions"),
            levels=",".join(self.levels),
            multiple=self.multiple,
            submit_on_choose=self.submit_on_choose,
        )
        return context
