"""Releases as a panel: one long table (area x release x indicator) in and out, and the index
of every release, each normalized alone or all on common bounds (COINr's panel)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ruhrgeo._params import choice
from ruhrgeo._validate import require_unique
from ruhrgeo.errors import MissingColumnError, ParameterError
from ruhrgeo.index.composite_index import composite
from ruhrgeo.index.spec import IndicatorSpec

__all__ = ["index_panel", "stack_releases", "unstack_releases"]

LONG_COLUMNS = ("release", "indicator", "value")
_SEPARATOR = "\x1f"  # joins release and key in the pooled table: in no key or release name


def stack_releases(
    releases: Mapping[str, pd.DataFrame], *, columns: list[str] | None = None
) -> pd.DataFrame:
    """The long table of several releases: one row per area, release and indicator.

    Parameters
    ----------
    releases
        Release name (e.g. ``"2021-06"``, in time order) -> table indexed by the areas' key.
    columns
        The indicators to keep (default: the numeric columns every release has).

    Returns
    -------
    pandas.DataFrame
        Columns: the key (the tables' index name, else ``key``), ``release``, ``indicator``,
        ``value``; releases in the given order. :func:`unstack_releases` turns it back.

    Raises
    ------
    ruhrgeo.errors.ParameterError
        Not a mapping of named tables, or tables keyed by different index names.
    ruhrgeo.errors.MissingColumnError
        A column missing in a release, or no numeric column in common.

    Examples
    --------
    >>> import pandas as pd
    >>> old = pd.DataFrame({"fttbh": [5.0, 40.0]}, index=pd.Index(["a", "b"], name="ags"))
    >>> new = pd.DataFrame({"fttbh": [60.0, 45.0]}, index=pd.Index(["a", "b"], name="ags"))
    >>> long = stack_releases({"2019-12": old, "2021-06": new})
    >>> long.values.tolist()[:2]
    [['a', '2019-12', 'fttbh', 5.0], ['b', '2019-12', 'fttbh', 40.0]]
    """
    frames = _releases(releases)
    names = _common_columns(frames, columns)
    key = next(iter(frames.values())).index.name or "key"
    parts = []
    for release, frame in frames.items():
        part = (
            frame[names]
            .rename_axis(key)
            .reset_index()
            .melt(id_vars=key, var_name="indicator", value_name="value")
        )
        part.insert(1, "release", release)
        parts.append(part)
    long = pd.concat(parts, ignore_index=True)
    order = {name: i for i, name in enumerate(names)}
    long = long.sort_values(
        ["release", "indicator"],
        key=lambda c: (
            c.map({r: i for i, r in enumerate(frames)}) if c.name == "release" else c.map(order)
        ),
        kind="stable",
        ignore_index=True,
    )
    long["value"] = long["value"].astype(float)
    return long


def unstack_releases(long: pd.DataFrame, indicator: str | None = None) -> Any:
    """The wide tables of a long release table: release -> table (areas x indicators), or, for
    one ``indicator``, one table of areas x releases (the input of
    :func:`~ruhrgeo.index.markov` and :func:`~ruhrgeo.index.rank_mobility`).

    Parameters
    ----------
    long
        A long release table (:func:`stack_releases`).
    indicator
        One indicator: a table areas x releases; None: every release as a table.

    Returns
    -------
    pandas.DataFrame or dict of str to pandas.DataFrame
        The wide table(s), areas in the long table's order.

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        Not a long release table, or no such indicator.
    ruhrgeo.errors.DuplicateIdError
        An area with two values for one release and indicator.

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"ags": ["a", "b", "a", "b"], "release": ["r1", "r1", "r2", "r2"],
    ...                      "indicator": "fttbh", "value": [5.0, 40.0, 60.0, 45.0]})
    >>> unstack_releases(long, "fttbh").to_dict("list")
    {'r1': [5.0, 40.0], 'r2': [60.0, 45.0]}
    >>> unstack_releases(long)["r2"]["fttbh"].tolist()
    [60.0, 45.0]
    """
    if not isinstance(long, pd.DataFrame):
        raise ParameterError(f"`long` must be a long release table, got {type(long).__name__}")
    absent = [c for c in LONG_COLUMNS if c not in long.columns]
    keys = [c for c in long.columns if c not in LONG_COLUMNS]
    if absent or len(keys) != 1:
        raise MissingColumnError(
            f"a long release table has a key column and {list(LONG_COLUMNS)}; got "
            f"{list(long.columns)}"
        )
    key = keys[0]
    require_unique(
        pd.Index(long[[key, "release", "indicator"]].astype(str).agg("|".join, axis=1)),
        "key / release / indicator",
        "give each area one value per release and indicator",
    )
    releases = list(dict.fromkeys(long["release"]))
    if indicator is not None:
        rows = long[long["indicator"] == indicator]
        if rows.empty:
            raise MissingColumnError(
                f"the release table has no indicator {indicator!r}; it has "
                f"{sorted(set(long['indicator']))[:20]}"
            )
        wide = rows.pivot(index=key, columns="release", values="value")
        wide = wide.reindex(list(dict.fromkeys(rows[key])))  # the table's order, not sorted
        return wide[[r for r in releases if r in wide.columns]].rename_axis(columns=None)
    out = {}
    for release in releases:
        rows = long[long["release"] == release]
        wide = rows.pivot(index=key, columns="indicator", values="value")
        wide = wide.reindex(list(dict.fromkeys(rows[key])))
        indicators = list(dict.fromkeys(rows["indicator"]))
        out[release] = wide[indicators].rename_axis(columns=None)
    return out


def index_panel(
    releases: Mapping[str, pd.DataFrame],
    spec: IndicatorSpec | None = None,
    *,
    bounds: str = "each",
    **choices: Any,
) -> pd.DataFrame:
    """The composite index of every release, in one long table.

    Parameters
    ----------
    releases
        Release -> indicator table (indexed by the areas' key), in time order.
    spec
        The indicator spec (default the Digital-Index Ruhr's).
    bounds
        ``"each"``: every release normalized alone (ranks within a release; the scores of
        two releases are not comparable); ``"pooled"``: all releases normalized together, on
        the minimum and maximum over every release (as a COINr panel), so that a score that
        rose means the values rose.
    **choices
        Index choices as for :func:`~ruhrgeo.index.composite` (``normalization=``, ...).

    Returns
    -------
    pandas.DataFrame
        Columns: the key, ``release``, every aggregate, ``index``, ``rank`` (within its
        release) and ``above_average``.

    Raises
    ------
    ruhrgeo.errors.ParameterError
        ``releases`` is not a mapping of named tables, or an unknown ``bounds``.

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
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "x")))
    >>> keys = pd.Index(["p", "q", "r"], name="ags")
    >>> old = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 3.0, 2.0]}, index=keys)
    >>> new = old + 1
    >>> panel = index_panel({"2019": old, "2021": new}, spec, bounds="pooled")
    >>> panel.pivot(index="ags", columns="release", values="index").round(1).to_dict("list")
    {'2019': [0.0, 50.0, 50.0], '2021': [33.3, 83.3, 83.3]}
    """
    frames = _releases(releases)
    bounds = choice(bounds, "bounds", ("each", "pooled"))
    key = next(iter(frames.values())).index.name or "key"
    if bounds == "each":
        parts = []
        for release, frame in frames.items():
            scores = composite(frame, spec, **choices).rename_axis(key).reset_index()
            scores.insert(1, "release", release)
            parts.append(scores)
        return pd.concat(parts, ignore_index=True)
    pooled = pd.concat(
        [
            frame.set_axis(frame.index.astype(str) + _SEPARATOR + release)
            for release, frame in frames.items()
        ]
    )
    scores = composite(pooled.rename_axis(key), spec, **choices)
    split = scores.index.str.rsplit(_SEPARATOR, n=1)
    originals = {
        f"{k}{_SEPARATOR}{release}": k for release, frame in frames.items() for k in frame.index
    }
    scores.insert(0, "release", [parts[1] for parts in split])
    scores.insert(0, key, [originals[i] for i in scores.index])
    scores = scores.reset_index(drop=True)
    ranks = scores.groupby("release", sort=False)["index"].rank(ascending=False, method="min")
    scores["rank"] = ranks.astype("Int64")
    means = scores.groupby("release", sort=False)["index"].transform("mean")
    scores["above_average"] = scores["index"] > means
    return scores


def _releases(releases: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    if not isinstance(releases, Mapping) or not releases:
        raise ParameterError(
            "`releases` must be a non-empty mapping release -> table, e.g. "
            "{'2019-12': old, '2021-06': new}"
        )
    frames = {}
    for release, frame in releases.items():
        if not isinstance(release, str) or not release.strip() or _SEPARATOR in release:
            raise ParameterError(f"release names must be non-empty texts, got {release!r}")
        if not isinstance(frame, pd.DataFrame):
            raise ParameterError(
                f"release {release!r} must be a table indexed by the areas' key, got "
                f"{type(frame).__name__}"
            )
        require_unique(frame.index, f"release {release!r}", "give each area one row")
        frames[release] = frame
    names = {frame.index.name for frame in frames.values()}
    if len(names) > 1:
        raise ParameterError(
            f"the releases are keyed by different index names {sorted(map(str, names))}"
        )
    return frames


def _common_columns(frames: dict[str, pd.DataFrame], columns: list[str] | None) -> list[str]:
    if columns is None:
        numeric = [set(f.select_dtypes("number").columns) for f in frames.values()]
        first = next(iter(frames.values()))
        names = [c for c in first.columns if all(c in n for n in numeric)]
        if not names:
            raise MissingColumnError("the releases have no numeric column in common")
        return names
    if isinstance(columns, str) or not columns:
        raise ParameterError(f"`columns` must be a non-empty list of names, got {columns!r}")
    for release, frame in frames.items():
        absent = [c for c in columns if c not in frame.columns]
        if absent:
            raise MissingColumnError(f"release {release!r} has no column {absent}")
        bad = [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c])]
        if bad:
            raise ParameterError(f"release {release!r}: columns {bad} are not numeric")
    values = np.concatenate([f[columns].to_numpy(float).ravel() for f in frames.values()])
    if np.isinf(values).any():
        raise ParameterError("the releases hold infinite values; fix them first")
    return list(columns)
