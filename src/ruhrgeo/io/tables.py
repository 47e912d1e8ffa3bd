"""Indicator tables keyed by AGS (CSV, XLSX) as the statistical offices publish them."""

from __future__ import annotations

import os
import zipfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ruhrgeo._params import choice
from ruhrgeo._validate import existing_path, normalize_ags, require_unique
from ruhrgeo._warn import warn
from ruhrgeo.errors import (
    DuplicateIdError,
    EmptyTableError,
    FileFormatError,
    MissingColumnError,
    MissingIdError,
    MissingValuesWarning,
    ParameterError,
    TableLayoutError,
    TotalsRowWarning,
)
from ruhrgeo.io._numbers import MISSING_MARKERS, decide_decimal, numeric_columns, to_floats
from ruhrgeo.io._text import read_text, split_rows

__all__ = ["MISSING_MARKERS", "read_indicators"]

_WHAT = "indicator table"


def read_indicators(
    path: str | os.PathLike[str],
    *,
    id_col: str | None = None,
    key: str = "ags",
    sheet: str | int | None = None,
    kreis_lookup: Mapping[str, str] | None = None,
    decimal: str | None = None,
    encoding: str = "utf-8",
) -> pd.DataFrame:
    """Read an indicator table (CSV or XLSX) into a DataFrame indexed by AGS.

    Parameters
    ----------
    path
        A ``.csv`` (separator ``;``, ``,`` or tab, detected) or ``.xlsx`` file.
    id_col
        The key column; default a column named ``ags`` (any case).
    key
        ``"ags"`` (default): the keys are municipalities' AGS, normalized to 8 digits (a lost
        leading zero restored, 5-digit Kreis keys only through ``kreis_lookup``);
        ``"text"``: any other key (a Kreis key, a LAU or NUTS code), kept as written.
    sheet
        The worksheet of an XLSX file (name or 0-based position; default the first).
    kreis_lookup
        Maps 5-digit keys (kreisfreie Städte in Regionalstatistik tables) to 8-digit AGS,
        e.g. ``{"05913": "05913000"}``. Without it, 5-digit keys are an error.
    decimal
        ``","`` (German: ``1.234,5``) or ``"."`` (English: ``1,234.5``). Default: read off
        the table's cells. A table uses one format: cells in both formats, or only cells
        that fit both (``1.234`` may be 1234 or 1.234) raise
        :class:`~ruhrgeo.errors.NumberFormatError`; then pass ``decimal``.
    encoding
        The text encoding of a CSV file (default UTF-8, with or without BOM; German Excel
        saves ``"cp1252"``).

    Returns
    -------
    pandas.DataFrame
        Indexed by 8-character AGS (or by the keys of ``id_col``); numeric columns as
        float. Rows of totals (key ``00000000``, or a name such as "Deutschland" or
        "Insgesamt") are left out with a :class:`~ruhrgeo.errors.TotalsRowWarning` and
        listed in ``df.attrs["totals"]``. Cells marked ``-``, ``.``,
        ``x``, ``/``, ``...`` or empty are NaN and reported in one
        :class:`~ruhrgeo.errors.MissingValuesWarning` (and in ``df.attrs["missing"]``). Text
        columns that are not numbers at all (names) stay text.

    Raises
    ------
    FileFormatError
        And its subclasses, naming the file: empty or header-only (``EmptyTableError``),
        not UTF-8 (``FileEncodingError``), numbers in two formats or ambiguous
        (``NumberFormatError``), a workbook that is none, rows with too many fields, text in
        a column of numbers.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("AGS;Name;Jobs\\n5913000;Dortmund;1.234,5\\n05911000;Bochum;980\\n")
    >>> read_indicators(p)["Jobs"].tolist()
    [1234.5, 980.0]
    """
    if decimal not in (None, ",", "."):
        raise ParameterError(f"`decimal` must be ',' or '.', got {decimal!r}")
    choice(key, "key", ("ags", "text"))
    source = existing_path(path, "path")
    raw = _read_raw(source, sheet, encoding)
    file = f"{_WHAT} {source.name!r}"
    id_column = _id_column(raw, id_col, file)
    raw = _without_totals(raw, id_column, source.name)
    municipal = key == "ags"
    if municipal:
        keys = _keys(raw[id_column], id_column, kreis_lookup, file)
    else:
        keys = _other_keys(raw[id_column], id_column, file)
    values = raw.drop(columns=id_column)
    numbers = numeric_columns(values, file)
    separator = decide_decimal(numbers, decimal, file)
    out = pd.DataFrame(index=pd.Index(keys.to_numpy(), name="ags" if municipal else id_column))
    missing: dict[str, list[str]] = {}
    for column in values.columns:
        if column not in numbers:
            out[column] = values[column].astype(str).to_numpy()
            continue
        floats, gaps = to_floats(numbers[column], separator)
        out[column] = floats.to_numpy()
        if gaps.any():
            missing[str(column)] = list(out.index[gaps.to_numpy()])
    if missing:
        text = "; ".join(f"{c}: {len(a)} ({', '.join(a[:5])})" for c, a in missing.items())
        warn(f"{source.name}: cells marked missing read as NaN: {text}", MissingValuesWarning)
    out.attrs["missing"] = missing
    out.attrs["totals"] = raw.attrs.get("totals", [])
    return out


