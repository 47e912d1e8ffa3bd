"""Which areas belong to which region: a membership table of districts (in full or in part, a
district in two regions) for municipalities keyed by AGS, or a mapping of any other keys."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ruhrgeo._validate import normalize_ags, require_unique
from ruhrgeo.errors import DuplicateIdError, MissingColumnError, MissingIdError, ParameterError

__all__ = ["region_members"]

Membership = pd.DataFrame | Mapping[str, str] | pd.Series | str
MEMBERSHIP_COLUMNS = ("region", "kreis_ags", "membership", "member_municipalities_ags")


def region_members(membership: Membership, ags: pd.Index | pd.DataFrame) -> pd.DataFrame:
    """The (region, ags) pairs: which municipalities of ``ags`` belong to which region.

    Parameters
    ----------
    membership
        A membership table like :func:`ruhrgeo.datasets.metropolitan_regions` (columns
        ``region``, ``kreis_ags``; optional ``membership`` ``full``/``partial`` and
        ``member_municipalities_ags``, ``;``-separated 8-digit AGS of a partial member), or
        a mapping (or Series) from 8-digit AGS or 5-digit district key to region, or the
        name of a column of ``ags`` (a DataFrame) that holds each municipality's region.
        A district may belong to several regions; its municipalities then count in each.
    ags
        The municipalities (an index of AGS, or a DataFrame indexed by AGS), or any other
        areas keyed by any unique key (Kreise, LAU codes, whole numbers): their membership
        is then a mapping (or Series, or column) from those keys to regions.

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` and ``ags`` (for other keys: the key's name, or ``key``), one row
        per pair, in the order of the membership.
        ``attrs["unmatched"]`` lists the members (districts or municipalities) for which
        ``ags`` holds no municipality, as "region: key" strings.

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        A membership table without ``region`` and ``kreis_ags``, or an unknown column name.
    ruhrgeo.errors.MissingIdError
        Keys of unknown length, or a district table for areas not keyed by AGS.
    ruhrgeo.errors.DuplicateIdError
        A district or member municipality listed twice.
    ruhrgeo.errors.ParameterError
        An empty membership, or a ``membership`` kind other than full/partial.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"region": ["A", "B", "B"], "kreis_ags": ["05170", "05170", "05911"],
    ...                       "membership": ["full", "partial", "full"],
    ...                       "member_municipalities_ags": ["", "05170004", ""]})
    >>> ags = pd.Index(["05170004", "05170008", "05911000"])
    >>> region_members(table, ags).values.tolist()
    [['A', '05170004'], ['A', '05170008'], ['B', '05170004'], ['B', '05911000']]
    """
    frame = ags if isinstance(ags, pd.DataFrame) else None
    given = pd.Index(ags.index if frame is not None else ags)
    if not _municipal(given):
        return _any_keys(membership, given, frame)
    keys = given.astype(str)
    if isinstance(membership, str):
        if frame is None or membership not in frame.columns:
            raise MissingColumnError(
                f"`membership` {membership!r} is not a column of the table; give a column "
                "holding each municipality's region, or a membership table"
            )
        regions = frame[membership]
        known = regions.notna().to_numpy()
        pairs = pd.DataFrame({"region": regions.to_numpy()[known], "ags": keys[known]})
        pairs.attrs["unmatched"] = []
        return pairs
    if isinstance(membership, pd.DataFrame):
        return _from_table(membership, keys)
    mapping = pd.Series(membership, dtype=object)
    if mapping.empty:
        raise ParameterError("`membership` is empty; give at least one region")
    lengths = set(mapping.index.astype(str).str.len())
    if lengths == {5}:
        table = pd.DataFrame({"region": mapping.to_numpy(), "kreis_ags": mapping.index})
        return _from_table(table, keys)
    if lengths != {8}:
        raise MissingIdError(
            "`membership` maps keys of mixed or unknown length "
            f"{sorted(lengths)}; give 8-digit AGS or 5-digit district keys"
        )
    present = mapping.index.isin(keys)
    pairs = pd.DataFrame(
        {"region": mapping.to_numpy()[present], "ags": mapping.index.astype(str)[present]}
    )
    pairs.attrs["unmatched"] = [f"{r}: {a}" for a, r in mapping[~present].items()]
    return pairs


def _municipal(keys: pd.Index) -> bool:
    """Keys read as AGS: named ``ags``, or unnamed 8-digit texts."""
    if keys.name is not None:
        return keys.name == "ags"
    return bool(len(keys)) and keys.astype(str).str.fullmatch("[0-9]{8}").all()


def _any_keys(membership: Membership, keys: pd.Index, frame: pd.DataFrame | None) -> pd.DataFrame:
    """The pairs for areas keyed by anything but the AGS: a mapping of their own keys."""
    name = keys.name or "key"
    if isinstance(membership, str):
        if frame is None or membership not in frame.columns:
            raise MissingColumnError(
                f"`membership` {membership!r} is not a column of the table; give a column "
                "holding each area's region, or a mapping key -> region"
            )
        regions = frame[membership]
        known = regions.notna().to_numpy()
        pairs = pd.DataFrame({"region": regions.to_numpy()[known], name: keys[known]})
        pairs.attrs["unmatched"] = []
        return pairs
    if isinstance(membership, pd.DataFrame):
        raise MissingIdError(
            f"a membership table of districts (kreis_ags) places municipalities by their AGS, "
            f"but the areas are keyed by {name!r}; give a mapping {name} -> region instead"
        )
    mapping = pd.Series(membership, dtype=object)
    if mapping.empty:
        raise ParameterError("`membership` is empty; give at least one region")
    present = mapping.index.isin(keys)
    pairs = pd.DataFrame({"region": mapping.to_numpy()[present], name: mapping.index[present]})
    pairs.attrs["unmatched"] = [f"{r}: {a}" for a, r in mapping[~present].items()]
    return pairs


def _from_table(table: pd.DataFrame, keys: pd.Index) -> pd.DataFrame:
    absent = [c for c in ("region", "kreis_ags") if c not in table.columns]
    if absent:
        raise MissingColumnError(
            f"the membership table has no column {absent} (columns: {list(table.columns)}); "
            f"it needs {list(MEMBERSHIP_COLUMNS)}, e.g. ruhrgeo.datasets.metropolitan_regions()"
        )
    if table.empty:
        raise ParameterError("the membership table is empty; give at least one region")
    kreis = table["kreis_ags"].astype(str).str.strip()
    bad = ~kreis.str.fullmatch(r"[0-9]{5}")
    if bad.any():
        raise MissingIdError(
            f"the membership table has {int(bad.sum())} `kreis_ags` that are no 5-digit "
            f"district key, e.g. {kreis[bad].iloc[0]!r}; give keys such as '05913'"
        )
    region = table["region"].astype(str).str.strip()
    require_unique(
        pd.Index(region + " / " + kreis), "region / kreis_ags", "list each district once"
    )
    kind = _column(table, "membership", "full").str.lower()
    members = _column(table, "member_municipalities_ags", "")
    unknown = ~kind.isin(["full", "partial"])
    if unknown.any():
        first = int(np.flatnonzero(unknown)[0])
        raise ParameterError(
            f"`membership` must be 'full' or 'partial'; {region.iloc[first]} in district "
            f"{kreis.iloc[first]} says {kind.iloc[first]!r}"
        )
    prefixes = keys.str[:5]
    rows, unmatched = [], []
    for r, k, partial, listed in zip(region, kreis, kind == "partial", members, strict=True):
        if partial != bool(listed):
            raise ParameterError(
                f"the membership of {r} in district {k}: a 'partial' member needs its "
                "municipalities in `member_municipalities_ags` and a 'full' member none"
            )
        if partial:
            ags = normalize_ags(pd.Series(listed.split(";")), "member_municipalities_ags")
            twice = sorted(set(ags[ags.duplicated()]))
            if twice:
                raise DuplicateIdError(
                    f"the membership of {r} in district {k} lists {twice} more than once; "
                    "list each member municipality once (it would count twice)"
                )
            outside = ags[ags.str[:5] != k]
            if len(outside):
                raise MissingIdError(
                    f"the membership of {r} in district {k} lists municipalities of another "
                    f"district: {outside.tolist()}"
                )
            found = ags[ags.isin(keys)]
            unmatched += [f"{r}: {a}" for a in ags[~ags.isin(keys)]]
        else:
            found = keys[prefixes == k]
            if found.empty:
                unmatched.append(f"{r}: {k}")
        rows += [(r, a) for a in found]
    pairs = pd.DataFrame(rows, columns=["region", "ags"])
    pairs.attrs["unmatched"] = unmatched
    pairs.attrs["regions"] = list(dict.fromkeys(region))
    return pairs


def _column(table: pd.DataFrame, name: str, default: str) -> pd.Series:
    if name not in table.columns:
        return pd.Series(default, index=table.index)
    return table[name].fillna(default).astype(str).str.strip()
