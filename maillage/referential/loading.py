"""Loading the référentiel from its data file into the database.

The file is the source of truth; the database follows it. Loading is idempotent: a term is
matched by (scheme code, term code), written only when a field differs, and never deleted —
a term that left the file is marked inactive so that objects referencing it stay valid.

Tests in any app call `load_referential()` to get the real vocabularies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from maillage.referential.models import Scheme, Term

DATA_FILE = Path(__file__).resolve().parent / "data" / "referential.json"

CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
REQUIRED_KEYS = {"code", "label", "definition"}
SCHEME_KEYS = {*REQUIRED_KEYS, "source", "terms"}
TERM_KEYS = {*REQUIRED_KEYS, "broader", "alt_labels", "source"}
M = TypeVar("M", Scheme, Term)

# The model fields' limits, checked here so that an invalid file fails before any write.
MAX_LENGTHS = {"scheme": {"code": 50}, "term": {"code": 80}, "any": {"label": 200, "source": 300}}


class ReferentialDataError(ValueError):
    """The data file is unreadable or invalid; `errors` lists every problem found, in French."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class TermData:
    code: str
    label: str
    definition: str
    broader: str | None
    alt_labels: list[str]
    source: str


@dataclass(frozen=True)
class SchemeData:
    code: str
    label: str
    definition: str
    source: str
    terms: list[TermData]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0

    @property
    def written(self) -> int:
        return self.created + self.updated + self.deactivated


@dataclass
class LoadReport:
    schemes: Tally = field(default_factory=Tally)
    terms: Tally = field(default_factory=Tally)


