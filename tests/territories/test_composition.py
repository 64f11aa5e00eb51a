from __future__ import annotations

import pytest

from maillage.territories.composition import CompositionRow, MalformedFile, parse_composition

INSEE = (
    "CODGEO;LIBGEO;BV2022;LIBBV2022;DEP;REG\n"
    "62041;Arras;62041;Arras;62;32\n"
    "62263;Dainville;62041;Arras;62;32\n"
)
ARTOIS = "code;libelle;commune\nTAS1;Territoire de l'Artois élargi;62041\n"


def test_insee_composition_file() -> None:
    assert parse_composition(INSEE.encode()) == [
        CompositionRow(2, "62041", "Arras", "62041"),
        CompositionRow(3, "62041", "Arras", "62263"),
    ]


def test_utf8_with_bom_and_commas_and_other_header_names() -> None:
    data = "\ufeffNom,Code,Code commune\nBassin Sud,S1,62041\n".encode()

    assert parse_composition(data) == [CompositionRow(2, "S1", "Bassin Sud", "62041")]


def test_windows_1252_file() -> None:
    data = "code;libelle;commune\nTAS1;Territoire de l'Artois élargi;62041\n".encode("cp1252")

    assert parse_composition(data)[0].territory_name == "Territoire de l'Artois élargi"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_file_with_its_byte_order_mark(encoding: str) -> None:
    data = ("\ufeff" + ARTOIS).encode(encoding)

    assert parse_composition(data) == [
        CompositionRow(2, "TAS1", "Territoire de l'Artois élargi", "62041")
    ]


def test_latin_1_file() -> None:
    # « \x8d » is a byte Windows-1252 leaves undefined: the file is read as Latin-1.
    data = "code;libelle;commune\nTAS1;Pays d'Hénin \x8d Carvin;62041\n".encode("latin-1")

    assert parse_composition(data) == [
        CompositionRow(2, "TAS1", "Pays d'Hénin \x8d Carvin", "62041")
    ]


def test_three_columns_without_a_header_are_read_in_order() -> None:
    data = b"TAS1;Artois;62041\nTAS1;Artois;62263\n"

    assert [row.commune_code for row in parse_composition(data)] == ["62041", "62263"]


def test_three_columns_with_an_unknown_header_skip_it() -> None:
    data = "Territoire d'action;Libellé;Ville\nTAS1;Artois;62041\n".encode()

    assert parse_composition(data) == [CompositionRow(2, "TAS1", "Artois", "62041")]


def test_header_after_notes_and_codes_that_lost_their_zero() -> None:
    data = b"Composition des bassins de vie\n\nCODGEO;BV2022;LIBBV2022\n1053;01053;Bourg\n2a004;2A004;Ajaccio\n"

    rows = parse_composition(data)

    assert [(row.line, row.commune_code) for row in rows] == [(4, "01053"), (5, "2A004")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"\n \n", "vide"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "pas un fichier CSV"),
        (b"une seule colonne\nencore\n", "qu'une colonne"),
        (b"a;b;c;d\n1;2;3;4\n", "colonnes ne sont pas reconnues"),
        (b"CODGEO;BV2022\n62041;62041\n", "nom des territoires est introuvable"),
        (b"CODGEO;BV2022;LIBBV2022\n62041;62041\n", "Ligne 2 : 2 colonnes"),
        (
            b"CODGEO;BV2022;LIBBV2022\n;62041;Arras\n",
            "Ligne 2 : le code du territoire ou le code commune est vide",
        ),
        (b"CODGEO;BV2022;LIBBV2022\n", "aucune ligne"),
    ],
)
def test_malformed_files_are_refused_with_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(MalformedFile, match=message):
        parse_composition(data)
