"""Streaming readers for SIMPEG exports: CSV, XLSX, JSON (array) and JSON Lines.

Every reader yields `SourceRow`s one at a time and never holds the whole file: CSV through the
`csv` module over a text stream, XLSX through openpyxl's read-only mode, a JSON array through
ijson, JSON Lines line by line. Each row carries the line number a user sees in their editor or
spreadsheet (header = line 1, first data row = line 2; for JSON the 1-based record number), so a
rejected row can be found again.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx", "json", "jsonl")
_EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


class ReaderError(Exception):
    """The file as a whole cannot be read (wrong format, broken header): the run fails."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One record of the file: its line (as the user sees it) and the raw values by column."""

    line: int
    values: dict[str, Any]


def detect_format(file_name: str, explicit: str | None = None) -> str:
    """The format named by the caller, else the one the extension says."""
    if explicit:
        fmt = explicit.strip().lower()
        if fmt not in FORMATS:
            raise ReaderError(
                "format", _("Unknown file format %(fmt)s (use csv, xlsx, json or jsonl).")
                % {"fmt": explicit},
            )
        return fmt
    fmt = _EXTENSIONS.get(Path(file_name).suffix.lower())
    if fmt is None:
        raise ReaderError(
            "format",
            _("Cannot tell the format of %(name)s: use a .csv, .xlsx, .json or .jsonl file.")
            % {"name": file_name},
        )
    return fmt


def normalise_header(name: Any) -> str:
    """'Tanggal Lahir ' -> 'tanggal_lahir': headers compare case- and space-insensitively."""
    return "_".join(str(name or "").strip().lower().replace("-", " ").split())


def read_rows(stream: IO[bytes], fmt: str) -> Iterator[SourceRow]:
    """Rows of a binary stream in the given format (see `detect_format`)."""
    if fmt == "csv":
        return _without_nul(_read_csv(stream))
    if fmt == "xlsx":
        return _read_xlsx(stream)
    if fmt == "json":
        return _without_nul(_read_json(stream))
    if fmt == "jsonl":
        return _without_nul(_read_jsonl(stream))
    raise ReaderError("format", _("Unknown file format %(fmt)s.") % {"fmt": fmt})


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _without_nul(rows: Iterator[SourceRow]) -> Iterator[SourceRow]:
    """A NUL character is never in a SIMPEG export's text: the file is binary or damaged (and
    PostgreSQL cannot store it), so the whole file is refused at the first one."""
    for row in rows:
        if _holds_nul(row.values):
            raise ReaderError(
                "nul",
                _("Line %(line)s holds a NUL character: the file is not plain text. Export it "
                  "again as CSV UTF-8.") % {"line": row.line},
            )
        yield row


def _header(cells: list[Any]) -> list[str]:
    header = [normalise_header(c) for c in cells]
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise ReaderError("header", _("The first row must hold the column names."))
    return header


def _read_csv(stream: IO[bytes]) -> Iterator[SourceRow]:
    # utf-8-sig drops the BOM Excel writes; errors surface as a ReaderError, not a crash.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        yield from _read_csv_text(text)
    finally:
        text.detach()


def _read_csv_text(text: io.TextIOWrapper) -> Iterator[SourceRow]:
    try:
        first = text.readline()
    except UnicodeDecodeError as exc:
        raise ReaderError(
            "encoding", _("The file is not UTF-8 text. Save it as CSV UTF-8.")
        ) from exc
    if not first.strip():
        raise ReaderError("header", _("The first row must hold the column names."))
    # Indonesian Excel saves CSV with semicolons (the comma is the decimal separator there).
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = _header(next(csv.reader([first], delimiter=delimiter)))
    # The header was consumed above, so csv's line_num counts from the second line.
    reader = csv.reader(text, delimiter=delimiter)
    width = len(header)
    prev_end = 1  # physical line where the previous record ended (the header is line 1)
    try:
        for cells in reader:
            start, prev_end = prev_end + 1, reader.line_num + 1
            if not cells or not any(c.strip() for c in cells):
                continue
            values = dict(zip(header, cells[:width], strict=False))
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                values["__extra__"] = cells[width:]
            yield SourceRow(start, values)
    except UnicodeDecodeError as exc:
        raise ReaderError(
            "encoding",
            _("The file is not UTF-8 text after line %(line)s. Save it as CSV UTF-8.")
            % {"line": prev_end},
        ) from exc
    except csv.Error as exc:
        raise ReaderError(
            "csv", _("The CSV file is broken near line %(line)s: %(error)s")
            % {"line": prev_end + 1, "error": exc},
        ) from exc


