"""Forms of the indicator pages; `maillage.diagnostics.operations.indicators` holds the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from maillage.diagnostics.models import Aggregation, Indicator, Theme
from maillage.organisations.access import is_national_admin, organisation_ids
from maillage.organisations.models import Organisation, Role, User

MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _terms(organisation_ids: set[int], exclude: int | None) -> QuerySet[Indicator]:
    """The sum indicators a ratio may divide: national ones and those of the organisations."""
    terms = Indicator.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=organisation_ids),
        aggregation=Aggregation.SUM,
    ).order_by("label")
    return terms.exclude(pk=exclude) if exclude else terms


class IndicatorForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=64,
        help_text=_(
            "En minuscules, sans accents ni espaces (par exemple « menages_pauvres ») : c'est le "
            "nom de la colonne dans les fichiers à importer. Il ne change plus ensuite."
        ),
    )
    label = forms.CharField(label=_("Libellé"), max_length=200)
    theme = forms.ChoiceField(label=_("Thème"), choices=Theme.choices)
    aggregation = forms.ChoiceField(
        label=_("Calcul sur un territoire"),
        choices=[
            (Aggregation.SUM, _("Somme : on additionne les valeurs des communes")),
            (
                Aggregation.RATIO,
                _("Rapport : somme d'un indicateur divisée par la somme d'un autre"),
            ),
        ],
        widget=forms.RadioSelect,
        initial=Aggregation.SUM,
    )
    numerator = forms.ModelChoiceField(
        label=_("Numérateur (pour un rapport)"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("Par exemple « ménages pauvres »."),
    )
    denominator = forms.ModelChoiceField(
        label=_("Dénominateur (pour un rapport)"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("Par exemple « ménages »."),
    )
    scale = forms.IntegerField(
        label=_("Multiplicateur (pour un rapport)"),
        min_value=1,
        initial=100,
        required=False,
        help_text=_("100 pour un pourcentage, 1 000 pour un taux pour mille."),
    )
    unit = forms.CharField(
        label=_("Unité"),
        max_length=40,
        required=False,
        help_text=_("Par exemple « ménages », « % »."),
    )
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    year = forms.IntegerField(label=_("Année"), min_value=1900, max_value=2100, required=False)
    definition = forms.CharField(
        label=_("Définition"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation responsable"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    is_sample = forms.BooleanField(
        label=_("Données d'exemple (fictives, à ne pas citer)"), required=False
    )

    def __init__(
        self, *args: Any, user: User, indicator: Indicator | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if indicator is not None:
            # The code and the owner stay: files and ratios name the indicator by its code.
            del self.fields["code"], self.fields["organisation"]
            owners = {indicator.organisation_id} - {None}
        else:
            owners = self._organisations(user)
        term_owners: set[int] = owners  # type: ignore[assignment]
        for name in ("numerator", "denominator"):
            field = self.fields[name]
            field.queryset = _terms(term_owners, indicator.pk if indicator else None)  # type: ignore[attr-defined]

    def _organisations(self, user: User) -> set[int]:
        field = self.fields["organisation"]
        coordinated = organisation_ids(user, {Role.COORDINATOR})
        if is_national_admin(user):
            field.queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
            field.empty_label = _("Aucune : indicateur national")  # type: ignore[attr-defined]
            field.help_text = _("Vide pour un indicateur national.")
            return coordinated
        field.queryset = Organisation.objects.filter(pk__in=coordinated).order_by("name")  # type: ignore[attr-defined]
        field.required = True
        if len(coordinated) == 1:
            field.initial = next(iter(coordinated))
        return coordinated

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().lower()

    def operation_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("scale") is None:
            data["scale"] = 1
        return data


class IndicatorImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV ou XLSX"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Une colonne de code commune (CODGEO, code_commune, code_insee…) et une colonne par "
            "indicateur, ou une ligne par valeur (commune, indicateur, valeur). %(limit)s au plus."
        ) % {"limit": filesizeformat(MAX_IMPORT_BYTES)}
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.xlsx,text/csv"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse %(limit)s : découpez-le en plusieurs fichiers.")
                % {"limit": filesizeformat(MAX_IMPORT_BYTES)}
            )
        return upload
