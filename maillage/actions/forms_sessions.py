"""Forms of the sessions pages. They only shape input: the rules (period, duration, facilitators
of the action) live in `operations.sessions`, whose messages are attached to these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.actions.models import CollectiveAction, Facilitator, Frequency, SessionStatus
from maillage.actions.operations.sessions import MAX_SERIES
from maillage.web.forms import DateInput, TimeInput


class FacilitatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Facilitator) -> str:
        return str(obj)


class _SessionFields(forms.Form):
    """What a planned session and a series share. Durations are not bounded here so that the
    operation's own message (« au moins une minute ») is the one shown."""

    start_time = forms.TimeField(label=_("Heure"), required=False, widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), initial=120, widget=forms.NumberInput(attrs={"step": 15})
    )
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    theme = forms.CharField(label=_("Thème"), max_length=200, required=False)


class SessionForm(_SessionFields):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    facilitators = FacilitatorChoiceField(
        label=_("Animée par"),
        queryset=Facilitator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["date", "start_time", "duration_minutes", "place", "theme", "facilitators"]

    def __init__(self, *args: Any, action: CollectiveAction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = action.facilitators.select_related("user")


class SeriesForm(_SessionFields):
    frequency = forms.ChoiceField(
        label=_("Fréquence"), choices=Frequency.choices, initial=Frequency.WEEKLY
    )
    first_date = forms.DateField(label=_("Première séance"), widget=DateInput())
    count = forms.IntegerField(
        label=_("Nombre de séances"),
        initial=8,
        help_text=_("Entre 1 et %(max)d.") % {"max": MAX_SERIES},
    )
    field_order = ["frequency", "first_date", "start_time", "count", "duration_minutes"]


class SessionReportForm(forms.Form):
    """What happened: held or cancelled, how many came when names are not noted, a short note."""

    status = forms.ChoiceField(label=_("Statut"), choices=SessionStatus.choices)
    headcount = forms.IntegerField(
        label=_("Nombre de présents (sans les noms)"),
        required=False,
        help_text=_("Quand il n'est pas opportun de noter les noms."),
    )
    note = forms.CharField(
        label=_("Note de séance"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class HeadcountForm(forms.Form):
    headcount = forms.IntegerField(label=_("Nombre de présents"))
