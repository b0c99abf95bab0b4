"""UTF-8 CSV in and out for the triage commands (a BOM on input is accepted)."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path


class CsvError(ValueError):
    """A CSV that cannot be used: unreadable, not UTF-8, or missing columns."""


def read_rows(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    """All rows of a UTF-8 CSV with a header row; raise CsvError if a required column is missing."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise CsvError(
                    f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(header) or 'no header'}"
                )
            reader.fieldnames = header
            return [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]
    except UnicodeDecodeError as exc:
        raise CsvError(f"{path}: not UTF-8 ({exc})") from exc
    except OSError as exc:
        raise CsvError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a UTF-8 CSV atomically: a temporary file in the same folder, then a rename."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