# Keys and names of rows that sum others up: Germany, a whole table, "all municipalities".
TOTAL_KEYS = frozenset({"0", "00", "000", "00000", "00000000", "000000000000", "DG"})
TOTAL_NAMES = frozenset(
    {"deutschland", "bundesgebiet", "insgesamt", "gesamt", "summe", "total", "alle gemeinden"}
)


def _without_totals(raw: pd.DataFrame, id_column: str, name: str) -> pd.DataFrame:
    """The rows that are not totals; those that are, reported in one warning."""
    keys = raw[id_column].map(str).str.strip().str.replace(r"\.0$", "", regex=True)
    totals = keys.isin(TOTAL_KEYS).to_numpy().copy()
    for column in raw.columns:
        if column != id_column and raw[column].dtype == object:
            text = raw[column].map(lambda v: str(v).strip().lower() if isinstance(v, str) else "")
            totals |= text.isin(TOTAL_NAMES).to_numpy()
    if not totals.any():
        return raw
    shown = [f"{k!r}" for k in keys[totals][:5]]
    warn(
        f"{name}: {int(totals.sum())} row(s) of totals left out (key {', '.join(shown)}: "
        "Germany or 'Insgesamt', not a municipality); listed in attrs['totals']",
        TotalsRowWarning,
    )
    out = raw[~totals]
    out.attrs["totals"] = keys[totals].tolist()
    return out


def _other_keys(column: pd.Series, name: str, file: str) -> pd.Series:
    """Keys of a column other than the AGS, kept as text (stripped), checked once each."""
    keys = column.map(lambda v: str(v).strip() if v is not None else "")
    keys = keys.str.replace(r"\.0$", "", regex=True)
    empty = keys == ""
    if empty.any():
        raise MissingIdError(f"{file}: `{name}` is empty in {int(empty.sum())} row(s)")
    try:
        require_unique(keys, name, "give each unit one row")
    except DuplicateIdError as exc:
        raise DuplicateIdError(f"{file}: {exc}") from None
    return keys


