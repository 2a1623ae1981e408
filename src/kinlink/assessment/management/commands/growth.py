"""`kinlink growth IN.csv --out OUT.csv [--summary]`: WHO z-scores and prevalence for a survey
file, without touching the database.

Rows that cannot be scored are kept in OUT.csv with empty scores and an `error` cell naming the
column(s), and listed on stderr by row number; a file that cannot be read at all is refused
with a CommandError and nothing is written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kinlink.assessment.growth.csvfile import (
    Survey,
    SurveyFileError,
    read_survey,
    rows_listing,
    write_survey,
)
from kinlink.assessment.growth.survey import prevalence, render_text


class Command(BaseCommand):
    help = "Compute WHO growth z-scores for a survey CSV and optionally print prevalence."
    # Pure file-in, file-out: no system checks, so nothing reaches for the database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="CSV in WHO Anthro's layout")
        parser.add_argument("--out", type=Path, help="where to write the scored CSV")
        parser.add_argument("--summary", action="store_true", help="print prevalence with 95%% CIs")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        out: Path | None = options["out"]
        if out is None and not options["summary"]:
            raise CommandError(_("Give --out OUT.csv, --summary, or both."))
        survey = _read(source)
        if out is not None:
            _write_atomically(out, survey)
        if survey.bad_rows:
            count = len(survey.bad_rows)
            self.stderr.write(
                ngettext(
                    "%(count)d row could not be scored (empty scores, see its error cell):",
                    "%(count)d rows could not be scored (empty scores, see their error cells):",
                    count,
                )
                % {"count": count}
            )
            self.stderr.write(rows_listing(survey.bad_rows))
        if out is not None:
            self.stdout.write(
                _("Scored %(scored)d of %(total)d rows into %(out)s.")
                % {"scored": len(survey.results), "total": len(survey.rows), "out": out}
            )
        if options["summary"]:
            self.stdout.write(render_text(prevalence(survey.results)), ending="")


def _read(source: Path) -> Survey:
    try:
        with source.open(encoding="utf-8-sig", newline="") as stream:
            return read_survey(stream)
    except OSError as exc:
        raise CommandError(
            _("Cannot read %(file)s: %(reason)s") % {"file": source, "reason": exc.strerror}
        ) from exc
    except SurveyFileError as exc:
        raise CommandError(f"{source}: {exc}") from exc


def _write_atomically(out: Path, survey: Survey) -> None:
    # Write beside the target and rename, so a failure never leaves half a file behind. The
    # file is created readable by its owner only: it holds children's measurements.
    try:
        handle, name = tempfile.mkstemp(dir=out.resolve().parent, suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(out, exc) from exc
    temp = Path(name)
    try:
        with open(handle, "w", encoding="utf-8", newline="") as stream:
            write_survey(stream, survey)
        os.replace(temp, out)
    except OSError as exc:
        raise _cannot_write(out, exc) from exc
    finally:
        temp.unlink(missing_ok=True)


def _cannot_write(out: Path, exc: OSError) -> CommandError:
    return CommandError(
        _("Cannot write %(file)s: %(reason)s") % {"file": out, "reason": exc.strerror}
    )
