"""Text tables as published (CSV, ``;`` or ``,`` or tab): bytes -> decoded text -> rows.

Everything that can go wrong before a single value is looked at is caught here, with a
message naming the file: empty files, binary files, workbooks with a .csv suffix, files in
another encoding, a header without rows, rows with more or fewer fields than the header.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ruhrgeo.errors import EmptyTableError, FileEncodingError, FileFormatError

SEPARATORS = (";", ",", "\t")
_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive (an XLSX workbook?)",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook",
    b"%PDF": "a PDF document",
    b"SQLite format 3\x00": "an SQLite database (a GeoPackage?)",
}
_CONTROL = set(range(32)) - {9, 10, 13}  # bytes no text table holds (tab and newlines do)


def read_text(path: Path, *, encoding: str, what: str) -> str:
    """The decoded text of ``path``; ``what`` names the file's role in messages."""
    data = path.read_bytes()
    name = f"{what} {path.name!r}"
    if not data.strip():
        raise EmptyTableError(f"{name} is empty; give a table with a header line and rows")
    for signature, kind in _SIGNATURES.items():
        if data.startswith(signature):
            raise FileFormatError(
                f"{name} is {kind}, not a text table; export the data as CSV (UTF-8)"
            )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and encoding.lower().startswith("utf-8"):
        raise FileEncodingError(
            f"{name} is UTF-16 text; re-save it as UTF-8 or pass encoding='utf-16'"
        )
    head = data[:4096]
    if sum(byte in _CONTROL for byte in head) > len(head) // 100:
        raise FileFormatError(
            f"{name} holds binary data (control bytes such as {_first_control(head)}), not a "
            "text table; check that it is the CSV file you meant"
        )
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1]
        hint = (
            "it is probably Windows-1252 (Latin-1), as Excel saves CSV in Germany: re-save it "
            "as 'CSV UTF-8' or pass encoding='cp1252'"
            if codec == "utf-8-sig"
            else "give the encoding the file was saved in"
        )
        raise FileEncodingError(
            f"{name} is not {encoding} text: byte {byte!r} in line {line} cannot be decoded; {hint}"
        ) from None
    except LookupError:
        raise FileEncodingError(
            f"{name}: unknown encoding {encoding!r}; give e.g. 'utf-8' or 'cp1252'"
        ) from None


def _first_control(head: bytes) -> str:
    return repr(bytes([next(b for b in head if b in _CONTROL)]))


def split_rows(text: str, path: Path, *, what: str) -> tuple[list[str], list[list[str]], str]:
    """Header, data rows and separator of a delimited text.

    The separator is the one of ``;``, ``,`` and tab that splits the header line into the
    most fields; every row must have as many fields as the header (blank lines are skipped).
    """
    name = f"{what} {path.name!r}"
    first = next((line for line in text.splitlines() if line.strip()), "")
    sep = max(SEPARATORS, key=lambda s: len(next(csv.reader([first], delimiter=s))))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        parsed = [(reader.line_num, row) for row in reader if any(f.strip() for f in row)]
    except csv.Error as exc:
        raise FileFormatError(
            f"{name} is not valid CSV (line {reader.line_num}: {exc}); check the quoting there"
        ) from None
    header = [field.strip() for field in parsed[0][1]]
    if len(parsed) == 1:
        raise EmptyTableError(
            f"{name} has a header line ({', '.join(header[:5])}) but no rows; "
            "give a table with one row per municipality"
        )
    for line, row in parsed[1:]:
        if len(row) != len(header):
            raise FileFormatError(
                f"{name}: line {line} has {len(row)} field(s) but the header has "
                f"{len(header)} (separator {sep!r}); fix that line or its quoting"
            )
    return header, [row for _, row in parsed[1:]], sep
