"""Rates with small bases: events per inhabitant (patents, start-ups) smoothed so that a small
municipality's chance extremes do not dominate (esda.smoothing), and LISA clusters of rates
(``esda.Moran_Local_Rate``)."""

from __future__ import annotations

import esda
import numpy as np
import pandas as pd
from esda import smoothing

from ruhrgeo import _names
from ruhrgeo._params import choice, number
from ruhrgeo._validate import column_values
from ruhrgeo.errors import StatisticsError
from ruhrgeo.io.areas import as_keyed
from ruhrgeo.spatial import _crand
from ruhrgeo.spatial.graphs import GraphLike, build_graph
from ruhrgeo.spatial.local import LocalResult, finish, lisa_table, options

__all__ = ["RATE_METHODS", "local_moran_rate", "smooth_rates"]

RATE_METHODS = _names.RATE_METHODS


def smooth_rates(
    gdf: pd.DataFrame,
    events: str,
    base: str,
    *,
    method: str = "empirical_bayes",
    graph: GraphLike = "queen",
    per: float = 1000.0,
) -> pd.Series:
    """The rate ``events / base`` of each area, raw or smoothed, per ``per`` units of base.

    Parameters
    ----------
    gdf
        Areas indexed by any unique key, with the two columns.
    events, base
        Counts of events (patents, start-ups, >= 0) and of the population at risk (> 0).
    method
        ``"raw"``; ``"empirical_bayes"`` (Marshall's global empirical Bayes as
        ``esda.smoothing.Empirical_Bayes``: each rate shrunk towards the overall rate, the more
        the smaller its base; where the rates vary less than chance alone makes them vary, the
        estimated variance between areas is negative and every rate is the overall rate, as
        esda's spatial variant does and its global one does not); ``"spatial_empirical_bayes"``
        (``Spatial_Empirical_Bayes``: shrunk towards the rate of its neighborhood);
        ``"spatial_rate"`` (``Spatial_Rate``: the rate of the area and its neighbors pooled).
    graph
        The neighborhoods of the spatial methods (:func:`~ruhrgeo.spatial.build_graph`).
    per
        The unit of the result (1000: per 1,000 of ``base``; 1: a fraction).

    Returns
    -------
    pandas.Series
        Indexed like ``gdf``, named ``"<events>_rate"``.

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        A column is not in ``gdf``.
    ruhrgeo.errors.MissingValuesError
        Missing or non-numeric counts.
    ruhrgeo.errors.ParameterError
        An unknown method, or ``per`` not > 0.
    ruhrgeo.errors.StatisticsError
        Negative events or a base that is not > 0.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = [shapely.box(c, 0, c + 1, 1) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"startups": [0, 3, 40, 9], "people": [50, 1000, 10000, 3000]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> smooth_rates(gdf, "startups", "people", method="raw").round(2).tolist()
    [0.0, 3.0, 4.0, 3.0]
    >>> gdf.loc[0, "startups"] = 2  # 40 per 1,000 of a base of 50: chance, mostly
    >>> smooth_rates(gdf, "startups", "people").round(2).tolist()
    [5.54, 3.43, 3.99, 3.21]
    """
    method = choice(method, "method", RATE_METHODS)
    per = number(per, "per", low=0, low_open=True)
    values, w = _counts(gdf, events, base, graph if method.startswith("spatial") else None)
    e, b = values[events].to_numpy(), values[base].to_numpy()
    if method == "raw":
        rate = e / b
    elif method == "empirical_bayes":
        rate = _empirical_bayes(e, b)
    else:
        smoother = (
            smoothing.Spatial_Empirical_Bayes
            if method == "spatial_empirical_bayes"
            else smoothing.Spatial_Rate
        )
        rate = np.asarray(smoother(e, b, w.transform("b").to_W()).r).ravel()
    out = pd.Series(rate * per, index=values.index, name=f"{events}_rate")
    return out.reindex(gdf.index)


