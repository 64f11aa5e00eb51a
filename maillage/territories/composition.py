"""Read a composition file: which communes make up each custom territory.

A CSV file of one line per (territory, commune), such as INSEE's « composition communale » of
the bassins de vie, zones d'emploi or aires d'attraction. Read leniently:

- encoding: UTF-8, with or without BOM, UTF-16 with its BOM, or Windows-1252 (a CSV saved by
  Excel) and Latin-1 for the bytes Windows-1252 leaves undefined, as
  `maillage.territories.csv_decoding` reads them;
- separator: « ; », « , » or tab, whichever the first lines have most of;
- columns, found by their header (case, accents, spaces and underscores do not matter):
    - commune code: CODGEO, code_commune, commune, code_insee, insee, depcom, com, cog;
    - territory code: code, code_territoire, territoire, or an INSEE zoning column such as
      BV2022, ZE2020, AAV2020, UU2020;
    - territory name: libelle, nom, nom_territoire, libelle_territoire, intitule, or « LIB »
      followed by the territory code's header (LIBBV2022);
  the header may follow a few lines of notes. Without a recognised header, a file of exactly
  three columns is read as territory code, territory name, commune code, with or without a
  header line;
- a commune code that lost its leading zero in a spreadsheet (1053 for 01053) is restored
  (`maillage.territories.commune_codes`).

A file that cannot be read this way is malformed (`MalformedFile`, in French, with the line).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from maillage.territories.commune_codes import is_commune_code, normalise_commune_code
from maillage.territories.csv_decoding import BinaryData, decode_csv
from maillage.territories.folding import fold

COMMUNE_HEADERS = (
    "codgeo",
    "code_commune",
    "commune",
    "code_insee",
    "insee",
    "depcom",
    "com",
    "cog",
)
CODE_HEADERS = ("code", "code_territoire", "territoire")
NAME_HEADERS = ("libelle", "nom", "nom_territoire", "libelle_territoire", "intitule")
_INSEE_ZONING = re.compile(r"[a-z]+\d{4}")  # BV2022, ZE2020…
_SEPARATORS = (";", ",", "\t")
_HEADER_SEARCH_LINES = 10
MAX_CODE_LENGTH = 20
MAX_NAME_LENGTH = 200


class MalformedFile(Exception):
    """The file cannot be read as a composition file; the message says why, in French."""


@dataclass(frozen=True)
class CompositionRow:
    line: int
    territory_code: str
    territory_name: str
    commune_code: str


@dataclass(frozen=True)
class _Columns:
    code: int
    name: int
    commune: int


def parse_composition(data: bytes) -> list[CompositionRow]:
    text = _decode(data)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise MalformedFile(_("Le fichier est vide."))
    head = lines[:_HEADER_SEARCH_LINES]
    separator = max(_SEPARATORS, key=lambda sep: max(line.count(sep) for line in head))
    if not any(separator in line for line in head):
        raise MalformedFile(
            _(
                "Le fichier n'a qu'une colonne : les colonnes doivent être séparées par « ; » ou « , »."
            )
        )
    try:
        records = [
            (number, [cell.strip() for cell in record])
            for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=separator), 1)
            if any(cell.strip() for cell in record)
        ]
    except csv.Error as error:
        raise MalformedFile(
            _("Le fichier n'est pas un CSV lisible : %(error)s") % {"error": error}
        ) from error
    columns, first_data = _find_columns(records)
    rows = [_row(number, record, columns) for number, record in records[first_data:]]
    if not rows:
        raise MalformedFile(_("Le fichier ne contient aucune ligne de données."))
    return rows


def _decode(data: bytes) -> str:
    try:
        return decode_csv(data).text
    except BinaryData as error:
        raise MalformedFile(
            _("Ce fichier n'est pas un fichier CSV : enregistrez-le au format CSV.")
        ) from error


def _header_key(cell: str) -> str:
    return fold(cell).replace(" ", "_")


def _columns_from_header(header: list[str]) -> _Columns | None:
    keys = [_header_key(cell) for cell in header]

    def first(names: tuple[str, ...]) -> int | None:
        return next((keys.index(name) for name in names if name in keys), None)

    commune = first(COMMUNE_HEADERS)
    code = first(CODE_HEADERS)
    if code is None:
        code = next((i for i, key in enumerate(keys) if _INSEE_ZONING.fullmatch(key)), None)
    if commune is None or code is None:
        return None
    name = first((f"lib{keys[code]}", *NAME_HEADERS))
    if name is None:
        raise MalformedFile(
            _(
                "La colonne du nom des territoires est introuvable. En-têtes acceptés : "
                "%(headers)s, ou LIB suivi de l'en-tête du code (LIBBV2022)."
            )
            % {"headers": ", ".join(NAME_HEADERS)}
        )
    return _Columns(code=code, name=name, commune=commune)


def _find_columns(records: list[tuple[int, list[str]]]) -> tuple[_Columns, int]:
    """The columns, and the index of the first data record."""
    for index, (_number, record) in enumerate(records[:_HEADER_SEARCH_LINES]):
        if columns := _columns_from_header(record):
            return columns, index + 1
    first = records[0][1]
    if len(first) == 3:
        has_header = not is_commune_code(normalise_commune_code(first[2]))
        return _Columns(code=0, name=1, commune=2), int(has_header)
    raise MalformedFile(
        _(
            "Les colonnes ne sont pas reconnues (%(found)s). Il faut un en-tête de code commune "
            "(%(communes)s) et un en-tête de code de territoire (%(codes)s, ou BV2022…), ou bien "
            "exactement trois colonnes : code du territoire, nom du territoire, code commune."
        )
        % {
            "found": ", ".join(first),
            "communes": ", ".join(COMMUNE_HEADERS),
            "codes": ", ".join(CODE_HEADERS),
        }
    )


def _row(number: int, record: list[str], columns: _Columns) -> CompositionRow:
    needed = max(columns.code, columns.name, columns.commune) + 1
    if len(record) < needed:
        raise MalformedFile(
            _("Ligne %(line)d : %(found)d colonnes au lieu d'au moins %(needed)d.")
            % {"line": number, "found": len(record), "needed": needed}
        )
    code, name = record[columns.code], record[columns.name]
    commune = normalise_commune_code(record[columns.commune])
    if not code or not commune:
        raise MalformedFile(
            _("Ligne %(line)d : le code du territoire ou le code commune est vide.")
            % {"line": number}
        )
    if len(code) > MAX_CODE_LENGTH or len(name) > MAX_NAME_LENGTH:
        raise MalformedFile(
            _(
                "Ligne %(line)d : code de territoire trop long (%(code)d caractères au plus) "
                "ou nom trop long (%(name)d caractères au plus)."
            )
            % {"line": number, "code": MAX_CODE_LENGTH, "name": MAX_NAME_LENGTH}
        )
    return CompositionRow(number, code, name, commune)
