"""Local statistics: LISA (uni- and bivariate), and what every local result shares
(Getis-Ord hot spots are in ``hotspots.py``, the LISA of rates in ``rates.py``).

Results are tables indexed by AGS (``gdf.join(result)`` works) whose columns carry esda's
names (``Is``, ``q``, ``p_sim``, ``z_sim``, ``Gs``, ``Zs``) next to ruhrgeo's labels; the
table's ``esda`` attribute is esda's own object and ``graph`` the weights used.

esda compiles its permutation kernels with numba on the first call in a process (about
20 s). Up to :data:`~ruhrgeo.spatial._crand.NUMPY_WORK` units x permutations ruhrgeo runs
the same algorithm in NumPy instead (same permuted ids from the same seed, same p-values)
and fills esda's object with the results; above it, esda's compiled kernels run. The object
then carries every attribute esda itself sets, with esda's values and types (tested against
esda run directly); only where esda leaves an array uninitialized (the raw simulations of
the bivariate LISA and of G when they are not kept) ruhrgeo sets None.
"""

from __future__ import annotations

from typing import Any, ClassVar

import esda
import numpy as np
import pandas as pd
from libpysal.graph import Graph

from ruhrgeo import _params
from ruhrgeo.errors import ParameterError
from ruhrgeo.spatial import _crand
from ruhrgeo.spatial._checks import (
    check_alpha,
    check_permutations,
    prepare,
    significance,
)
from ruhrgeo.spatial.graphs import GraphLike
from ruhrgeo.spatial.labels import QUADRANTS

__all__ = [
    "LocalResult",
    "exact_p",
    "finish",
    "lisa_table",
    "local_moran",
    "local_moran_bv",
    "options",
    "simulated_columns",
]


class LocalResult(pd.DataFrame):
    """A table of local statistics indexed like the areas, with the esda object and graph.

    Attributes
    ----------
    esda
        esda's object (``Moran_Local``, ``Moran_Local_BV`` or ``G_Local``), for splot and
        esda's plots; its order is ``graph.unique_ids``.
    graph
        The libpysal ``Graph`` the statistic used (before esda's transformation).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from ruhrgeo import spatial
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(4) for c in range(4)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> lisa = spatial.local_moran(gdf, "v", graph="rook", permutations=99)
    >>> type(lisa).__name__, type(lisa.esda).__name__
    ('LocalResult', 'Moran_Local')
    """

    _metadata: ClassVar[list[str]] = ["esda", "graph"]

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame  # derived tables are plain: the esda object belongs to this one


def finish(table: pd.DataFrame, index: pd.Index, obj: Any, w: Graph) -> LocalResult:
    out = LocalResult(table.reindex(index))
    object.__setattr__(out, "esda", obj)
    object.__setattr__(out, "graph", w)
    return out


def simulated_columns(obj: Any, n: int, mean: str, sd: str) -> dict[str, Any]:
    if getattr(obj, "sim", None) is None:
        return dict.fromkeys((mean, sd, "z_sim", "p_z_sim"), np.full(n, np.nan))
    return {
        mean: getattr(obj, mean),
        sd: getattr(obj, sd),
        "z_sim": obj.z_sim,
        "p_z_sim": obj.p_z_sim,
    }


def lisa_table(
    obj: Any, index: pd.Index, lag: np.ndarray, alpha: float, fdr: bool, permutations: int
) -> pd.DataFrame:
    n = len(index)
    p_sim = exact_p(obj.p_sim, permutations) if permutations else np.full(n, np.nan)
    significant = significance(p_sim, alpha, fdr) if permutations else np.zeros(n, bool)
    quadrant = pd.Series(obj.q, index=index).map(QUADRANTS)
    table = pd.DataFrame(
        {
            "Is": obj.Is,
            "q": obj.q,
            "lag": lag,
            "p_sim": p_sim,
            **simulated_columns(obj, n, "EI_sim", "seI_sim"),
            "quadrant": quadrant,
            "significant": significant,
        },
        index=index,
    )
    table["cluster"] = table["quadrant"].where(table["significant"], "Not significant")
    return table