def local_moran_rate(
    gdf: pd.DataFrame,
    events: str,
    base: str,
    *,
    graph: GraphLike = "queen",
    adjusted: bool = True,
    permutations: int = 9999,
    alpha: float = 0.05,
    fdr: bool = True,
    keep_simulations: bool = True,
    seed: int = 0,
    n_jobs: int = 1,
) -> LocalResult:
    """LISA clusters of the rate ``events / base`` (``esda.Moran_Local_Rate``): with
    ``adjusted=True`` on the Assunção-Reis empirical-Bayes standardized rates, so that a
    small base's noisy rate does not make a cluster. Options and columns as in
    :func:`~ruhrgeo.spatial.local_moran`; ``.esda`` is the ``esda.Moran_Local_Rate``.

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    events, base
        Counts of events (>= 0) and the population at risk (> 0).
    graph
        The spatial weights (:func:`~ruhrgeo.spatial.build_graph`: ``"queen"``, a
        :class:`GraphSpec`, a GAL/GWT file or a libpysal ``Graph``).
    adjusted
        Empirical-Bayes standardized rates (Assunção-Reis, True) or raw rates.
    permutations
        Permutations of the pseudo p-value ``p_sim`` (0: none).
    alpha, fdr
        Significance: Benjamini-Hochberg false discovery rate at ``alpha`` with ``fdr=True``,
        else ``p_sim <= alpha``.
    keep_simulations
        Keep the simulated statistics (``result.esda``'s) and their moments.
    seed
        Seed of the permutations: the same seed gives the same ``p_sim`` as esda.
    n_jobs
        Processes for esda's compiled kernels (used above the NumPy size only).

    Returns
    -------
    LocalResult
        Columns as :func:`local_moran`'s; ``.esda`` is the ``esda.Moran_Local_Rate``.

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        The column is not in ``gdf``.
    ruhrgeo.errors.MissingValuesError
        Missing or non-numeric values.
    ruhrgeo.errors.TooFewObservationsError
        Fewer than 8 areas.
    ruhrgeo.errors.ParameterError
        Permutations, seed or graph options out of range.
    ruhrgeo.errors.GraphMismatchError
        A given graph that does not fit the areas.

    ruhrgeo.errors.StatisticsError
        Negative events, a base that is not > 0, or the same column twice.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(5) for c in range(5)]
    >>> gdf = gpd.GeoDataFrame({"e": [float(c * 10) for r in range(5) for c in range(5)],
    ...                         "b": [1000.0] * 25}, geometry=cells, crs=25832)
    >>> lisa = local_moran_rate(gdf.rename_axis("cell"), "e", "b", graph="rook",
    ...                         permutations=999, fdr=False)
    >>> lisa.loc[0, "quadrant"], lisa.loc[4, "quadrant"], type(lisa.esda).__name__
    ('Low-Low', 'High-High', 'Moran_Local_Rate')
    """
    permutations, alpha, seed = options(permutations, alpha, seed, keep_simulations, len(gdf))
    values, w = _counts(gdf, events, base, graph)
    e, b = values[events].to_numpy(), values[base].to_numpy()
    obj = _crand.esda_object(
        esda.Moran_Local_Rate,
        (e, b, w),
        {"adjusted": bool(adjusted), "transformation": "r"},
        permutations=permutations,
        seed=seed,
        keep=keep_simulations,
        n_jobs=n_jobs,
    )
    if permutations and _crand.numpy_sized(len(e), permutations):
        z = obj.z
        _crand.fill(
            obj,
            z,
            obj.Is,
            _crand.moran_local,
            (len(z) - 1) / (z * z).sum(),
            permutations=permutations,
            seed=seed,
            keep=keep_simulations,
            sims=("rlisas", "EI_sim", "seI_sim", "VI_sim"),
        )
    lag = obj.w.sparse @ obj.y
    table = lisa_table(obj, values.index, lag, alpha, fdr, permutations)
    return finish(table, gdf.index, obj, w)


def _empirical_bayes(e: np.ndarray, b: np.ndarray) -> np.ndarray:
    """esda's global empirical Bayes, with its variance between areas kept >= 0."""
    mean = e.sum() / b.sum()
    if mean == 0:
        return np.zeros_like(e, dtype=float)
    rate = e / b
    between = (b * (rate - mean) ** 2).sum() / b.sum() - mean / b.mean()
    weight = max(between, 0.0) / (max(between, 0.0) + mean / b)
    return weight * rate + (1 - weight) * mean


def _counts(
    gdf: pd.DataFrame, events: str, base: str, graph: GraphLike | None
) -> tuple[pd.DataFrame, object]:
    if events == base:
        raise StatisticsError(f"`events` and `base` are both {events!r}; name two columns")
    keyed = as_keyed(gdf)
    values = pd.concat(
        [column_values(keyed, c, counts=True) for c in (events, base)], axis=1, keys=[events, base]
    )
    w = None
    if graph is not None:
        w = build_graph(keyed, graph)
        values = values.reindex(pd.Index(w.unique_ids))
    if (values[events] < 0).any():
        bad = list(values.index[values[events] < 0][:5])
        raise StatisticsError(f"`{events}` counts events and must be >= 0; negative: {bad}")
    if (values[base] <= 0).any():
        bad = list(values.index[values[base] <= 0][:5])
        raise StatisticsError(
            f"`{base}` is the population at risk and must be > 0; not for {bad} (leave such "
            "areas out: a rate of nothing is no rate)"
        )
    return values, w
