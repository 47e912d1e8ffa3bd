"""Getis-Ord hot and cold spots (esda's ``G_Local``): a table indexed like the areas with
esda's names (``Gs``, ``Zs``, ``p_sim``) and ruhrgeo's ``spot`` label."""

from __future__ import annotations

import esda
import numpy as np
import pandas as pd

from ruhrgeo import _params
from ruhrgeo.errors import StatisticsError
from ruhrgeo.spatial import _crand
from ruhrgeo.spatial._checks import (
    prepare,
    significance,
)
from ruhrgeo.spatial.graphs import GraphLike
from ruhrgeo.spatial.local import LocalResult, exact_p, finish, options, simulated_columns

__all__ = ["getis_ord"]


def getis_ord(
    gdf: pd.DataFrame,
    column: str,
    *,
    graph: GraphLike = "queen",
    star: bool = True,
    permutations: int = 9999,
    alpha: float = 0.05,
    fdr: bool = True,
    keep_simulations: bool = True,
    seed: int = 0,
    n_jobs: int = 1,
) -> LocalResult:
    """Getis-Ord local G hot and cold spots (``star=True``: Gi*, the unit itself included).

    As ``esda.G_Local`` with binary weights (for Gi*, a self-weight of 1). G compares
    sums of non-negative values, so negative values are refused. Options as in
    :func:`local_moran`.

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    column
        A numeric column of non-negative values.
    graph
        The spatial weights (:func:`~ruhrgeo.spatial.build_graph`: ``"queen"``, a
        :class:`GraphSpec`, a GAL/GWT file or a libpysal ``Graph``).
    star
        Gi* (the area itself included, True) or Gi.
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
        Indexed by AGS: ``Gs``, ``Zs`` (esda's standardized G), ``p_norm``, ``p_sim``
        (permutation), ``EG_sim``, ``seG_sim``, ``z_sim``, ``p_z_sim``, ``significant``,
        ``spot`` (``Hot spot``, ``Cold spot``, ``Not significant``); ``.esda`` is the
        ``esda.G_Local``.

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        The column is not in ``gdf``.
    ruhrgeo.errors.MissingValuesError
        Missing or non-numeric values.
    ruhrgeo.errors.ConstantValuesError
        A column without variation.
    ruhrgeo.errors.TooFewObservationsError
        Fewer than 8 areas.
    ruhrgeo.errors.ParameterError
        Permutations, seed or graph options out of range.
    ruhrgeo.errors.GraphMismatchError
        A given graph that does not fit the areas.

    ruhrgeo.errors.StatisticsError
        Negative values.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(5) for c in range(5)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(5) for c in range(5)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> spots = getis_ord(gdf, "v", permutations=999, fdr=False)
    >>> spots.loc[4, "spot"], spots.loc[0, "spot"]
    ('Hot spot', 'Cold spot')
    """
    star = _params.flag(star, "star")
    permutations, alpha, seed = options(permutations, alpha, seed, keep_simulations, len(gdf))
    values, w = prepare(gdf, column, graph)
    y = values[column].to_numpy()
    if (y < 0).any():
        raise StatisticsError(
            f"Getis-Ord G needs non-negative `{column}`, but "
            f"{list(values.index[y < 0][:5])} are negative; use local_moran for such values"
        )
    obj = _crand.esda_object(
        esda.G_Local,
        (y, w),
        {"transform": "B", "star": star},
        permutations=permutations,
        seed=seed,
        keep=keep_simulations,
        n_jobs=n_jobs,
    )
    if permutations and _crand.numpy_sized(len(y), permutations):
        _crand.fill(
            obj,
            y,
            obj.Gs,
            _crand.g_local_star if obj.star else _crand.g_local,
            float(y.sum()),
            permutations=permutations,
            seed=seed,
            keep=keep_simulations,
            sims=("rGs", "EG_sim", "seG_sim", "VG_sim"),
        )
    n = len(y)
    p_sim = exact_p(obj.p_sim, permutations) if permutations else np.full(n, np.nan)
    significant = significance(p_sim, alpha, fdr) if permutations else np.zeros(n, bool)
    table = pd.DataFrame(
        {
            "Gs": obj.Gs,
            "Zs": obj.Zs,
            "p_norm": obj.p_norm,
            "p_sim": p_sim,
            **simulated_columns(obj, n, "EG_sim", "seG_sim"),
            "significant": significant,
        },
        index=values.index,
    )
    spot = np.where(obj.Zs > 0, "Hot spot", "Cold spot")
    table["spot"] = np.where(significant, spot, "Not significant")
    return finish(table, gdf.index, obj, w)