def read_referential(path: Path = DATA_FILE) -> list[SchemeData]:
    """Parse and validate a data file; raise `ReferentialDataError` listing all problems."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ReferentialDataError(
            [
                _("Fichier du référentiel illisible : %(path)s (%(error)s).")
                % {"path": path, "error": error.strerror}
            ]
        ) from error
    except json.JSONDecodeError as error:
        raise ReferentialDataError(
            [
                _("Fichier du référentiel mal formé (JSON), ligne %(line)d : %(message)s.")
                % {"line": error.lineno, "message": error.msg}
            ]
        ) from error
    if errors := validate(data):
        raise ReferentialDataError(errors)
    return [_scheme_data(scheme) for scheme in data["schemes"]]


def validate(data: Any) -> list[str]:
    """Every problem of a parsed data file, each message naming where it is."""
    if not isinstance(data, dict) or set(data) != {"schemes"}:
        return [_("Le fichier doit contenir un objet avec la seule clé « schemes ».")]
    if not isinstance(data["schemes"], list) or not data["schemes"]:
        return [_("« schemes » doit être une liste non vide de vocabulaires.")]
    errors: list[str] = []
    scheme_codes: set[str] = set()
    for index, scheme in enumerate(data["schemes"], start=1):
        where = _("vocabulaire n° %(index)d") % {"index": index}
        if not isinstance(scheme, dict):
            errors.append(_("%(where)s : un objet est attendu.") % {"where": where})
            continue
        if isinstance(scheme.get("code"), str):
            where = _("vocabulaire « %(code)s »") % {"code": scheme["code"]}
        errors += _check_entry(scheme, SCHEME_KEYS, where, "scheme")
        code = scheme.get("code")
        if isinstance(code, str):
            if code in scheme_codes:
                errors.append(_("%(where)s : code en double.") % {"where": where})
            scheme_codes.add(code)
        if not isinstance(scheme.get("terms"), list) or not scheme["terms"]:
            errors.append(
                _("%(where)s : « terms » doit être une liste non vide.") % {"where": where}
            )
            continue
        errors += _validate_terms(scheme["terms"], where)
    return errors


def _validate_terms(terms: list[Any], scheme_where: str) -> list[str]:
    errors: list[str] = []
    declared: set[str] = set()
    for index, term in enumerate(terms, start=1):
        where = _("%(scheme)s, terme n° %(index)d") % {"scheme": scheme_where, "index": index}
        if not isinstance(term, dict):
            errors.append(_("%(where)s : un objet est attendu.") % {"where": where})
            continue
        if isinstance(term.get("code"), str):
            where = _("%(scheme)s, terme « %(code)s »") % {
                "scheme": scheme_where,
                "code": term["code"],
            }
        errors += _check_entry(term, TERM_KEYS, where, "term")
        broader = term.get("broader")
        # Parents come first in the file: this rules out cycles and reads as a tree.
        if isinstance(broader, str) and broader not in declared:
            errors.append(
                _(
                    "%(where)s : le terme générique « %(broader)s » doit être un terme du même "
                    "vocabulaire déclaré plus haut."
                )
                % {"where": where, "broader": broader}
            )
        alt_labels = term.get("alt_labels", [])
        if not isinstance(alt_labels, list) or not all(
            isinstance(label, str) and label.strip() for label in alt_labels
        ):
            errors.append(
                _("%(where)s : « alt_labels » doit être une liste de textes non vides.")
                % {"where": where}
            )
        code = term.get("code")
        if isinstance(code, str):
            if code in declared:
                errors.append(_("%(where)s : code en double.") % {"where": where})
            declared.add(code)
    return errors


def _check_entry(entry: dict[str, Any], allowed: set[str], where: str, kind: str) -> list[str]:
    errors = [
        _("%(where)s : clé inconnue « %(key)s ».") % {"where": where, "key": key}
        for key in sorted(set(entry) - allowed)
    ]
    for key in sorted(REQUIRED_KEYS):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            errors.append(
                _("%(where)s : « %(key)s » est obligatoire et doit être un texte non vide.")
                % {"where": where, "key": key}
            )
    code = entry.get("code")
    if isinstance(code, str) and code and not CODE_PATTERN.match(code):
        errors.append(
            _(
                "%(where)s : le code « %(code)s » ne doit contenir que des minuscules sans "
                "accent, des chiffres et des tirets bas."
            )
            % {"where": where, "code": code}
        )
    for key, limit in (MAX_LENGTHS[kind] | MAX_LENGTHS["any"]).items():
        value = entry.get(key)
        if isinstance(value, str) and len(value) > limit:
            errors.append(
                _("%(where)s : « %(key)s » dépasse %(limit)d caractères.")
                % {"where": where, "key": key, "limit": limit}
            )
    source = entry.get("source", "")
    if not isinstance(source, str):
        errors.append(_("%(where)s : « source » doit être un texte.") % {"where": where})
    broader = entry.get("broader")
    if broader is not None and not isinstance(broader, str):
        errors.append(_("%(where)s : « broader » doit être un code.") % {"where": where})
    return errors


def _scheme_data(scheme: dict[str, Any]) -> SchemeData:
    return SchemeData(
        code=scheme["code"],
        label=scheme["label"].strip(),
        definition=scheme["definition"].strip(),
        source=scheme.get("source", "").strip(),
        terms=[
            TermData(
                code=term["code"],
                label=term["label"].strip(),
                definition=term["definition"].strip(),
                broader=term.get("broader"),
                alt_labels=[label.strip() for label in term.get("alt_labels", [])],
                source=term.get("source", "").strip(),
            )
            for term in scheme["terms"]
        ],
    )


def load_referential(path: Path = DATA_FILE) -> LoadReport:
    """Bring the database in line with the data file; nothing is written if the file is invalid."""
    schemes = read_referential(path)
    report = LoadReport()
    with transaction.atomic():
        existing_schemes = {scheme.code: scheme for scheme in Scheme.objects.all()}
        existing_terms = {(term.scheme_id, term.code): term for term in Term.objects.all()}
        kept_schemes: set[int] = set()
        kept_terms: set[int] = set()
        for position, data in enumerate(schemes):
            scheme = _sync(
                Scheme,
                existing_schemes.get(data.code),
                {
                    "code": data.code,
                    "label": data.label,
                    "definition": data.definition,
                    "source": data.source,
                    "position": position,
                    "is_active": True,
                },
                report.schemes,
            )
            kept_schemes.add(scheme.pk)
            loaded: dict[str, Term] = {}
            for term_position, term_data in enumerate(data.terms):
                broader = loaded[term_data.broader] if term_data.broader else None
                term = _sync(
                    Term,
                    existing_terms.get((scheme.pk, term_data.code)),
                    {
                        "scheme_id": scheme.pk,
                        "code": term_data.code,
                        "label": term_data.label,
                        "definition": term_data.definition,
                        "broader_id": broader.pk if broader else None,
                        "alt_labels": term_data.alt_labels,
                        "source": term_data.source,
                        "position": term_position,
                        "is_active": True,
                    },
                    report.terms,
                )
                loaded[term.code] = term
                kept_terms.add(term.pk)
        report.schemes.deactivated = _deactivate(Scheme, existing_schemes.values(), kept_schemes)
        report.terms.deactivated = _deactivate(Term, existing_terms.values(), kept_terms)
    return report


def _sync(model: type[M], instance: M | None, values: dict[str, Any], tally: Tally) -> M:
    if instance is None:
        tally.created += 1
        return model.objects.create(**values)
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        tally.unchanged += 1
        return instance
    for name in changed:
        setattr(instance, name, values[name])
    instance.save(update_fields=changed)
    tally.updated += 1
    return instance


def _deactivate(model: type[M], existing: Iterable[M], kept: set[int]) -> int:
    # Computed from what was read, so that a run with nothing to retire issues no UPDATE.
    stale = [obj.pk for obj in existing if obj.is_active and obj.pk not in kept]
    if stale:
        model.objects.filter(pk__in=stale).update(is_active=False)
    return len(stale)
