"""From summed tiles to shares: groups (``by=``), units resolved by the one rule, overlapping
areas refused, areas without data named."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd

from ruhrgeo._warn import warn
from ruhrgeo.errors import (
    DuplicateIdError,
    MissingColumnError,
    MissingIdError,
    NoDataWarning,
    OverlapError,
)
from ruhrgeo.io.readers import NODATA_SUFFIX, Layer
from ruhrgeo.overlay.kernel import Sums
from ruhrgeo.units import resolve_unit, scale

__all__ = ["GroupBy", "Groups", "refuse_overlaps", "shares"]

GroupBy: TypeAlias = str | pd.Series | None


@dataclass(frozen=True)
class Groups:
    """Which group each area belongs to (``by=``), or each its own."""

    codes: np.ndarray | None
    labels: pd.Index

    @classmethod
    def of(cls, areas: pd.DataFrame, by: GroupBy) -> Groups:
        if by is None:
            return cls(None, areas.index)
        key = areas.index.name
        if isinstance(by, str):
            if by not in areas.columns:
                shown = [c for c in areas.columns if areas[c].dtype.name != "geometry"]
                raise MissingColumnError(
                    f"`by={by!r}` is not a column of the areas ({shown[:20]}); pass a column "
                    f"name or a Series indexed by `{key}`"
                )
            by = areas[by]
        if not isinstance(by, pd.Series):
            raise MissingColumnError(f"`by` must be a column name or a Series indexed by `{key}`")
        if not by.index.is_unique:
            raise DuplicateIdError("`by` names a group more than once for one area; give each one")
        groups = by.reindex(areas.index)
        if groups.isna().any():
            missing = list(areas.index[groups.isna().to_numpy()][:10])
            raise MissingIdError(f"`by` has no group for {missing}; give every area one")
        codes, labels = pd.factorize(groups, sort=True)
        name = by.name if by.name is not None else "group"
        return cls(codes, pd.Index(labels, name=name))

    def add(self, values: np.ndarray) -> np.ndarray:
        if self.codes is None:
            return values
        return np.bincount(self.codes, values, minlength=len(self.labels))


def shares(
    sums: Sums, layers: Mapping[str, Layer], groups: Groups, *, weighted: bool
) -> pd.DataFrame:
    """Shares and nodata percentages from summed tiles, per area or group; the units
    resolved from what the tiles saw (:func:`ruhrgeo.units.resolve_unit`)."""
    total = groups.add(sums.total)
    columns, with_data_of = {}, {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for name, layer in layers.items():
            factor = scale(resolve_unit(layer.unit, sums.seen[name], name))
            with_data = with_data_of[name] = groups.add(sums.with_data[name])
            covered = groups.add(sums.covered[name]) * factor
            columns[name] = np.where(with_data > 0, covered / with_data, np.nan)
            # cells without data: a share of the total, never below 0 by rounding
            columns[f"{name}{NODATA_SUFFIX}"] = np.clip(100.0 * (1.0 - with_data / total), 0, 100)
    _warn_no_data(groups.labels, total, with_data_of, weighted)
    return pd.DataFrame(columns, index=groups.labels)


def refuse_overlaps(
    overlaps: Mapping[tuple[int, int], float], areas: pd.DataFrame, groups: Groups
) -> None:
    """Raise :class:`OverlapError` for areas of one group that overlap: the group's share
    would count the overlap twice."""
    codes = groups.codes
    inside = {
        pair: area
        for pair, area in overlaps.items()
        if codes is None or codes[pair[0]] == codes[pair[1]]
    }
    if not inside:
        return
    keys = areas.index
    names = areas["name"].astype(str) if "name" in areas.columns else None

    def label(i: int) -> str:
        return f"{keys[i]} ({names.iloc[i]})" if names is not None else str(keys[i])

    worst = sorted(inside.items(), key=lambda item: -item[1])[:5]
    text = "; ".join(f"{label(a)} and {label(b)}: {area / 1e6:.3g} km²" for (a, b), area in worst)
    raise OverlapError(
        f"{len(inside)} pair(s) of areas in one group of `by` overlap, so the group's "
        f"share would count the overlap twice: {text}; fix the boundaries (e.g. "
        "`shapely.coverage_union` of a clean source) or leave out `by`"
    )


def _warn_no_data(
    labels: pd.Index, total: np.ndarray, with_data: Mapping[str, np.ndarray], weighted: bool
) -> None:
    """One warning for units without weight, one for those without any data."""
    weightless = labels[total <= 0]
    if len(weightless):
        what = "zero weight (e.g. no inhabitants)" if weighted else "no area on the grid"
        warn(
            f"{len(weightless)} areas have {what}; their shares are NaN: "
            f"{', '.join(map(str, weightless[:10]))}",
            NoDataWarning,
        )
    empty = {
        name: [str(x) for x in labels[(data <= 0) & (total > 0)]]
        for name, data in with_data.items()
    }
    empty = {name: found for name, found in empty.items() if found}
    if empty:
        text = "; ".join(f"{k}: {', '.join(v[:10])}" for k, v in empty.items())
        warn(
            f"no data at all (share NaN, 100 % nodata) for these areas: {text}",
            NoDataWarning,
        )
