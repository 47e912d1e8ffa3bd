"""Releases over time: how the index and the ranks changed between two releases."""

from __future__ import annotations

import pandas as pd

from ruhrgeo.errors import ParameterError

__all__ = ["compare_releases"]


def compare_releases(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Change of the index and of the rank per municipality between two releases.

    ``old`` and ``new`` are :func:`~ruhrgeo.index.composite` results. ``rank_change`` is
    positive when a municipality moved up (old rank minus new rank). Municipalities in only
    one release (territorial reforms) are kept with NaN changes and ``in_both`` False.

    Examples
    --------
    >>> import pandas as pd
    >>> old = pd.DataFrame({"index": [50.0, 60.0], "rank": [2, 1]}, index=["a", "b"])
    >>> new = pd.DataFrame({"index": [70.0, 55.0], "rank": [1, 2]}, index=["a", "b"])
    >>> compare_releases(old, new)[["change", "rank_change"]].to_dict("list")
    {'change': [20.0, -5.0], 'rank_change': [1.0, -1.0]}
    """
    for name, frame in (("old", old), ("new", new)):
        if not {"index", "rank"} <= set(frame.columns):
            raise ParameterError(f"`{name}` must be a composite() result with 'index' and 'rank'")
    both = (
        old[["index", "rank"]]
        .add_suffix("_old")
        .join(new[["index", "rank"]].add_suffix("_new"), how="outer")
    )
    both["change"] = both["index_new"] - both["index_old"]
    both["rank_change"] = both["rank_old"].astype(float) - both["rank_new"].astype(float)
    both["in_both"] = both[["index_old", "index_new"]].notna().all(axis=1)
    return both
