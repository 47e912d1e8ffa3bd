"""Change between releases as the field measures it (giddy): Markov transitions between
quantile classes, classic and spatial (does the neighbors' class shape a move?), and rank
mobility (Kendall's tau between releases, Theta within and between regimes).

Input: a table of one indicator, areas x releases in time order
(:func:`~ruhrgeo.index.unstack_releases`). giddy is the optional extra ``dynamics``.
"""

from __future__ import annotations

import contextlib
import itertools
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ruhrgeo._optional import need
from ruhrgeo._params import seed as check_seed
from ruhrgeo._params import whole_number
from ruhrgeo._validate import require_unique
from ruhrgeo.errors import MissingValuesError, ParameterError, StatisticsError

__all__ = ["MarkovResult", "markov", "rank_mobility"]


@dataclass(frozen=True)
class MarkovResult:
    """Transitions between ``k`` quantile classes (``Q1`` lowest) over the releases.

    Attributes
    ----------
    classes : pandas.DataFrame
        Each area's class (0 lowest) per release.
    bins : list of float
        The classes' upper bounds.
    transitions : pandas.DataFrame
        Counts of moves, ``from`` class x ``to`` class.
    probabilities : pandas.DataFrame
        The transitions as probabilities (rows sum to 1).
    moves : pandas.DataFrame
        Per area: ``first_class``, ``last_class``, ``moves_up``, ``moves_down``.
    conditional : dict of str to pandas.DataFrame or None
        Spatial chain only: the probabilities given the neighbors' class (``lag Q1`` ...).
    tests : dict of str to float or None
        Spatial chain only: whether the conditional probabilities differ from the pooled
        ones: ``Q`` and ``LR`` with ``Q_p``, ``LR_p`` and ``dof`` (giddy's tests).
    giddy : object
        giddy's ``Markov`` or ``Spatial_Markov``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo.index import markov
    >>> values = pd.DataFrame({"r1": [1.0, 2, 3, 4, 5, 6], "r2": [2.0, 1, 4, 3, 6, 5]})
    >>> markov(values, k=3).moves["last_class"].tolist()
    [0, 0, 1, 1, 2, 2]
    """

    classes: pd.DataFrame
    bins: list[float]
    transitions: pd.DataFrame
    probabilities: pd.DataFrame
    moves: pd.DataFrame
    conditional: dict[str, pd.DataFrame] | None
    tests: dict[str, float] | None
    giddy: Any = field(repr=False, compare=False)

    def summary(self) -> str:
        """How many areas moved up, down or stayed, and the spatial test if any."""
        up = int((self.moves["last_class"] > self.moves["first_class"]).sum())
        down = int((self.moves["last_class"] < self.moves["first_class"]).sum())
        stayed = len(self.moves) - up - down
        stay = float(np.trace(self.transitions.to_numpy()) / self.transitions.to_numpy().sum())
        text = (
            f"{len(self.moves)} areas over {self.classes.shape[1]} releases in "
            f"{len(self.bins)} classes: {up} ended higher, {down} lower, {stayed} in their "
            f"class; {stay:.0%} of the transitions stayed in their class"
        )
        if self.tests is not None:
            text += (
                f"; the neighbors' class changes the transitions: Q = {self.tests['Q']:.3g}, "
                f"p = {self.tests['Q_p']:.2g} (LR p = {self.tests['LR_p']:.2g})"
            )
        return text


