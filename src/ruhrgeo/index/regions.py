"""Regions compared with each other: weighted means per region of the areas that belong to it
(see :mod:`ruhrgeo.index.membership`), the regions' index."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ruhrgeo._validate import require_unique
from ruhrgeo._warn import warn
from ruhrgeo.errors import (
    MissingColumnError,
    MissingValuesError,
    ParameterError,
    RegionMatchWarning,
)
from ruhrgeo.index.composite_index import composite
from ruhrgeo.index.membership import Membership, region_members
from ruhrgeo.index.spec import IndicatorSpec
from ruhrgeo.index.spec_files import load_spec

__all__ = ["compare_regions", "region_means"]


def region_means(
    df: pd.DataFrame,
    membership: Membership,
    *,
    columns: list[str] | None = None,
    weighted_by: str | pd.Series | None = "population",
) -> pd.DataFrame:
    """Weighted means of indicator values per region.

    Parameters
    ----------
    df
        Indicator values per municipality, indexed by AGS (e.g. percent of households).
    membership
        See :func:`region_members`.
    columns
        The columns to average (default every numeric column but `weighted_by`).
    weighted_by
        A column of ``df`` or a Series indexed by AGS (population, households) with
        non-negative finite weights, or None for plain means. Municipalities of a region
        without a weight (NaN, e.g. keys of another territorial status) are left out of its
        means with a :class:`~ruhrgeo.errors.RegionMatchWarning`, as are members for which
        ``df`` holds no municipality.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``region`` in order of appearance: ``municipalities`` (how many were
        averaged), ``weight`` (their sum; the count for plain means) and one column per
        averaged column. ``attrs``: ``unmatched`` (members without data), ``unweighted``
        (region -> AGS left out for lack of weight), ``shared`` (district -> the regions
        that share it).

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        A column or ``weighted_by`` is not in the table.
    ruhrgeo.errors.MissingValuesError
        No unit belongs to a region, or the regions' units lack values.
    ruhrgeo.errors.ParameterError
        Weights that are negative or infinite.
    ruhrgeo.errors.DuplicateIdError
        The table repeats a key.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"fttbh": [80.0, 10.0, 40.0], "population": [1.0, 3.0, 2.0]},
    ...                   index=["05913000", "05911000", "09162000"])
    >>> regions = {"05913": "Ruhr", "05911": "Ruhr", "09162": "München"}
    >>> region_means(df, regions)["fttbh"].to_dict()  # (80 * 1 + 10 * 3) / 4 = 27.5
    {'Ruhr': 27.5, 'München': 40.0}
    """
    return _means(df, membership, columns, weighted_by)


def _means(
    df: pd.DataFrame,
    membership: Membership,
    columns: list[str] | None,
    weighted_by: str | pd.Series | None,
) -> pd.DataFrame:
    """region_means' work, called by it and by compare_regions (warnings name their caller)."""
    require_unique(df.index, "index", "index the municipalities by AGS, once each")
    weights = _weights(df, weighted_by)
    names = columns if columns is not None else _numeric_columns(df, weighted_by)
    absent = [c for c in names if c not in df.columns]
    if absent or not names:
        raise MissingColumnError(
            f"`columns` {absent or names} not in the table (columns: {list(df.columns)[:20]})"
        )
    values = df[names].apply(pd.to_numeric, errors="coerce").astype(float)
    pairs = region_members(membership, df)
    key = pairs.columns[1]
    if pairs.empty:
        raise MissingValuesError(
            "no municipality of the table belongs to any region of `membership`; "
            "check that both use the same keys (8-digit AGS, 5-digit district keys)"
        )
    in_regions = values.loc[pairs[key].unique()]
    if not np.isfinite(in_regions.to_numpy()).all():
        bad = in_regions.index[~np.isfinite(in_regions.to_numpy()).all(axis=1)]
        raise MissingValuesError(
            f"{len(bad)} municipalities of the regions have missing or infinite values "
            f"(e.g. {list(bad[:5])}); fill or drop them first"
        )
    w = weights.reindex(pairs[key]).to_numpy()
    unweighted = pairs[np.isnan(w)]
    label = (
        weighted_by
        if isinstance(weighted_by, str)
        else getattr(weighted_by, "name", None) or "weight"
    )
    order = pairs.attrs.get("regions") or list(dict.fromkeys(pairs["region"]))
    empty = [r for r in order if r not in set(pairs["region"])]
    used = pairs[~np.isnan(w)].assign(w=w[~np.isnan(w)])
    used = used.join(values, on=key)
    weight_of = used.groupby("region", sort=False)["w"].sum()
    weightless = [r for r in order if r not in empty and not weight_of.get(r, 0) > 0]
    _warn(pairs.attrs["unmatched"], unweighted, label, empty, weightless)
    grouped = used.groupby("region", sort=False)
    sums = used[names].mul(used["w"], axis=0).groupby(used["region"], sort=False).sum()
    total = grouped["w"].sum()
    means = sums.div(total.where(total > 0), axis=0)
    out = pd.DataFrame(
        {"municipalities": grouped.size(), "weight": total}, index=pd.Index(order, name="region")
    ).join(means)
    out["municipalities"] = out["municipalities"].fillna(0).astype(int)
    out.attrs = {
        "unmatched": list(pairs.attrs["unmatched"]),
        "unweighted": unweighted.groupby("region")[key].apply(list).to_dict(),
        "shared": _shared(pairs),
        "empty": empty,
        "weightless": weightless,
    }
    return out


