"""Per-unit profiles (COINr's ``get_str_wk``): each unit's strengths and weaknesses, its best
and worst indicators by rank among all units."""

from __future__ import annotations

import pandas as pd

from ruhrgeo._params import whole_number
from ruhrgeo._validate import require_unique
from ruhrgeo.errors import MissingColumnError, ParameterError
from ruhrgeo.index.spec import INDEX, IndicatorSpec
from ruhrgeo.index.spec_files import load_spec

__all__ = ["strengths_weaknesses"]


def strengths_weaknesses(
    table: pd.DataFrame,
    spec: IndicatorSpec | None = None,
    *,
    top: int = 3,
    min_unique: int = 2,
) -> pd.DataFrame:
    """Each unit's ``top`` strengths (its best-ranked indicators) and weaknesses (its
    worst-ranked), by rank among all units in the indicator's direction.

    Parameters
    ----------
    table
        Indicator values (the spec's columns), indexed by the units' key.
    spec
        The indicator spec (directions, the aggregate above each indicator); default the
        Digital-Index Ruhr's.
    top
        How many strengths and weaknesses per unit.
    min_unique
        Indicators with fewer distinct values are left out (COINr's ``unq_discard``: a
        shared rank of 1 on an indicator where everybody is equal is no strength).

    Returns
    -------
    pandas.DataFrame
        One row per unit, kind (``strength``/``weakness``) and place (1..top): the key,
        ``kind``, ``place``, ``indicator``, ``aggregate`` (the indicator's parent), ``rank``
        (1 best; ties share the best rank), ``value``; a unit without values has no rows.

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        The table lacks an indicator of the spec.
    ruhrgeo.errors.ParameterError
        ``top`` or ``min_unique`` is not a whole number >= 1.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import Indicator, IndicatorSpec
    >>> spec = IndicatorSpec("s", (Indicator("a", "x"), Indicator("b", "x"),
    ...                            Indicator("c", "y", "lower")))
    >>> table = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 2, 1], "c": [1.0, 2, 3]},
    ...                      index=pd.Index(["p", "q", "r"], name="ags"))
    >>> profile = strengths_weaknesses(table, spec, top=1)
    >>> profile[profile["ags"] == "p"][["kind", "indicator", "rank"]].values.tolist()
    [['strength', 'b', 1], ['weakness', 'a', 3]]
    """
    spec = spec if spec is not None else load_spec()
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"`table` must be a DataFrame, got {type(table).__name__}")
    require_unique(table.index, "table", "give each unit one row")
    top = whole_number(top, "top", low=1, high=100)
    min_unique = whole_number(min_unique, "min_unique", low=1)
    names = spec.names()
    absent = [c for c in names if c not in table.columns]
    if absent:
        raise MissingColumnError(f"the table lacks the spec's indicators {absent[:10]}")
    values = table[names].apply(pd.to_numeric, errors="coerce")
    used = [c for c in names if values[c].nunique() >= min_unique]
    directions = spec.directions()
    ranks = pd.DataFrame(
        {c: values[c].rank(ascending=directions[c] == "lower", method="min") for c in used},
        index=values.index,
    )
    key = table.index.name or "key"
    parents = {i.name: i.parent for i in spec.indicators}
    rows = []
    for unit, unit_ranks in ranks.iterrows():
        present = unit_ranks.dropna()
        if present.empty:
            continue
        order = present.sort_values(kind="stable")  # ties: spec order
        for kind, chosen in (("strength", order.head(top)), ("weakness", order[::-1].head(top))):
            for place, (indicator, rank) in enumerate(chosen.items(), start=1):
                rows.append(
                    {
                        key: unit,
                        "kind": kind,
                        "place": place,
                        "indicator": indicator,
                        "aggregate": parents[indicator] if parents[indicator] != INDEX else "",
                        "rank": int(rank),
                        "value": float(values.at[unit, indicator]),
                    }
                )
    return pd.DataFrame(
        rows, columns=[key, "kind", "place", "indicator", "aggregate", "rank", "value"]
    )