def local_moran(
    gdf: pd.DataFrame,
    column: str,
    *,
    graph: GraphLike = "queen",
    permutations: int = 9999,
    alpha: float = 0.05,
    fdr: bool = True,
    keep_simulations: bool = True,
    seed: int = 0,
    n_jobs: int = 1,
) -> LocalResult:
    """Local Moran's I (LISA) clusters of ``column`` (row-standardized weights).

    Parameters
    ----------
    gdf, column
        Municipalities indexed by AGS and the column to analyze.
    graph
        Spatial weights, see :func:`~ruhrgeo.spatial.build_graph`.
    permutations, seed
        Conditional permutations for ``p_sim`` (0: none, every unit not significant);
        the same seed gives the same result, and the same as ``esda.Moran_Local``.
    alpha, fdr
        Significance: Benjamini-Hochberg false discovery rate at ``alpha``
        (``esda.fdr``) with ``fdr=True``, else ``p_sim <= alpha``.
    keep_simulations
        Keep the simulated statistics (``result.esda.sim``) and report ``EI_sim``,
        ``seI_sim``, ``z_sim``, ``p_z_sim`` (NaN otherwise, as in esda; Germany at 9,999
        permutations holds 0.9 GB of them).
    n_jobs
        Processes for esda's compiled kernels (used above the NumPy size only).

    Returns
    -------
    LocalResult
        Indexed by AGS: ``Is``, ``q`` (esda's quadrant 1-4), ``lag`` (the neighbors'
        average of ``column``), ``p_sim`` (esda's "directed" pseudo p-value), ``EI_sim``,
        ``seI_sim``, ``z_sim``, ``p_z_sim``, ``quadrant`` (``High-High``, ``Low-High``,
        ``Low-Low``, ``High-Low``), ``significant``, ``cluster`` (the quadrant where
        significant, else ``Not significant``); ``.esda`` is the ``esda.Moran_Local``.

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

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(5) for c in range(5)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(5) for c in range(5)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> lisa = local_moran(gdf, "v", graph="rook", permutations=999, fdr=False)
    >>> lisa.loc[0, "quadrant"], lisa.loc[4, "quadrant"], float(lisa.loc[4, "lag"])
    ('Low-Low', 'High-High', 3.5)
    >>> type(lisa.esda).__name__
    'Moran_Local'
    """
    permutations, alpha, seed = options(permutations, alpha, seed, keep_simulations, len(gdf))
    values, w = prepare(gdf, column, graph)
    y = values[column].to_numpy()
    obj = _crand.esda_object(
        esda.Moran_Local,
        (y, w),
        {"transformation": "r"},
        permutations=permutations,
        seed=seed,
        keep=keep_simulations,
        n_jobs=n_jobs,
    )
    if permutations and _crand.numpy_sized(len(y), permutations):
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
    lag = obj.w.sparse @ y
    table = lisa_table(obj, values.index, lag, alpha, fdr, permutations)
    return finish(table, gdf.index, obj, w)


def local_moran_bv(
    gdf: pd.DataFrame,
    x: str,
    y: str,
    *,
    graph: GraphLike = "queen",
    permutations: int = 9999,
    alpha: float = 0.05,
    fdr: bool = True,
    keep_simulations: bool = True,
    seed: int = 0,
    n_jobs: int = 1,
) -> LocalResult:
    """Bivariate LISA: ``x`` in each municipality against its neighbors' ``y``.

    As ``esda.Moran_Local_BV``; options and columns as in :func:`local_moran`, with
    ``lag`` the neighbors' average of ``y`` and ``quadrant`` read as "``x`` high or low
    - neighbors' ``y`` high or low" (``High-Low``: high ``x`` among low ``y``).

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    x, y
        The column in each area, and the column whose neighbors' average it is compared with.
    graph
        The spatial weights (:func:`~ruhrgeo.spatial.build_graph`: ``"queen"``, a
        :class:`GraphSpec`, a GAL/GWT file or a libpysal ``Graph``).
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
        Columns as :func:`local_moran`'s; ``.esda`` is the ``esda.Moran_Local_BV``.

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

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(5) for c in range(5)]
    >>> gdf = gpd.GeoDataFrame({"a": [float(c) for r in range(5) for c in range(5)],
    ...                         "b": [float(r + c) for r in range(5) for c in range(5)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> lisa = local_moran_bv(gdf, "a", "b", graph="rook", permutations=99, fdr=False)
    >>> lisa.loc[24, "quadrant"], type(lisa.esda).__name__
    ('High-High', 'Moran_Local_BV')
    """
    if x == y:
        raise ParameterError(f"`x` and `y` are both {x!r}; for one variable use local_moran()")
    permutations, alpha, seed = options(permutations, alpha, seed, keep_simulations, len(gdf))
    values, w = prepare(gdf, [x, y], graph)
    vx, vy = values[x].to_numpy(), values[y].to_numpy()
    obj = _crand.esda_object(
        esda.Moran_Local_BV,
        (vx, vy, w),
        {"transformation": "r"},
        permutations=permutations,
        seed=seed,
        keep=keep_simulations,
        n_jobs=n_jobs,
    )
    if permutations and _crand.numpy_sized(len(vx), permutations):
        z = np.column_stack((obj.zx, obj.zy))
        _crand.fill(
            obj,
            z,
            obj.Is,
            _crand.moran_local_bv,
            (len(z) - 1) / (z[:, 0] * z[:, 0]).sum(),
            permutations=permutations,
            seed=seed,
            keep=keep_simulations,
            sims=("rlisas", "EI_sim", "seI_sim", "VI_sim"),
        )
    lag = obj.w.sparse @ vy
    table = lisa_table(obj, values.index, lag, alpha, fdr, permutations)
    return finish(table, gdf.index, obj, w)


def exact_p(p_sim: np.ndarray, permutations: int) -> np.ndarray:
    """esda's pseudo p-values as exact fractions of ``permutations + 1`` (esda keeps G's in
    float32)."""
    return np.rint(np.asarray(p_sim, float) * (permutations + 1)) / (permutations + 1)


def options(
    permutations: object, alpha: object, seed: object, keep: bool, n: int
) -> tuple[int, float, int]:
    keep = _params.flag(keep, "keep_simulations")
    return check_permutations(permutations, n, keep), check_alpha(alpha), _params.seed(seed)
