"""Forms of the logbook page; `maillage.actions.operations.logbook` holds the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.actions.models import LogKind
from maillage.practices.attachments import max_bytes
from maillage.web.forms import DateInput


class LogEntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Nature"), choices=LogKind.choices)
    text = forms.CharField(label=_("Ce qui s'est passé"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.CharField(
        label=_("Suite donnée"),
        required=False,
        help_text=_("Pour une proposition : ce qu'elle a changé, ce qui a été répondu au groupe."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    highlight = forms.BooleanField(label=_("À retenir pour la capitalisation"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Suite donnée"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Fichier"))
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, PNG, JPEG ou WebP, %(limit)s au plus.") % {
            "limit": filesizeformat(max_bytes())
        }