def _weights(df: pd.DataFrame, weighted_by: str | pd.Series | None) -> pd.Series:
    if weighted_by is None:
        return pd.Series(1.0, index=df.index)
    if isinstance(weighted_by, str):
        if weighted_by not in df.columns:
            raise MissingColumnError(
                f"`weighted_by` {weighted_by!r} is not a column of the table; join the population "
                "first (e.g. ruhrgeo.datasets.germany_municipalities()['population']) or "
                "pass weighted_by=None"
            )
        series = df[weighted_by]
    else:
        series = pd.Series(weighted_by)
        require_unique(series.index, "weight", "give one weight per municipality")
    values = pd.to_numeric(series, errors="coerce").astype(float)
    bad = (values < 0) | np.isinf(values) | (series.notna() & values.isna())
    if bad.any():
        raise ParameterError(
            f"`weighted_by` must be finite and >= 0 (NaN: no weight); {int(bad.sum())} are not, "
            f"e.g. {series[bad].index[0]}: {series[bad].iloc[0]!r}"
        )
    return values


def _numeric_columns(df: pd.DataFrame, weighted_by: str | pd.Series | None) -> list[str]:
    skip = {weighted_by} if isinstance(weighted_by, str) else set()
    return [c for c in df.select_dtypes("number").columns if c not in skip]


def _warn(
    unmatched: list[str],
    unweighted: pd.DataFrame,
    weighted_by: str,
    empty: list[str],
    weightless: list[str],
) -> None:
    parts = []
    if empty:
        parts.append(
            f"{len(empty)} region(s) have no municipality in the table at all ({empty[:6]}): "
            "their means are NaN"
        )
    if weightless:
        parts.append(
            f"the `{weighted_by}` of every municipality of {len(weightless)} region(s) is 0 "
            f"({weightless[:6]}; no inhabitants?): their means are NaN"
        )
    if unmatched:
        parts.append(
            f"{len(unmatched)} member(s) have no municipality in the table ({unmatched[:6]}) "
            "and are left out of their regions' means"
        )
    if len(unweighted):
        examples = (unweighted["region"] + ": " + unweighted.iloc[:, 1].astype(str)).tolist()[:6]
        parts.append(
            f"{len(unweighted)} municipalities of the regions have no `{weighted_by}` ({examples}; "
            "keys of another territorial status?) and are left out of their regions' means"
        )
    if parts:
        warn("; ".join(parts) + " (listed in the result's attrs)", RegionMatchWarning)


