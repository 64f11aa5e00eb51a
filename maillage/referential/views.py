from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from maillage.referential.export import FORMATS, exported_schemes
from maillage.referential.models import Scheme, Term
from maillage.referential.search import search_terms

DOWNLOAD_FILE_NAME = "referentiel-maillage"


@dataclass
class TermNode:
    term: Term
    heading: int
    children: list[TermNode] = field(default_factory=list)


def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    schemes = Scheme.objects.active().with_term_counts()
    return render(
        request,
        "referential/index.html",
        {
            "schemes": schemes,
            "query": query,
            "results": search_terms(query) if query else None,
            "formats": FORMATS.values(),
        },
    )


def scheme_detail(request: HttpRequest, scheme_code: str) -> HttpResponse:
    scheme = Scheme.objects.active().filter(code=scheme_code).first()
    if scheme is None:
        raise Http404(_("Vocabulaire inconnu : %(code)s.") % {"code": scheme_code})
    terms = list(scheme.terms.active().order_by("position", "code"))
    return render(
        request,
        "referential/scheme.html",
        {"scheme": scheme, "tree": _tree(terms), "term_count": len(terms)},
    )


def term_detail(request: HttpRequest, scheme_code: str, term_code: str) -> HttpResponse:
    term = Term.objects.get_for_page(scheme_code, term_code)
    return render(request, "referential/term.html", {"term": term, "scheme": term.scheme})


def export(request: HttpRequest, extension: str) -> HttpResponse:
    export_format = next(
        (candidate for candidate in FORMATS.values() if candidate.extension == extension), None
    )
    if export_format is None:
        raise Http404(_("Format d'export inconnu : %(format)s.") % {"format": extension})
    content = export_format.render(exported_schemes())
    if export_format.name == "csv":
        # Without a byte order mark, spreadsheet software in France garbles the accents.
        content = "\ufeff" + content
    response = HttpResponse(content, content_type=export_format.content_type)
    response["Content-Disposition"] = f'attachment; filename="{DOWNLOAD_FILE_NAME}.{extension}"'
    return response


def _tree(terms: list[Term]) -> list[TermNode]:
    """Terms nested under their broader term; parents come first in reading order."""
    nodes: dict[int, TermNode] = {}
    roots: list[TermNode] = []
    for term in terms:
        parent = nodes.get(term.broader_id) if term.broader_id else None
        node = TermNode(term, heading=min(parent.heading + 1, 6) if parent else 2)
        (parent.children if parent else roots).append(node)
        nodes[term.pk] = node
    return roots
