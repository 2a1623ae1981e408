"""`kinlink link`: link two record files (or find duplicates in one) without the database.

kinlink link LEDGER.csv ROSTER.csv --out MATCHES.csv [--map family_name=surname,...]
kinlink link --dedupe FILE.csv --out CLUSTERS.csv
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kinlink.identification.linkage.backends import BACKENDS
from kinlink.identification.linkage.engine import LinkOptions, dedupe, link
from kinlink.identification.linkage.prepare import (
    DEFAULT_MAX_ROWS,
    LinkageInputError,
    Records,
    parse_mapping,
    read_records,
    unreadable_dates,
)


class Command(BaseCommand):
    help = (
        "Link two CSV files of children (e.g. a village ledger and a school roster) and write "
        "the matched pairs, or with --dedupe group the records of one file. Uses no database."
    )
    # Linking files must work on a machine with no migrated database: no checks that query it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", metavar="FILE", help="LEFT.csv RIGHT.csv")
        parser.add_argument("--out", required=True, help="where to write the CSV result")
        parser.add_argument(
            "--dedupe", metavar="FILE", help="find duplicates within this one file instead"
        )
        parser.add_argument(
            "--map",
            default="",
            help="use other headers, e.g. family_name=surname,given_name=first (both files)",
        )
        parser.add_argument("--map-left", default="", help="headers of the left file only")
        parser.add_argument("--map-right", default="", help="headers of the right file only")
        parser.add_argument(
            "--threshold",
            type=float,
            default=0.5,
            help="match probability at or above which a pair is accepted (default 0.5)",
        )
        parser.add_argument(
            "--many",
            action="store_true",
            help="keep every pair above the threshold (default: each record links at most once)",
        )
        parser.add_argument(
            "--evidence",
            action="store_true",
            help="add the match weight and each field's level and weight to the output",
        )
        parser.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS)
        parser.add_argument(
            "--backend",
            choices=BACKENDS,
            default=getattr(settings, "KINLINK_LINKAGE_BACKEND", "duckdb"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._run(options)
        except LinkageInputError as exc:
            raise CommandError(str(exc)) from None
        except MemoryError:
            raise CommandError(
                _("Not enough memory to link these files; split them, e.g. by township.")
            ) from None

    def _run(self, options: dict[str, Any]) -> None:
        threshold = options["threshold"]
        if not 0 < threshold <= 1:
            raise CommandError(_("--threshold is a probability above 0 and at most 1."))
        if options["max_rows"] < 1:
            raise CommandError(_("--max-rows must be a positive number."))
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(_("The folder for --out does not exist: %(path)s") % {"path": out})
        files = options["files"]
        if options["dedupe"]:
            if files:
                raise CommandError(_("Give either two files to link or --dedupe FILE, not both."))
            files = [options["dedupe"]]
        elif len(files) != 2:
            raise CommandError(_("Give two files to link (LEFT.csv RIGHT.csv), or --dedupe FILE."))

        shared = parse_mapping(options["map"])
        per_file = [parse_mapping(options["map_left"]), parse_mapping(options["map_right"])]
        records = []
        for i, name in enumerate(files):
            # A --map given for both files may name a header only one of them has.
            mapping = {**_present(Path(name), shared), **per_file[i]}
            records.append(self._read(Path(name), mapping, options["max_rows"]))
        self._check_shared_mapping(shared, files, records)

        link_options = LinkOptions(
            threshold=threshold,
            one_to_one=not options["many"],
            backend=options["backend"],
            progress=self._progress,
        )
        if options["dedupe"]:
            result = dedupe(records[0], link_options)
            output = result.clusters[["record_id", "cluster_id"]]
            summary = _("%(clusters)d groups among %(records)d records.") % {
                "clusters": output["cluster_id"].nunique(),
                "records": len(output),
            }
        else:
            result = link(records[0], records[1], link_options)
            output = _matches_output(result.matches, options["evidence"])
            summary = _("%(n)d matches written.") % {"n": len(output)}
        for note in result.notes:
            self._progress(note)
        _write_atomically(output, out)
        self.stdout.write(summary)

    def _read(self, path: Path, mapping: dict[str, str], max_rows: int) -> Records:
        self._progress(_("reading %(file)s") % {"file": path.name})
        records = read_records(path, mapping=mapping, max_rows=max_rows)
        for note in records.notes:
            self._progress(note)
        count, first_row = unreadable_dates(records)
        if count:
            self._progress(
                _(
                    "%(file)s: %(n)d birth dates could not be read (first on row %(row)d); "
                    "they count as missing."
                )
                % {"file": path.name, "n": count, "row": first_row}
            )
        return records

    def _check_shared_mapping(
        self, mapping: dict[str, str], files: list[str], records: list[Records]
    ) -> None:
        for standard, header in mapping.items():
            if not any(standard in r.table.column_names for r in records):
                raise CommandError(
                    _("No file has the column “%(column)s” given by --map %(standard)s=%(column)s.")
                    % {"column": header, "standard": standard}
                )

    def _progress(self, message: str) -> None:
        self.stderr.write(message)
        self.stderr.flush()


def _present(path: Path, mapping: dict[str, str]) -> dict[str, str]:
    """The --map entries whose header this file has (read from its first line only)."""
    if not mapping:
        return {}
    try:
        with path.open("rb") as handle:
            first = handle.readline()
    except OSError:
        return mapping  # read_records will say why the file cannot be read
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            line = first.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return mapping
    delimiter = max(",;\t", key=line.count)
    headers = {h.strip().casefold() for h in next(csv.reader([line], delimiter=delimiter), [])}
    return {s: h for s, h in mapping.items() if h.strip().casefold() in headers}


def _matches_output(matches: pd.DataFrame, evidence: bool) -> pd.DataFrame:
    columns = ["left_id", "right_id", "match_probability"]
    if evidence:
        columns += [c for c in matches.columns if c not in columns and c not in ("source_dataset",)]
    output = matches[columns].copy()
    output["match_probability"] = output["match_probability"].map("{:.6f}".format)
    return output


def _write_atomically(frame: pd.DataFrame, out: Path) -> None:
    """Write to a temporary file beside `out` and rename it: never a half-written result."""
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            frame.to_csv(stream, index=False)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
