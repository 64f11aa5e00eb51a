"""Forms of the practice pages. They shape what a person typed into the arguments of the write
functions (`maillage.practices.operations`), which hold the rules and validate again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from maillage.organisations.models import Organisation
from maillage.practices.attachments import max_bytes
from maillage.practices.models import Licence, OrganisationRole, Practice
from maillage.practices.operations import RELATED_FIELDS, SCALAR_FIELDS
from maillage.practices.search import MAX_QUERY
from maillage.practices.snapshot import SECTION_FIELDS, TEXT_FIELDS
from maillage.referential.models import Term
from maillage.territories.forms import TerritoryMultipleChoiceField
from maillage.web.forms import DateInput

ORGANISATION_ROLE_FIELDS = {
    "carriers": OrganisationRole.CARRIER,
    "partners": OrganisationRole.PARTNER,
    "funders": OrganisationRole.FUNDER,
}


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in DSFR fieldsets, one per broader term with its narrower terms indented."""

    template_name = "practices/widgets/grouped_checkboxes.html"


class GroupedTerms(BaseChoiceIterator):
    """The terms of a QuerySet grouped under their broader term, read when the form renders (not
    when the form class is defined, which would query the database at import)."""

    def __init__(self, queryset: QuerySet[Term]) -> None:
        self.queryset = queryset

    def __iter__(self) -> Iterator[tuple[str, list[tuple[int, str]]]]:
        terms = list(self.queryset)
        narrower: dict[int, list[Term]] = defaultdict(list)
        for term in terms:
            if term.broader_id:
                narrower[term.broader_id].append(term)
        for term in terms:
            if term.broader_id is None:
                yield (
                    term.label,
                    [(term.pk, term.label), *((n.pk, n.label) for n in narrower[term.pk])],
                )


class TermsField(forms.ModelMultipleChoiceField):
    """The active terms of one scheme, as checkboxes grouped under their broader term."""

    widget = GroupedCheckboxes

    def __init__(self, scheme: str, **kwargs: Any) -> None:
        super().__init__(Term.objects.in_scheme(scheme), **kwargs)

    def _grouped(self) -> GroupedTerms:
        return GroupedTerms(self.queryset)

    choices = property(_grouped, forms.ChoiceField.choices.fset)  # type: ignore[assignment]


