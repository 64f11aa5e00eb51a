"""Forms of the action pages. They shape what a person typed into the arguments of the write
functions (`maillage.actions.operations.actions`), which hold the rules and validate again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.actions.listing import ActionFilters
from maillage.actions.models import (
    ActionStatus,
    CollectiveAction,
    GroupKind,
    IndicatorKind,
    Objective,
)
from maillage.actions.operations.actions import MANY_FIELDS, SCALAR_FIELDS
from maillage.organisations.models import Organisation, User
from maillage.practices.forms import TermsField
from maillage.referential.models import Term
from maillage.territories.forms import TerritoryChoiceField, TerritoryMultipleChoiceField
from maillage.web.forms import DateInput

_NUMBER = re.compile(r"\d")
_KINDS = {
    "quantitatif": IndicatorKind.QUANTITATIVE,
    "qualitatif": IndicatorKind.QUALITATIVE,
}


def _date(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text, widget=DateInput())


def _organisations() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        Organisation.objects.order_by("name"), label=_("Organisation"), empty_label=_("Choisir")
    )


class ActionForm(forms.Form):
    """The action's description. On a new action, `organisations` lists the carriers the author
    may choose (her organisations where she is a professional or coordinator)."""

    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        error_messages={"required": _("Donnez un titre à l'action.")},
    )
    group_name = forms.CharField(
        label=_("Nom du groupe"),
        max_length=200,
        required=False,
        help_text=_("Le nom que le groupe s'est choisi, s'il en a un."),
    )
    description = forms.CharField(
        label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    isic_form = forms.ModelChoiceField(
        Term.objects.in_scheme("isic_form").filter(broader__isnull=True),
        label=_("Forme d'intervention collective"),
        empty_label=_("Choisir"),
        error_messages={"required": _("Choisissez une forme d'intervention collective.")},
    )
    isic_subtype = forms.ModelChoiceField(
        Term.objects.in_scheme("isic_form").filter(broader__isnull=False),
        label=_("Sous-type"),
        required=False,
        empty_label=_("Non précisé"),
        help_text=_("Il doit relever de la forme choisie."),
    )
    publics = TermsField("public", label=_("Publics"), required=False)
    themes = TermsField("theme", label=_("Thèmes"), required=False)
    territories = TerritoryMultipleChoiceField(
        label=_("Territoires"),
        help_text=_("Communes, quartiers, EPCI ou département où l'action se déroule."),
    )
    group_kind = forms.ChoiceField(
        label=_("Type de groupe"),
        choices=GroupKind.choices,
        initial=GroupKind.CLOSED,
        help_text=_("Fermé : les mêmes personnes d'un bout à l'autre ; ouvert : on peut y entrer."),
    )
    expected_participants = forms.IntegerField(
        label=_("Nombre de participants attendus"), required=False, min_value=1
    )
    start_date = _date(_("Début"), required=True)
    end_date = _date(_("Fin"))
    planned_withdrawal = _date(
        _("Retrait prévu des professionnels"),
        help_text=_("Date à laquelle le groupe doit prendre le relais."),
    )
    status = forms.ChoiceField(
        label=_("Statut"), choices=ActionStatus.choices, initial=ActionStatus.PREPARATION
    )

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["isic_subtype"].choices = self._subtype_choices
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(
                organisations,
                label=_("Organisation porteuse"),
                initial=organisations.first(),
                empty_label=None,
            )
            self.order_fields(["organisation"])

    def _subtype_choices(self) -> Iterator[tuple[Any, Any]]:
        """Sub-types under their form, so the choice reads « Travail social de groupe › … »."""
        yield "", _("Non précisé")
        groups: dict[str, list[tuple[int, str]]] = {}
        for term in self.fields["isic_subtype"].queryset.select_related("broader"):
            groups.setdefault(term.broader.label, []).append((term.pk, term.label))
        yield from groups.items()

    @classmethod
    def initial_for(cls, action: CollectiveAction) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(action, name) for name in SCALAR_FIELDS}
        for name in MANY_FIELDS:
            initial[name] = list(getattr(action, name).all())
        return initial

    def operation_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        return data


class ObjectiveForm(forms.Form):
    statement = forms.CharField(
        label=_("Objectif"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Énoncez l'objectif.")},
    )
    agreed_by = forms.CharField(
        label=_("Convenu avec"),
        max_length=300,
        required=False,
        help_text=_("Le groupe, les partenaires, le financeur…"),
    )
    agreed_on = _date(_("Convenu le"))
    indicators = forms.CharField(
        label=_("Indicateurs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Un par ligne : « libellé | cible », par ex. « Participants présents à chaque séance "
            "| 8 ». Une cible chiffrée en fait un indicateur quantitatif ; ajoutez « | "
            "qualitatif » ou « | quantitatif » pour choisir."
        ),
    )

    def clean_indicators(self) -> list[dict[str, str]]:
        indicators = []
        for number, line in enumerate(self.cleaned_data["indicators"].splitlines(), start=1):
            parts = [part.strip() for part in line.split("|")]
            if not any(parts):
                continue
            if len(parts) > 3 or (len(parts) == 3 and parts[2].lower() not in _KINDS):
                raise ValidationError(
                    _(
                        "Ligne %(number)s : écrivez « libellé | cible », suivi au besoin de "
                        "« | qualitatif » ou « | quantitatif »."
                    )
                    % {"number": number}
                )
            label, target = parts[0], parts[1] if len(parts) > 1 else ""
            if len(parts) == 3:
                kind = _KINDS[parts[2].lower()]
            else:
                kind = (
                    IndicatorKind.QUANTITATIVE
                    if _NUMBER.search(target)
                    else IndicatorKind.QUALITATIVE
                )
            indicators.append({"label": label, "target": target, "kind": kind})
        return indicators

    @staticmethod
    def initial_for(objective: Objective) -> dict[str, Any]:
        lines = []
        for indicator in objective.indicators.all():
            automatic = (
                IndicatorKind.QUANTITATIVE
                if _NUMBER.search(indicator.target)
                else IndicatorKind.QUALITATIVE
            )
            suffix = (
                "" if indicator.kind == automatic else f" | {indicator.get_kind_display().lower()}"
            )
            lines.append(f"{indicator.label} | {indicator.target}{suffix}")
        return {
            "statement": objective.statement,
            "agreed_by": objective.agreed_by,
            "agreed_on": objective.agreed_on,
            "indicators": "\n".join(lines),
        }


class FacilitatorForm(forms.Form):
    user = forms.ModelChoiceField(
        User.objects.none(),
        label=_("Compte"),
        required=False,
        empty_label=_("Sans compte"),
        help_text=_("Avec un compte, la personne voit les participants."),
    )
    name = forms.CharField(label=_("Nom (sans compte)"), max_length=150, required=False)
    function = forms.CharField(
        label=_("Fonction"),
        max_length=150,
        required=False,
        help_text=_("Ex. assistante sociale, psychologue."),
    )
    organisation = forms.ModelChoiceField(
        Organisation.objects.order_by("name"),
        label=_("Organisation"),
        required=False,
        empty_label=_("Non précisée"),
    )

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("user") and not data.get("name", "").strip():
            raise ValidationError(_("Choisissez un compte ou écrivez un nom."))
        return data


class PartnerForm(forms.Form):
    organisation = _organisations()
    role = forms.CharField(
        label=_("Rôle dans l'action"),
        max_length=300,
        required=False,
        help_text=_("Ex. prête la salle, oriente des participants, co-anime."),
    )


class FunderForm(forms.Form):
    organisation = _organisations()
    amount = forms.DecimalField(
        label=_("Montant (€)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    conditions = forms.CharField(
        label=_("Conditions posées"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    start_date = _date(_("Début du soutien"))
    end_date = _date(_("Fin du soutien"))


class BaseTeamFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        """The filled-in rows, without those marked for deletion."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


