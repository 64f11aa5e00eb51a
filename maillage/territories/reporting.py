"""An import report as French text lines, for the console."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.territories.operations import ImportReport


def report_lines(report: ImportReport) -> list[str]:
    lines = [
        _("Simulation : rien n'a été écrit.")
        if report.dry_run
        else _("Import des territoires de type « %(kind)s » terminé.")
        % {"kind": report.kind_label},
        ngettext("%(count)d ligne lue.", "%(count)d lignes lues.", report.lines)
        % {"count": report.lines},
        _("Territoires créés : %(count)d ; mis à jour : %(updated)d ; inchangés : %(unchanged)d.")
        % {
            "count": len(report.created),
            "updated": len(report.updated),
            "unchanged": len(report.unchanged),
        },
    ]
    if report.problems:
        lines.append(
            ngettext(
                "%(count)d ligne ignorée :", "%(count)d lignes ignorées :", len(report.problems)
            )
            % {"count": len(report.problems)}
        )
        lines.extend(
            _("  ligne %(line)d : %(code)s — %(message)s")
            % {"line": problem.line, "code": problem.code, "message": problem.message}
            for problem in report.problems
        )
    if report.without_communes:
        lines.append(
            _("Territoires non importés faute de commune connue : %(codes)s.")
            % {"codes": ", ".join(report.without_communes)}
        )
    return lines
