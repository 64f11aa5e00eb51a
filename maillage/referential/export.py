"""Exports of the référentiel: JSON (the data file's own shape), CSV and SKOS in Turtle.

SKOS URIs are built from `MAILLAGE_REFERENTIAL_BASE_URI` so that each concept's URI is the
address of its page on the instance: `<base><scheme>/<term>/`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from maillage.referential.models import Scheme, Term

DEFAULT_BASE_URI = "https://maillage.example/referentiel/"
CSV_COLUMNS = ["scheme", "code", "label", "definition", "broader", "alt_labels", "source"]
ALT_LABEL_SEPARATOR = "|"


class UnknownFormatError(ValueError):
    pass


def base_uri() -> str:
    base = getattr(settings, "MAILLAGE_REFERENTIAL_BASE_URI", DEFAULT_BASE_URI)
    return base if base.endswith("/") else f"{base}/"


def exported_schemes() -> list[Scheme]:
    """Active schemes with their active terms in reading order, in two queries."""
    terms = Term.objects.active().select_related("broader").order_by("position", "code")
    return list(Scheme.objects.active().prefetch_related(Prefetch("terms", queryset=terms)))


def as_json(schemes: list[Scheme]) -> str:
    """The data file's shape, so that an export can be loaded by another instance."""
    data = {
        "schemes": [
            {
                "code": scheme.code,
                "label": scheme.label,
                "definition": scheme.definition,
                "source": scheme.source,
                "terms": [
                    {
                        "code": term.code,
                        "label": term.label,
                        "definition": term.definition,
                        "broader": term.broader.code if term.broader else None,
                        "alt_labels": term.alt_labels,
                        "source": term.source,
                    }
                    for term in scheme.terms.all()
                ],
            }
            for scheme in schemes
        ]
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def as_csv(schemes: list[Scheme]) -> str:
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for scheme in schemes:
        for term in scheme.terms.all():
            writer.writerow(
                [
                    scheme.code,
                    term.code,
                    term.label,
                    term.definition,
                    term.broader.code if term.broader else "",
                    ALT_LABEL_SEPARATOR.join(term.alt_labels),
                    term.source,
                ]
            )
    return output.getvalue()


def as_skos(schemes: list[Scheme]) -> str:
    """A SKOS graph in Turtle: one ConceptScheme per scheme, one Concept per term."""
    base = Namespace(base_uri())
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.bind("dcterms", DCTERMS)
    for scheme in schemes:
        scheme_uri = base[f"{scheme.code}/"]
        graph.add((scheme_uri, RDF.type, SKOS.ConceptScheme))
        graph.add((scheme_uri, SKOS.prefLabel, Literal(scheme.label, lang="fr")))
        graph.add((scheme_uri, DCTERMS.title, Literal(scheme.label, lang="fr")))
        graph.add((scheme_uri, SKOS.definition, Literal(scheme.definition, lang="fr")))
        graph.add((scheme_uri, SKOS.notation, Literal(scheme.code)))
        if scheme.source:
            graph.add((scheme_uri, DCTERMS.source, _source_literal(scheme.source)))
        for term in scheme.terms.all():
            _add_concept(graph, base, scheme_uri, scheme, term)
    return graph.serialize(format="turtle")


def _add_concept(
    graph: Graph, base: Namespace, scheme_uri: URIRef, scheme: Scheme, term: Term
) -> None:
    uri = base[f"{scheme.code}/{term.code}/"]
    graph.add((uri, RDF.type, SKOS.Concept))
    graph.add((uri, SKOS.inScheme, scheme_uri))
    graph.add((uri, SKOS.prefLabel, Literal(term.label, lang="fr")))
    graph.add((uri, SKOS.definition, Literal(term.definition, lang="fr")))
    graph.add((uri, SKOS.notation, Literal(term.code)))
    for alt_label in term.alt_labels:
        graph.add((uri, SKOS.altLabel, Literal(alt_label, lang="fr")))
    if term.source:
        graph.add((uri, DCTERMS.source, _source_literal(term.source)))
    if term.broader is None:
        graph.add((uri, SKOS.topConceptOf, scheme_uri))
        graph.add((scheme_uri, SKOS.hasTopConcept, uri))
    else:
        broader_uri = base[f"{scheme.code}/{term.broader.code}/"]
        graph.add((uri, SKOS.broader, broader_uri))
        graph.add((broader_uri, SKOS.narrower, uri))


def _source_literal(lines: str) -> Literal:
    return Literal(
        _(
            "Rapport du groupe national « Développement social et travail social collectif », "
            "États généraux du travail social, 2015 — lignes %(lines)s du texte."
        )
        % {"lines": lines},
        lang="fr",
    )


@dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    content_type: str
    render: Callable[[list[Scheme]], str]


FORMATS = {
    export_format.name: export_format
    for export_format in (
        ExportFormat("json", "json", "application/json; charset=utf-8", as_json),
        ExportFormat("csv", "csv", "text/csv; charset=utf-8", as_csv),
        ExportFormat("skos", "ttl", "text/turtle; charset=utf-8", as_skos),
    )
}


def export_referential(format_name: str) -> str:
    try:
        export_format = FORMATS[format_name]
    except KeyError:
        raise UnknownFormatError(
            _("Format d'export inconnu : « %(format)s ». Formats possibles : %(formats)s.")
            % {"format": format_name, "formats": ", ".join(FORMATS)}
        ) from None
    return export_format.render(exported_schemes())
