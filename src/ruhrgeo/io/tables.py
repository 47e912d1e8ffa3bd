"""Indicator tables keyed by AGS (CSV, XLSX) as the statistical offices publish them."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ruhrgeo._validate import existing_path, normalize_ags, require_unique
from ruhrgeo.errors import (
    FileFormatError,
    MissingColumnError,
    MissingIdError,
    MissingValuesWarning,
    ParameterError,
)

__all__ = ["MISSING_MARKERS", "read_indicators"]

# Markers the statistical offices use for missing or secret values
MISSING_MARKERS = ("", "-", ".", "x", "/", "...", "–", "—")


def read_indicators(
    path: str | os.PathLike[str],
    *,
    id_col: str | None = None,
    sheet: str | int | None = None,
    kreis_lookup: Mapping[str, str] | None = None,
    decimal: str | None = None,
) -> pd.DataFrame:
    """Read an indicator table (CSV or XLSX) into a DataFrame indexed by AGS.

    Parameters
    ----------
    path
        A ``.csv`` (separator ``;``, ``,`` or tab, detected) or ``.xlsx`` file.
    id_col
        The key column; default a column named ``ags`` (any case).
    sheet
        The worksheet of an XLSX file (default the first).
    kreis_lookup
        Maps 5-digit keys (kreisfreie Städte in Regionalstatistik tables) to 8-digit AGS,
        e.g. ``{"05913": "05913000"}``. Without it, 5-digit keys are an error.
    decimal
        ``","`` or ``"."``. Default: ``","`` for ``;``-separated files (German exports, with
        ``.`` as thousands separator), else ``"."`` (with ``,`` as thousands separator).

    Returns
    -------
    pandas.DataFrame
        Indexed by 8-character AGS; numeric columns as float. Cells marked ``-``, ``.``,
        ``x``, ``/``, ``...`` or empty are NaN and reported in one
        :class:`MissingValuesWarning` (and in ``df.attrs["missing"]``). Text columns that are
        not numbers at all (names) stay text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("AGS;Name;Jobs\\n5913000;Dortmund;1.234,5\\n05911000;Bochum;980\\n")
    >>> read_indicators(p)["Jobs"].tolist()
    [1234.5, 980.0]
    """
    source = existing_path(path, "path")
    raw, sep = _read_raw(source, sheet)
    id_column = _id_column(raw, id_col, source)
    keys = raw[id_column].astype(str).str.strip()
    keys = keys.str.replace(r"\.0$", "", regex=True)
    short = keys.str.fullmatch(r"\d{5}")
    if short.any():
        if kreis_lookup is None:
            raise MissingIdError(
                f"{source.name}: {int(short.sum())} key(s) have 5 digits (e.g. "
                f"{keys[short].iloc[0]!r}), a Kreis key; pass `kreis_lookup` mapping them to "
                "8-digit AGS (for a kreisfreie Stadt: key + '000')"
            )
        keys = keys.where(~short, keys[short].map(lambda k: kreis_lookup.get(k, k)))
    ags = normalize_ags(keys, id_column)
    require_unique(ags, id_column, "give each municipality one row")
    decimal = decimal or ("," if sep == ";" else ".")
    if decimal not in (",", "."):
        raise ParameterError(f"`decimal` must be ',' or '.', got {decimal!r}")
    out = pd.DataFrame(index=pd.Index(ags.to_numpy(), name="ags"))
    missing: dict[str, list[str]] = {}
    for column in raw.columns.drop(id_column):
        values, gaps = _numeric(raw[column], decimal)
        if values is None:
            out[column] = raw[column].to_numpy()
            continue
        out[column] = values.to_numpy()
        if gaps.any():
            missing[str(column)] = list(out.index[gaps.to_numpy()])
    if missing:
        text = "; ".join(f"{c}: {len(a)} ({', '.join(a[:5])})" for c, a in missing.items())
        warnings.warn(
            f"{source.name}: cells marked missing read as NaN: {text}",
            MissingValuesWarning,
            stacklevel=2,
        )
    out.attrs["missing"] = missing
    return out


def _read_raw(path: Path, sheet: str | int | None) -> tuple[pd.DataFrame, str | None]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=object)
        return frame.map(lambda v: "" if pd.isna(v) else str(v)), None
    if suffix not in (".csv", ".txt"):
        raise FileFormatError(f"{path.name}: indicator tables must be .csv or .xlsx")
    with open(path, encoding="utf-8-sig") as fh:
        header = fh.readline()
    sep = max((";", ",", "\t"), key=header.count)
    frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame, sep


def _id_column(raw: pd.DataFrame, id_col: str | None, path: Path) -> str:
    lower = {str(c).lower(): c for c in raw.columns}
    wanted = (id_col or "ags").lower()
    if wanted not in lower:
        raise MissingColumnError(
            f"{path.name} has no column {id_col or 'ags'!r} (columns: {list(raw.columns)[:15]}); "
            "name the AGS column with `id_col=`"
        )
    return lower[wanted]


_NUMBER = {
    ",": re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$"),
    ".": re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?$"),
}


def _numeric(column: pd.Series, decimal: str) -> tuple[pd.Series | None, pd.Series]:
    """Numbers of a text column (None for a text column), and where missing markers were."""
    text = column.astype(str).str.strip()
    marked = text.isin(MISSING_MARKERS)
    candidates = text[~marked]
    ok = candidates.str.match(_NUMBER[decimal])
    if not ok.any():
        return None, marked
    if not ok.all():
        bad = candidates[~ok]
        raise FileFormatError(
            f"column {column.name!r} mixes numbers and text: {bad.iloc[0]!r} in row "
            f"{bad.index[0] + 2}; mark missing values with '-', '.' or 'x', or fix the value"
        )
    thousands = "." if decimal == "," else ","
    cleaned = candidates.str.replace(thousands, "", regex=False)
    if decimal == ",":
        cleaned = cleaned.str.replace(",", ".", regex=False)
    values = pd.Series(float("nan"), index=column.index)
    values[~marked] = cleaned.astype(float)
    return values, marked