def _team_formset(form: type[forms.Form]) -> type[BaseTeamFormSet]:
    return forms.formset_factory(
        form, formset=BaseTeamFormSet, extra=1, can_delete=True, max_num=50
    )


FacilitatorFormSet = _team_formset(FacilitatorForm)
PartnerFormSet = _team_formset(PartnerForm)
FunderFormSet = _team_formset(FunderForm)
ObjectiveFormSet = _team_formset(ObjectiveForm)


class PhaseForm(forms.Form):
    phase = forms.ModelChoiceField(
        Term.objects.in_scheme("phase"), label=_("Phase"), empty_label=_("Choisir")
    )
    start_date = _date(_("Début de la phase"), required=True)
    decisions = forms.CharField(
        label=_("Ce qui a été décidé"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Les décisions prises à cette étape, avec qui ; pour le passage de relais : ce que "
            "le groupe reprend et quand les professionnels se retirent."
        ),
    )


class ActionFilterForm(forms.Form):
    """The filters of the list of actions (GET); every field is optional."""

    q = forms.CharField(label=_("Titre ou nom du groupe"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Statut"), choices=[("", _("Tous")), *ActionStatus.choices], required=False
    )
    isic_form = forms.ModelChoiceField(
        Term.objects.in_scheme("isic_form").filter(broader__isnull=True),
        label=_("Forme d'intervention"),
        required=False,
        empty_label=_("Toutes"),
    )
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(),
        label=_("Organisation porteuse"),
        required=False,
        empty_label=_("Toutes"),
    )
    territory = TerritoryChoiceField(label=_("Territoire"), required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def chosen(self) -> ActionFilters:
        data = self.cleaned_data
        return ActionFilters(
            text=data["q"].strip(),
            status=data["status"],
            isic_form=data["isic_form"],
            organisation=data["organisation"],
            territory=data["territory"],
        )