def markov(
    values: pd.DataFrame,
    k: int = 5,
    *,
    gdf: pd.DataFrame | None = None,
    graph: Any = "queen",
    fixed: bool = True,
) -> MarkovResult:
    """Markov transitions of ``values`` (areas x releases) between ``k`` quantile classes.

    Parameters
    ----------
    values
        One indicator, areas x releases in time order, complete.
    k
        The number of quantile classes (2 to 10).
    gdf
        The areas' polygons (indexed like ``values``): with them, the spatial Markov chain
        (``giddy.markov.Spatial_Markov``, neighbors' average by ``graph``, row-standardized),
        else the classic one (``giddy.markov.Markov``).
    graph
        The neighbors of the spatial chain (:func:`~ruhrgeo.spatial.build_graph`), with ``gdf``.
    fixed
        Quantiles over all releases pooled (True, giddy's default: a class means the same
        level in every release) or within each release (False: relative position).

    Returns
    -------
    MarkovResult

    Raises
    ------
    ruhrgeo.errors.MissingValuesError
        An area lacks a finite value in some release, or is not in ``gdf``.
    ruhrgeo.errors.StatisticsError
        Fewer than two releases or four areas.
    ruhrgeo.errors.ParameterError
        ``k`` is not a whole number from 2 to 10.
    ruhrgeo.errors.MissingDependencyError
        giddy is not installed (``pip install 'ruhrgeo[dynamics]'``).

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.DataFrame({"2019": [1.0, 2, 3, 4, 5, 6], "2021": [2.0, 1, 4, 3, 6, 5]},
    ...                       index=pd.Index(list("abcdef"), name="ags"))
    >>> result = markov(values, k=3)
    >>> result.transitions.to_numpy().tolist()
    [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]]
    """
    k = whole_number(k, "k", low=2, high=10)
    y = _complete(values)
    if gdf is not None:
        from ruhrgeo.spatial import build_graph

        w = build_graph(gdf.loc[gdf.index.intersection(y.index)], graph)
        missing = y.index.difference(pd.Index(w.unique_ids))
        if len(missing):
            raise MissingValuesError(
                f"{len(missing)} areas of `values` are not in `gdf` (e.g. {list(missing[:5])})"
            )
        y = y.loc[list(w.unique_ids)]
        weights = w.transform("r").to_W()
    chains = need("giddy.markov", "markov()")
    with _quiet():
        if gdf is None:
            classes, bins = _classify(y.to_numpy(), k, fixed)
            obj = chains.Markov(classes, classes=np.arange(k), summary=False)
        else:
            obj = chains.Spatial_Markov(
                y.to_numpy(), weights, k=k, m=k, fixed=fixed, fill_empty_classes=True
            )
            classes, bins = obj.class_ids, _bins(obj.cutoffs, y.to_numpy())
    labels = [f"Q{i + 1}" for i in range(k)]
    transitions = pd.DataFrame(
        np.asarray(obj.transitions, float),
        index=pd.Index(labels, name="from"),
        columns=pd.Index(labels, name="to"),
    )
    totals = transitions.sum(axis=1)
    probabilities = transitions.div(totals.where(totals > 0), axis=0)
    class_table = pd.DataFrame(classes, index=y.index, columns=y.columns).astype(int)
    steps = np.diff(class_table.to_numpy(), axis=1)
    moves = pd.DataFrame(
        {
            "first_class": class_table.iloc[:, 0],
            "last_class": class_table.iloc[:, -1],
            "moves_up": (steps > 0).sum(axis=1),
            "moves_down": (steps < 0).sum(axis=1),
        }
    )
    conditional, tests = None, None
    if gdf is not None:
        conditional = {
            f"lag {label}": pd.DataFrame(
                np.asarray(obj.P[i]), index=transitions.index, columns=transitions.columns
            )
            for i, label in enumerate(labels)
        }
        tests = {
            "Q": float(obj.Q),
            "Q_p": float(obj.Q_p_value),
            "LR": float(obj.LR),
            "LR_p": float(obj.LR_p_value),
            "dof": float(obj.dof_hom),
        }
    return MarkovResult(
        class_table.reindex(values.index),
        bins,
        transitions,
        probabilities,
        moves.reindex(values.index),
        conditional,
        tests,
        obj,
    )


