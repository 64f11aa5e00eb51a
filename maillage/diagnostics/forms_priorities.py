"""Forms of the priorities page. They shape what a person typed into the arguments of
`maillage.diagnostics.operations.priorities`, which holds the rules and validates again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.diagnostics.models import Component, Contribution, Priority, PriorityStatus, Theme
from maillage.organisations.models import Organisation
from maillage.referential.models import Term
from maillage.web.forms import DateInput


class ContributionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Contribution) -> str:
        return f"{obj.get_kind_display()} — {obj.text[:120]}"


class PriorityForm(forms.Form):
    """A new priority, possibly tied to published contributions of the same diagnosis."""

    title = forms.CharField(
        label=_("Intitulé de la priorité"),
        max_length=200,
        error_messages={"required": _("Donnez un intitulé à la priorité.")},
    )
    description = forms.CharField(
        label=_("Pourquoi cette priorité"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En langage courant : ce qui a été constaté, ce que l'on veut changer."),
    )
    component = forms.ChoiceField(
        label=_("Composante"),
        choices=[("", _("Non précisée")), *Component.choices],
        required=False,
    )
    theme = forms.ChoiceField(
        label=_("Thème"), choices=[("", _("Non précisé")), *Theme.choices], required=False
    )
    contributions = ContributionChoiceField(
        Contribution.objects.none(),
        label=_("Contributions qui la fondent"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, contributions: QuerySet[Contribution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contributions"].queryset = contributions
        if not contributions.exists():
            del self.fields["contributions"]


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Décision"), choices=PriorityStatus.choices)
    rank = forms.IntegerField(
        label=_("Rang"), required=False, min_value=1, max_value=999, help_text=_("1 en premier.")
    )

    @classmethod
    def for_priority(cls, priority: Priority) -> DecisionForm:
        return cls(
            initial={"status": priority.status, "rank": priority.rank},
            prefix=f"decision-{priority.pk}",
        )


class StartActionForm(forms.Form):
    """The few things a new action needs beyond what the priority gives (territory, title,
    description); the rest is completed on the action's own pages."""

    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), label=_("Organisation porteuse"), empty_label=None
    )
    isic_form = forms.ModelChoiceField(
        Term.objects.in_scheme("isic_form").filter(broader__isnull=True),
        label=_("Forme d'intervention collective"),
        empty_label=_("Choisir"),
        error_messages={"required": _("Choisissez une forme d'intervention collective.")},
    )
    title = forms.CharField(label=_("Titre de l'action"), max_length=200)
    start_date = forms.DateField(label=_("Début"), widget=DateInput())

    def __init__(
        self, *args: Any, priority: Priority, organisations: QuerySet[Organisation], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"title": priority.title, "start_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
