"""The index of regions: municipalities grouped into regions, compared with each other."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ruhrgeo.errors import MissingColumnError, MissingValuesError
from ruhrgeo.index.composite import composite, indicator_values
from ruhrgeo.index.normalise import Method
from ruhrgeo.index.spec import IndicatorSpec, load_spec

__all__ = ["compare_regions"]


def compare_regions(
    df: pd.DataFrame,
    region_of: Mapping[str, str] | pd.Series | str,
    spec: IndicatorSpec | None = None,
    *,
    weight: str | None = "population",
    method: Method = "minmax",
) -> pd.DataFrame:
    """The index of regions: indicators aggregated per region, then normalised across regions.

    Each indicator is the ``weight``-weighted mean of its municipalities' values (plain mean
    with ``weight=None``); the regions' values are then normalised and combined as in
    :func:`composite`, so regions are compared with each other, not with municipalities.

    Parameters
    ----------
    region_of
        AGS -> region, a column of ``df``, or 5-digit Kreis key -> region (mapped through
        the first five digits of the AGS).

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("fttbh", "infrastructure"),))
    >>> df = pd.DataFrame({"fttbh": [80.0, 10.0, 40.0], "population": [1.0, 1.0, 2.0]},
    ...                   index=["05913000", "05911000", "09162000"])
    >>> regions = {"05913000": "Ruhr", "05911000": "Ruhr", "09162000": "München"}
    >>> compare_regions(df, regions, spec)["rank"].to_dict()  # Ruhr 45 % vs München 40 %
    {'Ruhr': 1, 'München': 2}
    """
    spec = spec or load_spec()
    values = indicator_values(df, spec)
    regions = _regions(df, region_of)
    w = pd.Series(1.0, index=df.index) if weight is None else _column(df, weight)
    if (w < 0).any() or w.isna().any():
        raise MissingValuesError(f"`{weight}` must be present and >= 0 for every municipality")
    grouped = values.mul(w, axis=0).groupby(regions).sum().div(w.groupby(regions).sum(), axis=0)
    out = composite(grouped, spec, method=method)
    out.insert(0, "municipalities", regions.value_counts().reindex(out.index))
    out.index.name = "region"
    return out.sort_values("rank")


def _regions(df: pd.DataFrame, region_of: Mapping[str, str] | pd.Series | str) -> pd.Series:
    if isinstance(region_of, str):
        if region_of not in df.columns:
            raise MissingColumnError(f"the table has no column {region_of!r}")
        regions = df[region_of]
    else:
        mapping = pd.Series(region_of)
        by_kreis = bool((mapping.index.astype(str).str.len() == 5).all())
        keys = df.index.str[:5] if by_kreis else df.index
        regions = pd.Series(keys.map(mapping), index=df.index)
    if regions.isna().any():
        missing = list(df.index[regions.isna().to_numpy()][:10])
        raise MissingValuesError(f"no region for the AGS {missing}; extend `region_of`")
    return regions.rename("region")


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        raise MissingColumnError(f"the table has no column {name!r}")
    return pd.to_numeric(df[name], errors="coerce")
