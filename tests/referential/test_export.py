from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from maillage.referential.export import (
    CSV_COLUMNS,
    UnknownFormatError,
    export_referential,
)
from maillage.referential.loading import LoadReport, load_referential
from maillage.referential.models import Scheme, Term

pytestmark = pytest.mark.django_db

BASE = "https://maillage.example/referentiel/"


def test_json_lists_schemes_with_their_terms(referential: LoadReport) -> None:
    data = json.loads(export_referential("json"))

    schemes = {scheme["code"]: scheme for scheme in data["schemes"]}
    assert len(schemes) == Scheme.objects.count()
    forms = {term["code"]: term for term in schemes["isic_form"]["terms"]}
    assert forms["groupe_d_interet"]["broader"] == "travail_social_de_groupe"
    assert forms["travail_social_de_groupe"]["broader"] is None
    assert "TSG" in forms["travail_social_de_groupe"]["alt_labels"]
    assert forms["travail_social_de_groupe"]["source"].startswith("L638")


def test_a_json_export_loads_into_another_instance_unchanged(
    referential: LoadReport, tmp_path: Path
) -> None:
    path = tmp_path / "export.json"
    path.write_text(export_referential("json"), encoding="utf-8")

    report = load_referential(path)

    assert report.terms.written == 0


def test_csv_has_one_row_per_term_in_use(referential: LoadReport) -> None:
    Term.objects.filter(code="sante").update(is_active=False)

    rows = list(csv.reader(io.StringIO(export_referential("csv"))))

    assert rows[0] == CSV_COLUMNS
    assert len(rows) - 1 == Term.objects.active().count()
    by_code = {(row[0], row[1]): dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    tsg = by_code[("isic_form", "travail_social_de_groupe")]
    assert tsg["alt_labels"].split("|")[0] == "TSG"
    assert by_code[("isic_form", "groupe_d_interet")]["broader"] == "travail_social_de_groupe"


def test_skos_parses_back_with_labels_definitions_and_hierarchy(referential: LoadReport) -> None:
    graph = Graph().parse(data=export_referential("skos"), format="turtle")

    scheme = URIRef(f"{BASE}isic_form/")
    tsg = URIRef(f"{BASE}isic_form/travail_social_de_groupe/")
    group = URIRef(f"{BASE}isic_form/groupe_d_interet/")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    assert (tsg, RDF.type, SKOS.Concept) in graph
    assert (tsg, SKOS.prefLabel, Literal("Travail social de groupe", lang="fr")) in graph
    assert (tsg, SKOS.altLabel, Literal("TSG", lang="fr")) in graph
    assert (tsg, SKOS.notation, Literal("travail_social_de_groupe")) in graph
    assert (tsg, SKOS.inScheme, scheme) in graph
    assert (tsg, SKOS.topConceptOf, scheme) in graph
    assert (scheme, SKOS.hasTopConcept, tsg) in graph
    assert (group, SKOS.broader, tsg) in graph
    assert (tsg, SKOS.narrower, group) in graph
    assert (group, SKOS.topConceptOf, scheme) not in graph
    definition = graph.value(tsg, SKOS.definition)
    assert definition.language == "fr" and "groupe" in definition
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == Term.objects.active().count()


def test_skos_uris_follow_the_base_uri_setting(referential: LoadReport, settings) -> None:
    settings.MAILLAGE_REFERENTIAL_BASE_URI = "https://maillage.gouv.fr/referentiel"

    graph = Graph().parse(data=export_referential("skos"), format="turtle")

    assert (
        URIRef("https://maillage.gouv.fr/referentiel/phase/evaluation/"),
        RDF.type,
        SKOS.Concept,
    ) in graph


def test_an_unknown_format_is_refused_in_french() -> None:
    with pytest.raises(UnknownFormatError, match="Format d'export inconnu : « xml »"):
        export_referential("xml")
    with pytest.raises(CommandError, match="Formats possibles : json, csv, skos"):
        call_command("export_referential", "--format", "xml")


def test_the_command_writes_to_stdout_or_to_a_file(referential: LoadReport, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("export_referential", "--format", "csv", stdout=out)
    assert out.getvalue().startswith(",".join(CSV_COLUMNS))

    target = tmp_path / "referentiel.ttl"
    call_command("export_referential", "--format", "skos", "--output", str(target), stdout=out)
    assert Graph().parse(target, format="turtle")