def rank_mobility(
    values: pd.DataFrame,
    *,
    regimes: pd.Series | None = None,
    permutations: int = 999,
    seed: int = 0,
) -> pd.DataFrame:
    """How much the ranks of ``values`` (areas x releases) changed from release to release.

    Kendall's tau between consecutive releases and between the first and the last
    (``giddy.rank.Tau``: 1 no reordering, 0 none kept); with ``regimes`` (a Series of
    group labels indexed like ``values``, e.g. north and south), giddy's Theta: the share of
    the rank changes that happened between the regimes rather than within them, with
    permutation p-values (seeded).

    Parameters
    ----------
    values
        One indicator, areas x releases in time order, complete.
    regimes
        Group labels (e.g. ``"north"``/``"south"``) indexed like ``values``, for Theta.
    permutations
        Permutations of Theta's p-values (0: none).
    seed
        Seed of the permutations.

    Returns
    -------
    pandas.DataFrame
        One row per pair (``from``, ``to``): ``tau``, ``tau_p``; with regimes ``theta``,
        ``theta_p_left``, ``theta_p_right`` (consecutive pairs only).

    Raises
    ------
    ruhrgeo.errors.MissingValuesError
        An area lacks a finite value in some release.
    ruhrgeo.errors.ParameterError
        ``regimes`` without a label for every area, or with one group only.
    ruhrgeo.errors.MissingDependencyError
        giddy is not installed (``pip install 'ruhrgeo[dynamics]'``).

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.DataFrame({"r1": [1.0, 2, 3, 4], "r2": [1.0, 2, 4, 3], "r3": [4.0, 3, 2, 1]})
    >>> rank_mobility(values)[["from", "to", "tau"]].values.tolist()
    [['r1', 'r2', 0.6666666666666666], ['r2', 'r3', -0.6666666666666666], ['r1', 'r3', -1.0]]
    """
    y = _complete(values)
    permutations = whole_number(permutations, "permutations", low=0, high=100_000)
    seed = check_seed(seed)
    rank = need("giddy.rank", "rank_mobility()")
    releases = list(y.columns)
    pairs = list(itertools.pairwise(releases))
    if len(releases) > 2:
        pairs.append((releases[0], releases[-1]))
    rows = []
    with _quiet():
        for a, b in pairs:
            tau = rank.Tau(y[a].to_numpy(), y[b].to_numpy())
            rows.append({"from": a, "to": b, "tau": float(tau.tau), "tau_p": float(tau.tau_p)})
    table = pd.DataFrame(rows)
    if regimes is None:
        return table
    labels = pd.Series(regimes).reindex(y.index)
    if labels.isna().any():
        raise ParameterError(
            f"`regimes` has no label for {int(labels.isna().sum())} areas (e.g. "
            f"{list(labels.index[labels.isna()][:5])})"
        )
    if labels.nunique() < 2:
        raise ParameterError("`regimes` needs at least two groups")
    with _quiet(), _seeded(seed):
        theta = rank.Theta(y.to_numpy(), labels.astype(str).to_numpy(), permutations=permutations)
    consecutive = len(releases) - 1
    table["theta"] = np.nan
    table["theta_p_left"] = np.nan
    table["theta_p_right"] = np.nan
    table.loc[: consecutive - 1, "theta"] = np.asarray(theta.theta).ravel()
    if permutations:
        table.loc[: consecutive - 1, "theta_p_left"] = np.asarray(theta.pvalue_left).ravel()
        table.loc[: consecutive - 1, "theta_p_right"] = np.asarray(theta.pvalue_right).ravel()
    return table


def _complete(values: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(values, pd.DataFrame):
        raise ParameterError(
            f"`values` must be a table of areas x releases, got {type(values).__name__}"
        )
    require_unique(values.index, "values", "give each area one row")
    if values.shape[1] < 2:
        raise StatisticsError("change needs at least two releases (columns)")
    if values.shape[0] < 4:
        raise StatisticsError(f"{values.shape[0]} areas are too few for transitions")
    y = values.apply(pd.to_numeric, errors="coerce").astype(float)
    bad = ~np.isfinite(y.to_numpy()).all(axis=1)
    if bad.any():
        raise MissingValuesError(
            f"{int(bad.sum())} areas lack a finite value in some release (e.g. "
            f"{list(y.index[bad][:5])}); transitions need every release of every area: drop "
            "them or fill them first"
        )
    return y


def _classify(y: np.ndarray, k: int, fixed: bool) -> tuple[np.ndarray, list[float]]:
    """Quantile classes as giddy's Spatial_Markov forms them (mapclassify.Quantiles)."""
    import mapclassify

    if fixed:
        quantiles = mapclassify.Quantiles(y.ravel(), k=k)
        return quantiles.yb.reshape(y.shape), [float(b) for b in quantiles.bins]
    columns = [mapclassify.Quantiles(y[:, t], k=k) for t in range(y.shape[1])]
    classes = np.column_stack([q.yb for q in columns])
    return classes, [float(b) for b in columns[-1].bins]


def _bins(cutoffs: Any, y: np.ndarray) -> list[float]:
    bins = [float(c) for c in np.asarray(cutoffs).ravel()]
    return [*bins, float(y.max())] if len(bins) and bins[-1] < y.max() else bins


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """giddy's Theta permutes with NumPy's global generator: seed it, restore it after."""
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(seed)  # noqa: NPY002
    try:
        yield
    finally:
        np.random.set_state(state)  # noqa: NPY002
