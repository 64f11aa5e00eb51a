"""Forms of the ingestion pages. They shape what a documentalist typed into the arguments of the
write functions (`maillage.ingestion.operations`), which hold the rules and check again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.ingestion.models import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_COUNT,
    TERM_FIELDS,
    CandidatePractice,
    Document,
    DocumentType,
    Reference,
)
from maillage.ingestion.reading.limits import MAX_FILE_MEGABYTES
from maillage.organisations.models import Organisation
from maillage.practices.forms import TermsField
from maillage.practices.models import Practice
from maillage.practices.snapshot import SECTION_FIELDS
from maillage.referential.models import Term
from maillage.territories.forms import TerritoryMultipleChoiceField
from maillage.web.forms import DateInput

ACCEPTED_FORMATS = ".docx,.odt,.pdf,.txt,.md"


def _upload_help() -> str:
    return gettext(
        "Un ou plusieurs fichiers DOCX, ODT, PDF (avec sa couche texte), texte ou Markdown, "
        "de %(megabytes)s Mo au plus chacun. Un même fichier déjà importé est reconnu et n'est "
        "pas lu deux fois."
    ) % {"megabytes": MAX_FILE_MEGABYTES}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to the list of files, each checked like one."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FORMATS}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            if data:
                return [super(MultipleFileField, self).clean(item, initial) for item in data]
            data = None
        return [super().clean(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Fichiers"),
        help_text=lazy(_upload_help, str)(),
        error_messages={"required": _("Choisissez au moins un fichier.")},
    )
    document_type = forms.ChoiceField(
        label=_("Type des documents"),
        choices=[("", _("Non précisé (« Autre document »)")), *DocumentType.choices],
        required=False,
        help_text=_(
            "Il s'applique à chaque fichier envoyé ; il se corrige ensuite document par document."
        ),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        """`organisations`: those of the person, one of which may own the documents."""
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            organisations,
            label=_("Organisation"),
            required=False,
            empty_label=_("Aucune (document lisible par vous seule ou seul)"),
            help_text=_("Les membres de l'organisation choisie liront ces documents."),
        )


class DocumentForm(forms.Form):
    """What was read from the file about the document itself, as a documentalist corrects it."""

    title = forms.CharField(label=_("Titre"), max_length=300)
    authors = forms.CharField(label=_("Auteurs ou organisation"), max_length=300, required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    year = forms.IntegerField(
        label=_("Année"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("Laissée vide, elle est prise de la date."),
    )
    document_type = forms.ChoiceField(label=_("Type"), choices=DocumentType.choices)

    @classmethod
    def initial_for(cls, document: Document) -> dict[str, Any]:
        return {name: getattr(document, name) for name in cls.base_fields}


def _text(label: Any, rows: int = 4) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}))


class CandidateForm(forms.Form):
    """The candidate sheet as the documentalist corrects it before accepting it."""

    # The limits of the sheet the candidate becomes, not the candidate's own columns.
    title = forms.CharField(
        label=_("Titre"), max_length=Practice._meta.get_field("title").max_length
    )
    summary = forms.CharField(
        label=_("Résumé"),
        max_length=Practice._meta.get_field("summary").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    isic_forms = TermsField(
        "isic_form", label=_("Formes d'intervention collective"), required=False
    )
    publics = TermsField("public", label=_("Publics"), required=False)
    themes = TermsField("theme", label=_("Thèmes"), required=False)
    territories = TerritoryMultipleChoiceField(label=_("Territoires"), required=False)
    start_year = forms.IntegerField(
        label=_("Année de début"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    end_year = forms.IntegerField(
        label=_("Année de fin"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    participants_count = forms.IntegerField(
        label=_("Nombre de participants"), required=False, min_value=0, max_value=MAX_COUNT
    )
    inhabitants_count = forms.IntegerField(
        label=_("Nombre d'habitants"), required=False, min_value=0, max_value=MAX_COUNT
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SECTION_FIELDS:
            label = Practice._meta.get_field(name).verbose_name
            self.fields[name] = _text(str(label).capitalize())
        self.order_fields(["title", "summary", *SECTION_FIELDS])

    def section_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SECTION_FIELDS]

    @classmethod
    def initial_for(cls, candidate: CandidatePractice) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(candidate, name)
            for name in (
                "title",
                "summary",
                "start_year",
                "end_year",
                "participants_count",
                "inhabitants_count",
            )
        }
        initial.update({name: candidate.fields.get(name, "") for name in SECTION_FIELDS})
        for name, scheme in TERM_FIELDS.items():
            initial[name] = list(
                Term.objects.in_scheme(scheme).filter(code__in=getattr(candidate, name))
            )
        initial["territories"] = list(candidate.territories.all())
        return initial

    def operation_fields(self) -> dict[str, Any]:
        """The keyword arguments of `update_candidate` / `accept_candidate`: the fiche fields
        gathered in `fields`, terms as référentiel codes, as the candidate keeps them."""
        data = dict(self.cleaned_data)
        data["fields"] = {name: text for name in SECTION_FIELDS if (text := data.pop(name))}
        for name in TERM_FIELDS:
            data[name] = [term.code for term in data[name]]
        data["territories"] = list(data["territories"])
        return data


class RejectForm(forms.Form):
    note = forms.CharField(
        label=_("Motif"),
        max_length=300,
        help_text=_("Par exemple : « pas une action collective », « déjà décrite »."),
    )


class MergeCandidateForm(forms.Form):
    keep = forms.ModelChoiceField(
        CandidatePractice.objects.none(),
        label=_("Fusionner cette proposition dans"),
        help_text=_("Celle que vous choisissez reste ; celle-ci y est rattachée."),
        empty_label=None,
    )

    def __init__(self, *args: Any, choices: QuerySet[CandidatePractice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = choices  # type: ignore[attr-defined]


class MergeReferenceForm(forms.Form):
    other = forms.ModelChoiceField(
        Reference.objects.none(),
        label=_("Notice à fusionner dans celle-ci"),
        help_text=_(
            "Ses citations passent sur cette notice, qui reste seule dans la bibliothèque."
        ),
        empty_label=None,
    )

    def __init__(self, *args: Any, choices: QuerySet[Reference], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = choices  # type: ignore[attr-defined]
