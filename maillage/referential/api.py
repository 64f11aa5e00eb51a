"""The référentiel in JSON: vocabularies, their terms, and each term with its neighbours."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from maillage.referential.models import Scheme, Term

router = Router(tags=["Référentiel"])


class TermRefOut(Schema):
    code: str
    label: str
    url: str


class SchemeRefOut(Schema):
    code: str
    label: str
    url: str


class SchemeSummaryOut(SchemeRefOut):
    definition: str
    source: str
    term_count: int


class TermOut(Schema):
    code: str
    label: str
    definition: str
    alt_labels: list[str]
    source: str
    url: str
    is_active: bool
    broader: TermRefOut | None
    narrower: list[TermRefOut]


class SchemeOut(SchemeSummaryOut):
    terms: list[TermOut]


class TermDetailOut(TermOut):
    scheme: SchemeRefOut


@router.get(
    "/schemes",
    response=list[SchemeSummaryOut],
    summary="Vocabulaires du référentiel",
    description="Chaque vocabulaire en usage, avec sa définition et son nombre de termes en usage.",
)
def list_schemes(request: HttpRequest) -> list[SchemeSummaryOut]:
    schemes = Scheme.objects.active().with_term_counts()
    return [_scheme_summary(scheme, scheme.term_count) for scheme in schemes]


@router.get(
    "/schemes/{code}",
    response=SchemeOut,
    summary="Un vocabulaire et ses termes",
    description="Les termes en usage, dans l'ordre de lecture, avec leurs termes génériques et "
    "spécifiques.",
)
def get_scheme(request: HttpRequest, code: str) -> SchemeOut:
    terms = Term.objects.active().order_by("position", "code")
    scheme = (
        Scheme.objects.active()
        .filter(code=code)
        .prefetch_related(Prefetch("terms", queryset=terms))
        .first()
    )
    if scheme is None:
        raise Http404(_("Vocabulaire inconnu : %(code)s.") % {"code": code})
    scheme_terms = list(scheme.terms.all())
    by_pk = {term.pk: term for term in scheme_terms}
    narrower: dict[int, list[Term]] = {}
    for term in scheme_terms:
        if term.broader_id in by_pk:
            narrower.setdefault(term.broader_id, []).append(term)
    return SchemeOut(
        **_scheme_summary(scheme, len(scheme_terms)).model_dump(),
        terms=[
            _term(term, by_pk.get(term.broader_id), narrower.get(term.pk, []))
            for term in scheme_terms
        ],
    )


@router.get(
    "/schemes/{scheme}/terms/{code}",
    response=TermDetailOut,
    summary="Un terme",
    description="Un terme, même retiré de l'usage (`is_active` vaut alors `false`), avec son terme "
    "générique et ses termes spécifiques.",
)
def get_term(request: HttpRequest, scheme: str, code: str) -> TermDetailOut:
    term = Term.objects.get_for_page(scheme, code)
    return TermDetailOut(
        **_term(term, term.broader, list(term.narrower.all())).model_dump(),
        scheme=SchemeRefOut(
            code=term.scheme.code, label=term.scheme.label, url=term.scheme.get_absolute_url()
        ),
    )


def _scheme_summary(scheme: Scheme, term_count: int) -> SchemeSummaryOut:
    return SchemeSummaryOut(
        code=scheme.code,
        label=scheme.label,
        url=scheme.get_absolute_url(),
        definition=scheme.definition,
        source=scheme.source,
        term_count=term_count,
    )


def _term(term: Term, broader: Term | None, narrower: list[Term]) -> TermOut:
    return TermOut(
        code=term.code,
        label=term.label,
        definition=term.definition,
        alt_labels=term.alt_labels,
        source=term.source,
        url=term.get_absolute_url(),
        is_active=term.is_active,
        broader=_ref(broader) if broader else None,
        narrower=[_ref(child) for child in narrower],
    )


def _ref(term: Term) -> TermRefOut:
    return TermRefOut(code=term.code, label=term.label, url=term.get_absolute_url())
