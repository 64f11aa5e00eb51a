"""Forms of the contribution pages; `maillage.diagnostics.operations.contributions` holds the
rules. The public questionnaire asks nothing about the person: no name, no e-mail, no telephone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.diagnostics.models import Component, ContributionKind, ContributorKind, Theme
from maillage.diagnostics.operations.contributions import NOTE_MAX, PLACE_MAX, TEXT_MAX, Decision
from maillage.territories.models import Territory

# Beyond this, a list of communes is too long to scroll on a phone: the place is typed instead.
COMMUNE_LIST_MAX = 60
HONEYPOT = "site_web"


class ContributionForm(forms.Form):
    """What anyone says: what about, the text, and if she wants, a subject and a place."""

    kind = forms.ChoiceField(
        label=_("Vous voulez parler de"), choices=ContributionKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Votre message"),
        help_text=_("De 10 à 2 000 caractères, avec vos mots."),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    theme = forms.ChoiceField(
        label=_("Le sujet (si vous voulez)"),
        choices=[("", _("Je ne sais pas")), *Theme.choices],
        required=False,
    )
    commune = forms.ModelChoiceField(
        label=_("La commune (si vous voulez)"),
        queryset=Territory.objects.none(),
        empty_label=_("Je ne sais pas"),
        required=False,
    )
    place = forms.CharField(
        label=_("Le lieu (si vous voulez)"),
        help_text=_("Un quartier, une rue, un lieu. Pas votre adresse."),
        max_length=PLACE_MAX,
        required=False,
    )

    def __init__(self, *args: Any, communes: QuerySet[Territory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        listed = communes.order_by("name")
        if listed.count() > COMMUNE_LIST_MAX:
            del self.fields["commune"]
            self.fields["place"].label = _("Le quartier, la rue ou le lieu (si vous voulez)")
        else:
            self.fields["commune"].queryset = listed


class SignedInContributionForm(ContributionForm):
    """A professional or partner, with her account: who she is, is known; she may also say
    which component of the territory she speaks of (a word of the trade, not asked of
    inhabitants)."""

    component = forms.ChoiceField(
        label=_("La composante du territoire (si vous voulez)"),
        choices=[("", _("Je ne sais pas")), *Component.choices],
        required=False,
    )

    field_order = ["kind", "text", "component", "theme", "commune", "place"]


class PublicContributionForm(ContributionForm):
    """The questionnaire of the public link, for inhabitants first, on a phone."""

    contributor_kind = forms.ChoiceField(
        label=_("Vous êtes"), choices=ContributorKind.choices, widget=forms.RadioSelect
    )
    # Hidden from people (and from screen readers); a robot filling every field fills it.
    site_web = forms.CharField(label=_("Ne remplissez pas ce champ"), required=False)

    field_order = ["contributor_kind", "kind", "text", "theme", "commune", "place"]

    def is_robot(self) -> bool:
        return bool(self.data.get(HONEYPOT))


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(Decision.PUBLISH, _("Publier")), (Decision.REJECT, _("Écarter"))]
    )
    text = forms.CharField(
        label=_("Texte à publier"),
        help_text=_("Retirez les noms, numéros et adresses avant de publier."),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    place = forms.CharField(
        label=_("Lieu à publier"),
        help_text=_("Un quartier, une rue, un lieu : sans numéro de maison ni nom de personne."),
        max_length=PLACE_MAX,
        required=False,
    )
    note = forms.CharField(label=_("Motif (pour écarter)"), max_length=NOTE_MAX, required=False)
    confirmed = forms.BooleanField(
        label=_("Je confirme : ce texte et ce lieu peuvent être publiés tels quels"),
        required=False,
    )

    def clean_place(self) -> str | None:
        """None (the place is kept) when the field was not sent, as from an older page: an
        absent field must not erase the place."""
        if self.add_prefix("place") not in self.data:
            return None
        return self.cleaned_data["place"]