def _read_raw(path: Path, sheet: str | int | None, encoding: str) -> pd.DataFrame:
    """The table's cells: text (CSV) or as the workbook stores them (XLSX)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, rows = _workbook_rows(path, sheet)
    elif suffix == ".xls":
        raise FileFormatError(
            f"{_WHAT} {path.name!r} is an old Excel .xls workbook; save it as .xlsx or CSV"
        )
    elif suffix in (".csv", ".txt"):
        text = read_text(path, encoding=encoding, what=_WHAT)
        header, rows, _ = split_rows(text, path, what=_WHAT)
    else:
        raise FileFormatError(
            f"{_WHAT} {path.name!r}: indicator tables must be .csv or .xlsx, got "
            f"{suffix or 'no suffix'!r}"
        )
    return _frame(header, rows, f"{_WHAT} {path.name!r}")


def _workbook_rows(path: Path, sheet: str | int | None) -> tuple[list[str], list[list]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    name = f"{_WHAT} {path.name!r}"
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileFormatError(
            f"{name} is not a readable XLSX workbook ({type(exc).__name__}: {exc}); save it "
            "from a spreadsheet program as .xlsx, or export it as CSV"
        ) from None
    try:
        names = book.sheetnames
        chosen = names[sheet] if isinstance(sheet, int) else (sheet or names[0])
        if chosen not in names:
            raise ParameterError(f"{name} has no sheet {sheet!r}; its sheets: {names}")
        cells = [list(row) for row in book[chosen].iter_rows(values_only=True)]
    except IndexError:
        raise ParameterError(
            f"{name} has {len(book.sheetnames)} sheet(s); sheet={sheet} does not exist"
        ) from None
    finally:
        book.close()
    cells = [[("" if v is None else v) for v in row] for row in cells]
    cells = [row for row in cells if any(str(v).strip() for v in row)]
    if not cells:
        raise EmptyTableError(f"{name}: sheet {chosen!r} is empty")
    header = [str(v).strip() for v in cells[0]]
    if len(cells) == 1:
        raise EmptyTableError(f"{name}: sheet {chosen!r} has a header line but no rows")
    return header, cells[1:]


def _frame(header: list[str], rows: list[list], name: str) -> pd.DataFrame:
    """Rows under their header; empty trailing columns (a separator at line ends) dropped."""
    frame = pd.DataFrame(rows, columns=range(len(header)), dtype=object)
    blank = [i for i, h in enumerate(header) if not h]
    for i in blank:
        if frame[i].map(lambda v: str(v).strip() != "").any():
            raise TableLayoutError(
                f"{name}: column {i + 1} has values but no header; name every column"
            )
    keep = [i for i, h in enumerate(header) if h]
    names = [header[i] for i in keep]
    repeated = sorted(h for h, count in Counter(names).items() if count > 1)
    if repeated:
        raise TableLayoutError(
            f"{name} has more than one column named {repeated}; give each column its own name"
        )
    frame = frame[keep]
    frame.columns = names
    return frame


def _id_column(raw: pd.DataFrame, id_col: str | None, file: str) -> str:
    lower = {str(c).lower(): c for c in raw.columns}
    wanted = (id_col or "ags").lower()
    if wanted not in lower:
        raise MissingColumnError(
            f"{file} has no column {id_col or 'ags'!r} (columns: {list(raw.columns)[:15]}); "
            "name the AGS column with `id_col=`"
        )
    return lower[wanted]


def _keys(
    column: pd.Series, name: str, kreis_lookup: Mapping[str, str] | None, file: str
) -> pd.Series:
    keys = column.map(str).str.strip().str.replace(r"\.0$", "", regex=True)
    short = keys.str.fullmatch(r"[0-9]{5}")
    if short.any():
        if kreis_lookup is None:
            raise MissingIdError(
                f"{file}: {int(short.sum())} key(s) have 5 digits (e.g. "
                f"{keys[short].iloc[0]!r}), a Kreis key; pass `kreis_lookup` mapping them to "
                "8-digit AGS (for a kreisfreie Stadt: key + '000')"
            )
        keys = keys.where(~short, keys[short].map(lambda k: kreis_lookup.get(k, k)))
    try:
        ags = normalize_ags(keys, name)
        require_unique(ags, name, "give each municipality one row")
    except (MissingIdError, DuplicateIdError) as exc:
        raise type(exc)(f"{file}: {exc}") from None
    return ags