def _shared(pairs: pd.DataFrame) -> dict[str, list[str]]:
    """District -> the regions sharing it (municipal keys only: others have no district)."""
    if pairs.columns[1] != "ags":
        return {}
    counts = pairs.groupby("ags")["region"].apply(lambda r: tuple(sorted(set(r))))
    shared = counts[counts.map(len) > 1]
    by_kreis = shared.groupby(shared.index.str[:5]).first()
    return {k: list(v) for k, v in by_kreis.items()}


def compare_regions(
    df: pd.DataFrame,
    membership: Membership,
    spec: IndicatorSpec | None = None,
    *,
    weighted_by: str | pd.Series | None = "population",
    normalization: str = "minmax",
) -> pd.DataFrame:
    """The index of regions: indicators averaged per region, then normalized across regions.

    Each indicator of ``spec`` is the mean weighted by ``weighted_by`` over a region's
    municipalities (:func:`region_means`); the regions' values are then normalized and
    combined with :func:`~ruhrgeo.index.composite`, so regions are compared with each other,
    not with municipalities.

    Parameters
    ----------
    df
        One column per indicator of ``spec``, indexed by AGS, and the column of `weighted_by`.
    membership
        A membership table (:func:`ruhrgeo.datasets.metropolitan_regions`), a mapping AGS
        or district key -> region, or a column name (see :func:`region_members`).
    spec
        The indicators; default the Digital-Index Ruhr spec.
    weighted_by
        Population or households per municipality (column name or Series), or None.
    normalization
        The normalization across regions (see :func:`~ruhrgeo.index.normalize`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``region``, best first: ``municipalities``, ``weight``, the indicators'
        weighted means, then :func:`~ruhrgeo.index.composite`'s columns (one per area,
        ``index``, ``rank``, ``above_average``). ``attrs`` as :func:`region_means`.

    Raises
    ------
    ruhrgeo.errors.MissingValuesError
        No unit of the table belongs to a region, or the regions' units lack values.
    ruhrgeo.errors.ParameterError
        Weights that are negative or infinite, empty or weightless regions.

    ruhrgeo.errors.MissingColumnError
        The table lacks an indicator of the spec.
    ruhrgeo.errors.IndicatorValueError
        An indicator column is not numeric, or holds infinite values.
    ruhrgeo.errors.MethodError
        A choice is unknown or its parameters do not fit.
    ruhrgeo.errors.MissingValuesError
        Values are missing and ``missing="error"``.
    ruhrgeo.errors.StatisticsError
        A normalizer cannot scale an indicator (one value, no spread).

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("fttbh", "infrastructure"),))
    >>> df = pd.DataFrame({"fttbh": [80.0, 10.0, 40.0], "population": [1.0, 1.0, 2.0]},
    ...                   index=["05913000", "05911000", "09162000"])
    >>> regions = {"05913": "Ruhr", "05911": "Ruhr", "09162": "München"}
    >>> compare_regions(df, regions, spec)[["fttbh", "rank"]]  # Ruhr 45 % vs München 40 %
              fttbh  rank
    region
    Ruhr       45.0     1
    München    40.0     2
    """
    spec = spec or load_spec()
    names = spec.names()
    means = _means(df, membership, names, weighted_by)
    if means.attrs["empty"] or means.attrs["weightless"]:
        raise MissingValuesError(
            f"regions without any municipality in the table ({means.attrs['empty'][:6]}) or "
            f"whose `{weighted_by}` is 0 for all of them ({means.attrs['weightless'][:6]}) "
            "cannot be ranked; drop them from `membership`"
        )
    index = composite(means[names], spec, normalization=normalization)
    clash = sorted(set(index.columns) & set(means.columns))
    if clash:
        raise ParameterError(
            f"indicator names {clash} are also the names of the index's columns; rename them"
        )
    out = means.join(index)
    out.index.name = "region"
    out.attrs = means.attrs
    return out.sort_values(["rank", "index"], ascending=[True, False], kind="stable")