def _text(label: Any, *, rows: int = 5, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _model_label(name: str) -> Any:
    return Practice._meta.get_field(name).verbose_name


def _model_help(name: str) -> Any:
    return Practice._meta.get_field(name).help_text


class PracticeForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    summary = forms.CharField(
        label=_("Résumé"),
        max_length=1200,
        help_text=_("Quelques phrases : qui, quoi, où, avec quel résultat (1 200 signes au plus)."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    isic_forms = TermsField(
        "isic_form",
        label=_("Formes d'intervention collective"),
        help_text=_("Au moins une ; cochez la variante quand elle est connue."),
        error_messages={"required": _("Choisissez au moins une forme d'intervention collective.")},
    )
    methods = TermsField("method", label=_("Méthodes et outils"), required=False)
    publics = TermsField("public", label=_("Publics"), required=False)
    themes = TermsField("theme", label=_("Thèmes"), required=False)
    participation_level = forms.ModelChoiceField(
        Term.objects.in_scheme("participation_level"),
        label=_("Niveau de participation des personnes"),
        required=False,
        empty_label=_("Non précisé"),
    )
    territories = TerritoryMultipleChoiceField(
        label=_("Territoires"),
        required=False,
        help_text=_(
            "Communes, EPCI, départements, régions ou bassins de vie ; plusieurs possibles."
        ),
    )
    scale = forms.ModelChoiceField(
        Term.objects.in_scheme("scale"),
        label=_("Échelle territoriale"),
        required=False,
        empty_label=_("Non précisée"),
    )
    carriers = forms.ModelMultipleChoiceField(
        Organisation.objects.order_by("name"), label=_("Porteurs"), required=False
    )
    partners = forms.ModelMultipleChoiceField(
        Organisation.objects.order_by("name"), label=_("Partenaires"), required=False
    )
    funders = forms.ModelMultipleChoiceField(
        Organisation.objects.order_by("name"), label=_("Financeurs"), required=False
    )
    start_date = forms.DateField(label=_("Début"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("Fin"), required=False, widget=DateInput())
    ongoing = forms.BooleanField(label=_("Action en cours"), required=False)
    participants_count = forms.IntegerField(
        label=_("Nombre de participants"), required=False, min_value=0
    )
    contact = forms.CharField(
        label=_("Contact"), max_length=300, required=False, help_text=_model_help("contact")
    )
    licence = forms.ChoiceField(
        label=_("Licence du texte"), choices=Licence.choices, initial=Licence.CC_BY
    )

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        """`organisations`: on a new sheet, the author's organisations to attach it to."""
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(
                organisations,
                label=_("Organisation"),
                required=False,
                initial=organisations.first(),
                help_text=_model_help("organisation"),
                empty_label=_("Aucune"),
            )
        for name in SECTION_FIELDS:
            self.fields[name] = _text(_model_label(name).capitalize(), help_text=_model_help(name))
        self.order_fields(
            [
                "title",
                "summary",
                *SECTION_FIELDS,
                "isic_forms",
                "methods",
                "publics",
                "themes",
                "participation_level",
            ]
        )

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in TEXT_FIELDS]

    def operation_fields(self, sources: Sequence[dict[str, str]]) -> dict[str, Any]:
        """The keyword arguments of `create_practice` / `update_practice`."""
        data = dict(self.cleaned_data)
        data["organisations"] = [
            (organisation, role)
            for name, role in ORGANISATION_ROLE_FIELDS.items()
            for organisation in data.pop(name)
        ]
        data["sources"] = list(sources)
        return data

    @classmethod
    def initial_for(cls, practice: Practice) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(practice, name)
            for name in (*SCALAR_FIELDS, "participation_level", "scale")
        }
        for name in RELATED_FIELDS:
            initial[name] = list(getattr(practice, name).all())
        links = list(practice.organisation_links.all())
        for name, role in ORGANISATION_ROLE_FIELDS.items():
            initial[name] = [link.organisation_id for link in links if link.role == role]
        return initial


class SourceForm(forms.Form):
    title = forms.CharField(label=_("Titre du document ou de la page"), max_length=300)
    url = forms.URLField(label=_("Adresse web"), required=False, assume_scheme="https")
    locator = forms.CharField(
        label=_("Emplacement"),
        max_length=100,
        required=False,
        help_text=_("Page ou lignes, par ex. « p. 12 »."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


SourceFormSet = forms.formset_factory(SourceForm, extra=1, can_delete=True, max_num=30)


def source_rows(formset: forms.BaseFormSet) -> list[dict[str, str]]:
    return [
        {key: form.cleaned_data.get(key, "") for key in ("title", "url", "locator", "note")}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.png,.jpg,.jpeg,.webp,application/pdf,image/png,image/jpeg,image/webp"
            }
        ),
    )
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # It shares the edit page with the sheet's form, which has its own « title » field.
        kwargs.setdefault("auto_id", "attachment_%s")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, PNG, JPEG ou WebP, %(limit)s au plus.") % {
            "limit": filesizeformat(max_bytes())
        }


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Ce qu'il faut reprendre"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Expliquez à l'auteur ce qu'il faut reprendre.")},
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SearchForm(forms.Form):
    """The plain GET form of the search page; the facets are read from the query string."""

    q = forms.CharField(label=_("Rechercher une pratique"), required=False, max_length=MAX_QUERY)
    tri = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[("relevance", _("pertinence")), ("date", _("date de publication"))],
    )
    page = forms.IntegerField(required=False, min_value=1)
