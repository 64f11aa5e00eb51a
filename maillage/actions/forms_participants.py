"""Forms of the participants' pages. They shape what a professional typed into the arguments of
`maillage.actions.operations.participants`, which holds the rules and validates again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.actions.models import (
    AgeBand,
    CollectiveAction,
    EligibilityTag,
    Participant,
    Referral,
)
from maillage.actions.operations.participants import (
    COMMUNE_LEVELS,
    LADDER_SCHEME,
    available_tags,
    funder_organisations,
)
from maillage.organisations.models import Organisation, User
from maillage.referential.models import Term
from maillage.territories.forms import TerritoryChoiceField
from maillage.web.forms import DateInput

TAGS_HELP = _(
    "Facultatif. Ces critères servent seulement à compter le public d'un financeur : ils ne "
    "sont jamais une condition pour participer."
)


class TagLabels(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: EligibilityTag) -> str:
        return f"{obj.label} ({obj.organisation.name})"


def _date(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=help_text,
        widget=DateInput(),
    )


class PersonForm(forms.Form):
    """Who she is: only what the action needs."""

    pseudonym = forms.CharField(
        label=_("Prénom ou pseudonyme"),
        max_length=100,
        help_text=_("Jamais de nom de famille complet ni de numéro de sécurité sociale."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    age_band = forms.ChoiceField(label=_("Tranche d'âge"), choices=AgeBand.choices, required=False)
    commune = TerritoryChoiceField(label=_("Commune"), levels=COMMUNE_LEVELS, required=False)
    contact = forms.CharField(
        label=_("Contact (facultatif)"),
        max_length=200,
        required=False,
        help_text=_("Téléphone ou adresse électronique, seulement si la personne est d'accord."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "email"}),
    )
    contact_consent = forms.BooleanField(
        label=_("La personne accepte d'être contactée"),
        required=False,
        help_text=_("La date et votre nom sont enregistrés avec son accord."),
    )
    eligibility_tags = TagLabels(
        EligibilityTag.objects.none(),
        label=_("Critères des financeurs"),
        required=False,
        help_text=TAGS_HELP,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["eligibility_tags"].queryset = available_tags(actor)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("contact") and not data.get("contact_consent"):
            self.add_error(
                "contact_consent",
                _("Sans l'accord de la personne, laissez le contact vide."),
            )
        return data


class EnrolmentFields(forms.Form):
    """How she came into the action and where she stands on the participation ladder."""

    referral = forms.ChoiceField(
        label=_("Comment la personne est arrivée"),
        choices=[("", _("Non renseigné")), *Referral.choices],
        required=False,
    )
    ladder_step = forms.ModelChoiceField(
        Term.objects.none(),
        label=_("Parcours de participation"),
        required=False,
        empty_label=_("Non renseigné"),
    )
    joined_on = _date(_("Arrivée le"), _("Aujourd'hui si vous ne précisez pas."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ladder_step"].queryset = Term.objects.in_scheme(LADDER_SCHEME)


class ParticipantAddForm(PersonForm, EnrolmentFields):
    field_order = [
        "pseudonym",
        "age_band",
        "commune",
        "referral",
        "ladder_step",
        "joined_on",
        "contact",
        "contact_consent",
        "eligibility_tags",
    ]


class EnrolmentForm(EnrolmentFields):
    referred_by = forms.ModelChoiceField(
        Organisation.objects.none(),
        label=_("Orientée par"),
        required=False,
        empty_label=_("Non renseigné"),
    )
    left_on = _date(_("Départ le"))

    def __init__(self, *args: Any, action: CollectiveAction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].required = True
        self.fields["joined_on"].help_text = ""
        self.fields["referred_by"].queryset = Organisation.objects.filter(
            pk__in=[action.organisation_id, *action.partners.values_list("organisation", flat=True)]
        ).order_by("name")


class MergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        Participant.objects.none(),
        label=_("Fiche en double à fusionner dans celle-ci"),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args: Any, candidates: QuerySet[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].queryset = candidates


class EligibilityTagForm(forms.Form):
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), label=_("Financeur"), empty_label=None
    )
    label = forms.CharField(
        label=_("Libellé"),
        max_length=100,
        help_text=_("Par exemple « allocataire CAF » ou « bénéficiaire du RSA »."),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = funder_organisations(actor)