# An .xlsx is a zip: a small upload can inflate to gigabytes (a "zip bomb"). openpyxl streams the
# sheet in read-only mode but loads the shared strings whole, so their part is capped, and the
# archive as a whole too. The sizes are the ones the archive declares; Python's zipfile stops
# reading a member at its declared size, so a lying header cannot get past them.
XLSX_MAX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024
XLSX_MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024


def check_xlsx_archive(stream: IO[bytes]) -> None:
    """Refuse a workbook that would inflate beyond the caps above; leaves the stream at 0."""
    import zipfile

    start = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReaderError("xlsx", _("The file is not a readable Excel workbook (.xlsx).")) from exc
    finally:
        stream.seek(start)
    shared = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    total = sum(m.file_size for m in members)
    if shared > XLSX_MAX_SHARED_STRINGS_BYTES or total > XLSX_MAX_TOTAL_BYTES:
        raise ReaderError(
            "xlsx_too_large",
            _("The workbook unpacks to more data than an import accepts: split it into smaller "
              "files, or save it as CSV."),
        )


def _read_xlsx(stream: IO[bytes]) -> Iterator[SourceRow]:
    from openpyxl import load_workbook

    check_xlsx_archive(stream)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise ReaderError("xlsx", _("The file is not a readable Excel workbook (.xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        # Exports written by other tools often declare wrong dimensions ("A1"), which would
        # cut the read-only iteration short: read the rows as they are.
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            raise ReaderError("header", _("The first row must hold the column names."))
        header = _header(list(first))
        width = len(header)
        for line, cells in enumerate(rows, start=2):
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            yield SourceRow(line, dict(zip(header, cells[:width], strict=False)))
    finally:
        workbook.close()


def _read_json(stream: IO[bytes]) -> Iterator[SourceRow]:
    import ijson

    head = _peek_non_space(stream)
    if head == b"{":
        # A .json file that is really JSON Lines (one object per line).
        yield from _read_jsonl(stream)
        return
    if head != b"[":
        raise ReaderError("json", _("A JSON file must hold an array of objects."))
    record = 0
    try:
        for record, item in enumerate(ijson.items(stream, "item"), start=1):
            if not isinstance(item, dict):
                raise ReaderError(
                    "json", _("Record %(n)s of the JSON array is not an object.") % {"n": record}
                )
            yield SourceRow(record, {normalise_header(k): v for k, v in item.items()})
    except ijson.JSONError as exc:
        raise ReaderError(
            "json", _("The JSON file is broken after record %(n)s.") % {"n": record}
        ) from exc


def _peek_non_space(stream: IO[bytes]) -> bytes:
    """The first non-blank byte (after a BOM), leaving the stream at the start of the data."""
    start = stream.tell()
    chunk = stream.read(4096)
    stream.seek(start)
    if chunk.startswith(codecs.BOM_UTF8):
        stream.seek(start + 3)
        chunk = chunk[3:]
    stripped = chunk.lstrip()
    return stripped[:1]


def _read_jsonl(stream: IO[bytes]) -> Iterator[SourceRow]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    record = 0
    try:
        for raw in text:
            if not raw.strip():
                continue
            record += 1
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ReaderError(
                    "json", _("Record %(n)s is not valid JSON.") % {"n": record}
                ) from exc
            if not isinstance(item, dict):
                raise ReaderError("json", _("Record %(n)s is not an object.") % {"n": record})
            yield SourceRow(record, {normalise_header(k): v for k, v in item.items()})
    except UnicodeDecodeError as exc:
        raise ReaderError("encoding", _("The file is not UTF-8 text.")) from exc
    finally:
        text.detach()
