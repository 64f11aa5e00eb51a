from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from maillage.organisations.models import Organisation, OrganisationKind, Role, User
from maillage.territories.forms import TerritoryMultipleChoiceField


class LoginForm(AuthenticationForm):
    """E-mail addresses are stored lower-case; the message does not say which field was wrong."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Vérifiez votre saisie ou "
            "utilisez « Mot de passe oublié »."
        ),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ProfileForm(forms.ModelForm):
    territories = TerritoryMultipleChoiceField(
        label=_("Territoires d'intervention"),
        required=False,
        help_text=_("Commune, EPCI, département… : ils servent de filtre par défaut."),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "territories"]


class OrganisationForm(forms.ModelForm):
    territories = TerritoryMultipleChoiceField(label=_("Territoires couverts"), required=False)
    website = forms.URLField(label=_("Site internet"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "kind", "siret", "description", "website", "territories"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_siret(self) -> str:
        siret = self.cleaned_data["siret"].replace(" ", "")
        if siret and (len(siret) != 14 or not siret.isdigit()):
            raise forms.ValidationError(_("Un SIRET compte 14 chiffres."))
        return siret


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
    team = forms.CharField(
        label=_("Équipe ou service"),
        max_length=150,
        required=False,
        help_text=_(
            "Ex. « MDS de Roubaix » : le temps consacré au collectif se lit aussi par équipe."
        ),
    )


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom"), required=False)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Tous les types")), *OrganisationKind.choices],
    )


class AuditFilterForm(forms.Form):
    object_type = forms.CharField(label=_("Type d'objet"), required=False)
    actor = forms.CharField(label=_("Auteur (adresse électronique)"), required=False)
