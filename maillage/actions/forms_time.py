"""Forms of the time pages: they turn what a person tapped into the arguments of
`maillage.actions.operations.time`, which holds the rules and validates again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.actions.models import Activity
from maillage.organisations.models import Organisation, User
from maillage.referential.models import Term
from maillage.web.forms import DateInput

# The browser's date field reads and writes ISO dates only: with the French locale's format
# (21/11/2026) it would show an empty field and the value would be lost on the next submit.
PRESETS = [("30", _("30 min")), ("60", _("1 h")), ("120", _("2 h")), ("180", _("3 h"))]


class TimeEntryForm(forms.Form):
    """Date, a duration (a one-tap preset, or hours and minutes), activity, phase, comment."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    preset = forms.ChoiceField(
        label=_("Durée"), choices=PRESETS, required=False, widget=forms.RadioSelect
    )
    hours = forms.IntegerField(
        label=_("Heures"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    extra_minutes = forms.IntegerField(
        label=_("Minutes"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    activity = forms.ChoiceField(
        label=_("Activité"), choices=Activity.choices, widget=forms.RadioSelect
    )
    phase = forms.ModelChoiceField(
        label=_("Phase"), queryset=Term.objects.none(), required=False, empty_label=_("—")
    )
    comment = forms.CharField(label=_("Commentaire"), max_length=300, required=False)

    def __init__(self, *args: Any, people: list[User] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = Term.objects.in_scheme("phase")
        if people:
            # Offered to a facilitator: her co-facilitators' time may be typed by her.
            self.fields["user"] = forms.TypedChoiceField(
                label=_("Temps de"),
                choices=[(person.pk, person.display_name) for person in people],
                coerce=int,
            )
            self.order_fields(["user"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        hours, minutes = data.get("hours"), data.get("extra_minutes")
        if hours is not None or minutes is not None:
            data["minutes"] = (hours or 0) * 60 + (minutes or 0)
        elif data.get("preset"):
            data["minutes"] = int(data["preset"])
        else:
            self.add_error("preset", _("Choisissez une durée ou saisissez heures et minutes."))
        return data


class SessionLineForm(forms.Form):
    """One proposed line after a session: whose time and which activity are fixed, the minutes
    can be adjusted (0 leaves the line out)."""

    user = forms.IntegerField(widget=forms.HiddenInput)
    activity = forms.ChoiceField(choices=Activity.choices, widget=forms.HiddenInput)
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )


SessionLineFormSet = forms.formset_factory(SessionLineForm, extra=0)


class DashboardFilterForm(forms.Form):
    start = forms.DateField(label=_("Du"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Au"), required=False, widget=DateInput())
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Toutes"),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
