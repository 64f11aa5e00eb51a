"""Forms of the diagnosis pages: its description (with a territory chosen or composed from
communes), its steering group, a component's text, the synthesis and the status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.actions.forms_actions import BaseTeamFormSet
from maillage.diagnostics.models import Diagnosis, DiagnosisKind, DiagnosisStatus, Indicator
from maillage.organisations.models import Organisation, User
from maillage.practices.forms import GroupedCheckboxes
from maillage.territories.forms import TerritoryChoiceField, TerritoryMultipleChoiceField
from maillage.territories.models import CustomKind, Level
from maillage.web.forms import DateInput

DESCRIPTION_FIELDS = ("title", "kind", "purpose", "start_date", "end_date", "indicators")


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DateInput())


class DiagnosisForm(forms.Form):
    """The description of a diagnosis; on a new one, `organisations` lists the carriers the author
    may choose, and the territory may be composed from communes instead of chosen."""

    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), label=_("Organisation porteuse"), empty_label=_("Choisir")
    )
    title = forms.CharField(label=_("Titre"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Type de diagnostic"), choices=DiagnosisKind.choices, initial=DiagnosisKind.SHARED
    )
    territory = TerritoryChoiceField(
        label=_("Territoire"),
        required=False,
        help_text=_("Tapez le début d'un nom ou un code, puis choisissez dans la liste."),
    )
    new_territory_name = forms.CharField(
        label=_("Nom du territoire à composer"),
        max_length=200,
        required=False,
        help_text=_("Par exemple « Bassin de vie de l'Arrageois »."),
    )
    new_territory_kind = forms.ChoiceField(
        label=_("Type de territoire"),
        choices=CustomKind.choices,
        initial=CustomKind.BASSIN_DE_VIE,
        required=False,
    )
    communes = TerritoryMultipleChoiceField(
        label=_("Communes du territoire"),
        levels={Level.COMMUNE},
        required=False,
        help_text=_("Au moins deux communes."),
    )
    purpose = forms.CharField(
        label=_("Pourquoi ce diagnostic"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("En langage courant : ce que l'on cherche à comprendre, et pour qui."),
    )
    start_date = _date(_("Début"))
    end_date = _date(_("Fin des contributions"))
    indicators = forms.ModelMultipleChoiceField(
        Indicator.objects.order_by("theme", "label"),
        label=_("Indicateurs retenus"),
        required=False,
        widget=GroupedCheckboxes,
        help_text=_("Les chiffres montrés sur la page du diagnostic."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation] | None = None,
        compose: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            # Changing a diagnosis: its carrier stays, its territory is chosen.
            for name in ("organisation", "new_territory_name", "new_territory_kind", "communes"):
                del self.fields[name]
            self.fields["territory"].required = True
        else:
            self.fields["organisation"].queryset = organisations
            if not compose:
                for name in ("new_territory_name", "new_territory_kind", "communes"):
                    del self.fields[name]

    @property
    def composes_territory(self) -> bool:
        return "communes" in self.fields

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.composes_territory:
            if (
                "territory" in self.fields
                and not data.get("territory")
                and "territory" not in self.errors
            ):
                self.add_error("territory", _("Choisissez le territoire du diagnostic."))
            return data
        # A territory both chosen and composed is the operation's refusal, shown on `territory`.
        if not data.get("territory") and not data.get("new_territory_name", "").strip():
            raise ValidationError(
                _("Choisissez un territoire existant, ou donnez un nom au territoire à composer.")
            )
        return data

    @classmethod
    def initial_for(cls, diagnosis: Diagnosis) -> dict[str, Any]:
        return {
            "territory": diagnosis.territory,
            **{
                name: getattr(diagnosis, name)
                for name in DESCRIPTION_FIELDS
                if name != "indicators"
            },
            "indicators": list(diagnosis.indicators.all()),
        }

    def operation_fields(self) -> dict[str, Any]:
        """The arguments of `create_diagnosis` / `update_diagnosis`, the territory excepted when
        it is to be composed."""
        fields = {name: self.cleaned_data[name] for name in DESCRIPTION_FIELDS}
        if self.cleaned_data.get("territory"):
            fields["territory"] = self.cleaned_data["territory"]
        return fields


class SteeringMemberForm(forms.Form):
    organisation = forms.ModelChoiceField(
        Organisation.objects.order_by("name"),
        label=_("Organisation"),
        required=False,
        empty_label=_("Aucune"),
    )
    user = forms.ModelChoiceField(
        User.objects.none(),
        label=_("Compte"),
        required=False,
        empty_label=_("Sans compte"),
        help_text=_(
            "Une personne de l'organisation porteuse ou d'une organisation du comité ; avec un "
            "compte, elle modifie le diagnostic."
        ),
    )
    name = forms.CharField(label=_("Nom (sans compte)"), max_length=200, required=False)
    role = forms.CharField(
        label=_("Rôle"),
        max_length=200,
        required=False,
        help_text=_("Par exemple « élue aux solidarités »."),
    )

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("organisation") or data.get("user") or data.get("name", "").strip()):
            raise ValidationError(_("Choisissez une organisation, un compte ou écrivez un nom."))
        return data


SteeringFormSet = forms.formset_factory(
    SteeringMemberForm, formset=BaseTeamFormSet, extra=2, can_delete=True, max_num=60
)


class SectionForm(forms.Form):
    text = forms.CharField(
        label=_("Ce que le comité en retient"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )


class SynthesisForm(forms.Form):
    synthesis = forms.CharField(
        label=_("Synthèse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "En langage courant : ce que le diagnostic a montré et ce que l'on va faire. Des "
            "phrases courtes, sans sigle non expliqué."
        ),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=DiagnosisStatus.choices)
