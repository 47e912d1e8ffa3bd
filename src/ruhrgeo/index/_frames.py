"""The one check of every table the index functions take: a DataFrame with rows, unique
index and columns, numbers only (no booleans, no text), finite where present."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ruhrgeo._validate import require_unique
from ruhrgeo.errors import IndicatorValueError


def numeric_table(df: object, what: str = "the indicator table") -> pd.DataFrame:
    """``df`` as floats (NaN = missing), or an :class:`IndicatorValueError` saying why not."""
    if not isinstance(df, pd.DataFrame):
        raise IndicatorValueError(f"{what} must be a DataFrame, got {type(df)}")
    if len(df) == 0 or df.shape[1] == 0:
        raise IndicatorValueError(
            f"{what} has no rows or no columns ({df.shape}); give one row per municipality"
        )
    require_unique(df.index, "index", "give each municipality (AGS) one row")
    doubled = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
    if doubled:
        raise IndicatorValueError(f"{what} has the columns {doubled} more than once")
    bad = [
        c
        for c in df.columns
        if pd.api.types.is_bool_dtype(df[c]) or not pd.api.types.is_numeric_dtype(df[c])
    ]
    if bad:
        raise IndicatorValueError(
            f"{what}: indicator columns must be numeric; not numeric: {bad}; convert them "
            "(read_indicators reads text tables)"
        )
    values = df.astype(float)
    infinite = np.isinf(values.to_numpy())
    if infinite.any():
        listing = "; ".join(
            f"{c}: {', '.join(map(str, values.index[infinite[:, j]][:5]))}"
            for j, c in enumerate(values.columns)
            if infinite[:, j].any()
        )
        raise IndicatorValueError(
            f"{int(infinite.sum())} indicator values are infinite ({listing}); replace them "
            "by the true value or by NaN (missing)"
        )
    return values
