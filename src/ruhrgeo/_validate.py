"""Checks shared by every entry point; each raises one of :mod:`ruhrgeo.errors`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyproj

from ruhrgeo.errors import (
    ConstantValuesError,
    CRSMissingError,
    DataFileNotFoundError,
    DuplicateIdError,
    InfiniteValuesError,
    InputTypeError,
    MissingColumnError,
    MissingIdError,
    MissingValuesError,
    TooFewObservationsError,
    UnusableCRSError,
    ValueRangeError,
)

AGS_LENGTH = 8
MIN_OBSERVATIONS = 8  # fewer units carry no spatial pattern worth testing
CONSTANT_RTOL = 1e-12  # a range this small relative to the largest |value| is rounding


def as_crs(value: Any, name: str) -> pyproj.CRS:
    """Turn anything :func:`pyproj.CRS.from_user_input` takes into a CRS."""
    if value is None:
        raise CRSMissingError(f"`{name}` has no CRS; give one, e.g. 25832 or 'EPSG:25832'")
    try:
        return pyproj.CRS.from_user_input(value)
    except pyproj.exceptions.CRSError as exc:
        raise UnusableCRSError(
            f"`{name}`: {value!r} is not a CRS pyproj understands ({exc}); "
            "give an EPSG code such as 25832"
        ) from None


def require_projected(crs: pyproj.CRS, name: str) -> None:
    """Areas need meters: refuse geographic CRSs."""
    if not crs.is_projected:
        raise UnusableCRSError(
            f"`{name}` is in {crs.to_string()}, a geographic CRS whose cells are not of equal "
            "area; reproject it to a projected CRS first (e.g. `gdalwarp -t_srs EPSG:25832`)"
        )


def existing_path(source: str | os.PathLike[str], name: str, *, folder_ok: bool = False) -> Path:
    """Return ``source`` as a Path, or raise if it does not exist or, unless ``folder_ok``
    (vector formats stored as folders), is a folder (``/vsi`` paths pass)."""
    if not isinstance(source, str | os.PathLike):
        raise InputTypeError(f"`{name}` must be a file path, got {type(source).__name__}")
    text = os.fspath(source)
    if text.startswith(("/vsi", "zip://")):
        return Path(text)
    path = Path(text).expanduser()
    if not path.exists():
        raise DataFileNotFoundError(f"`{name}`: no file at {text!r}; check the path")
    if path.is_dir() and not folder_ok:
        raise DataFileNotFoundError(f"`{name}`: {text!r} is a folder, not a file; give a file")
    return path


def normalize_ags(values: pd.Series, name: str = "ags") -> pd.Series:
    """Return the 8-character AGS of each value, restoring a lost leading zero.

    Integers, floats without a fraction (``5913000.0``) and strings are accepted; a key of
    seven digits gets its leading zero back. Anything else raises :class:`MissingIdError`
    naming the offending values.

    Examples
    --------
    >>> import pandas as pd
    >>> normalize_ags(pd.Series([5913000, "05911000", " 5112000 ", 5513000.0])).tolist()
    ['05913000', '05911000', '05112000', '05513000']
    """
    missing = values.isna()
    if missing.any():
        rows = np.flatnonzero(missing.to_numpy())[:5].tolist()
        raise MissingIdError(
            f"`{name}` is missing in {int(missing.sum())} row(s) (positions {rows}); "
            "every municipality needs its 8-digit AGS"
        )
    text = values.map(_ags_text).astype(str)
    bad = ~text.str.fullmatch(r"[0-9]{7,8}")  # ASCII digits: a full-width key joins nothing
    if bad.any():
        examples = sorted(set(values[bad].astype(str)))[:5]
        raise MissingIdError(
            f"`{name}` has {int(bad.sum())} value(s) that are not an AGS of 7 or 8 digits, "
            f"e.g. {examples}; give the 8-digit Amtlicher Gemeindeschlüssel ('05913000')"
        )
    ags = text.str.zfill(AGS_LENGTH)
    totals = ags == "00000000"
    if totals.any():
        raise MissingIdError(
            f"`{name}` holds the key 00000000 (Germany, a row of totals) in "
            f"{int(totals.sum())} row(s); drop the totals row: it is no municipality"
        )
    return ags


def _ags_text(value: Any) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def require_unique(ids: pd.Index | pd.Series, name: str, hint: str) -> None:
    """Raise :class:`DuplicateIdError` naming the repeated ids."""
    dup = pd.Index(ids)[pd.Index(ids).duplicated()].unique()
    if len(dup):
        shown = ", ".join(map(str, list(dup[:10])))
        raise DuplicateIdError(f"`{name}` has {len(dup)} duplicated id(s): {shown}; {hint}")


def column_values(gdf: pd.DataFrame, column: str, *, counts: bool = False) -> pd.Series:
    """The validated numeric values of ``column``, indexed like ``gdf``.

    Refuses a repeated index, a missing column, missing or non-numeric values, infinite
    values, fewer than :data:`MIN_OBSERVATIONS` rows and values that do not vary relative
    to their scale (a column times 1e-10 still varies; one of identical values does not)
    or whose 4th powers (in the statistics' moments) overflow or underflow. ``counts=True``
    (events and bases of rates) keeps only the first three checks: a base may be constant.

    Examples
    --------
    >>> import pandas as pd
    >>> column_values(pd.DataFrame({"v": [float(i) * 1e-10 for i in range(8)]}), "v").tolist()[1]
    1e-10
    """
    require_unique(gdf.index, "index", "index the areas by their key, once each")
    if not isinstance(column, str) or column not in gdf.columns:
        raise MissingColumnError(
            f"`column` {column!r} is not in the data; columns: {[c for c in gdf.columns][:20]}"
        )
    raw = gdf[column]
    if isinstance(raw, pd.DataFrame):
        raise DuplicateIdError(
            f"the data have {raw.shape[1]} columns named {column!r}; rename them"
        )
    y = pd.to_numeric(raw, errors="coerce").astype(float)
    if y.isna().any():
        text = raw[y.isna() & raw.notna()]
        hint = (
            f"; not numeric: {sorted(set(text.astype(str)))[:5]} (a decimal comma? read "
            "tables with ruhrgeo.read_indicators)"
            if len(text)
            else ""
        )
        missing = list(y.index[y.isna()][:10])
        raise MissingValuesError(
            f"`{column}` is missing or not numeric for {int(y.isna().sum())} municipalities: "
            f"{missing}{hint}; fill them or drop those rows first"
        )
    infinite = np.isinf(y.to_numpy())
    if infinite.any():
        raise InfiniteValuesError(
            f"`{column}` is infinite for {int(infinite.sum())} municipalities: "
            f"{list(y.index[infinite][:10])} (a division by zero upstream?); replace or drop "
            "those values first"
        )
    if counts:
        return y
    if len(y) < MIN_OBSERVATIONS:
        raise TooFewObservationsError(
            f"{len(y)} observations of `{column}`; spatial statistics need at least "
            f"{MIN_OBSERVATIONS}"
        )
    values = y.to_numpy()
    if np.ptp(values) <= CONSTANT_RTOL * np.abs(values).max():
        raise ConstantValuesError(
            f"`{column}` is constant ({values[0]:g} in all {len(y)} municipalities, up to "
            "rounding); nothing to test"
        )
    with np.errstate(all="ignore"):
        m4 = np.mean((values - values.mean()) ** 4)
    if not np.isfinite(m4) or m4 < np.finfo(float).tiny:
        raise ValueRangeError(
            f"`{column}` ranges from {values.min():g} to {values.max():g}: too large or too "
            "small for the statistics' moments (4th powers overflow or underflow); fix "
            "fill values or rescale the column"
        )
    return y
