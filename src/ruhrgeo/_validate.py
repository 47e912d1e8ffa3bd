"""Checks shared by every entry point; each raises one of :mod:`ruhrgeo.errors`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyproj

from ruhrgeo.errors import (
    CRSMissingError,
    DataFileNotFoundError,
    DuplicateIdError,
    MissingColumnError,
    MissingIdError,
    MissingValuesError,
    StatisticsError,
    TooFewObservationsError,
    UnusableCRSError,
)

AGS_LENGTH = 8
MIN_OBSERVATIONS = 8  # fewer units carry no spatial pattern worth testing


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
    """Areas need metres: refuse geographic CRSs."""
    if not crs.is_projected:
        raise UnusableCRSError(
            f"`{name}` is in {crs.to_string()}, a geographic CRS whose cells are not of equal "
            "area; reproject it to a projected CRS first (e.g. `gdalwarp -t_srs EPSG:25832`)"
        )


def existing_path(source: str | os.PathLike[str], name: str) -> Path:
    """Return ``source`` as a Path, or raise if it does not exist (``/vsi`` paths pass)."""
    text = os.fspath(source)
    if text.startswith(("/vsi", "zip://")):
        return Path(text)
    path = Path(text).expanduser()
    if not path.exists():
        raise DataFileNotFoundError(f"`{name}`: no file at {text!r}; check the path")
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
    bad = ~text.str.fullmatch(r"\d{7,8}")
    if bad.any():
        examples = sorted(set(values[bad].astype(str)))[:5]
        raise MissingIdError(
            f"`{name}` has {int(bad.sum())} value(s) that are not an AGS of 7 or 8 digits, "
            f"e.g. {examples}; give the 8-digit Amtlicher Gemeindeschlüssel ('05913000')"
        )
    return text.str.zfill(AGS_LENGTH)


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


def column_values(gdf: pd.DataFrame, column: str) -> pd.Series:
    """The validated numeric values of ``column``, indexed like ``gdf``."""
    require_unique(gdf.index, "index", "index the municipalities by AGS (read_municipalities)")
    if column not in gdf.columns:
        raise MissingColumnError(
            f"`column` {column!r} is not in the data; columns: {[c for c in gdf.columns][:20]}"
        )
    y = pd.to_numeric(gdf[column], errors="coerce").astype(float)
    if y.isna().any():
        missing = list(y.index[y.isna()][:10])
        raise MissingValuesError(
            f"`{column}` is missing or not numeric for {int(y.isna().sum())} municipalities: "
            f"{missing}; fill them or drop those rows first"
        )
    if len(y) < MIN_OBSERVATIONS:
        raise TooFewObservationsError(
            f"{len(y)} observations of `{column}`; spatial statistics need at least "
            f"{MIN_OBSERVATIONS}"
        )
    if np.isclose(y.std(), 0):
        raise StatisticsError(f"`{column}` is constant ({y.iloc[0]}); nothing to test")
    return y
