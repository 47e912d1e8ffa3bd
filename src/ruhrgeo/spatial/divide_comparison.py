"""The north/south divide by every method side by side: the step and the gradient of
:func:`~ruhrgeo.spatial.north_south`, Theil's between share, and with covariates the regimes
model."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ruhrgeo.io.areas import as_keyed
from ruhrgeo.spatial.divide import Divide, divide_regimes, north_south
from ruhrgeo.spatial.graphs import GraphLike
from ruhrgeo.spatial.theil import theil_divide

__all__ = ["compare_divide"]


def compare_divide(
    gdf: pd.DataFrame,
    column: str,
    *,
    covariates: Sequence[str] = (),
    divide: Divide = None,
    graph: GraphLike = "queen",
    permutations: int = 9999,
    seed: int = 0,
) -> pd.DataFrame:
    """Every divide method on one column, one row each: ``estimate``, ``p``, ``north_higher``.

    Rows: ``step`` (north minus south, spatial error model), ``gradient`` (per 10 km
    northward, spatial error model), ``theil`` (between share of Theil's T, permutation
    p; ``north_higher`` from the plain means), and with covariates ``regimes`` (north
    minus south at the covariates' means in :func:`divide_regimes`'s model, with the Chow
    test's p of equal levels).

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    column
        The numeric column to analyze.
    covariates
        Columns for the regimes model (none: no ``regimes`` row).
    divide
        Where north ends: a latitude (degrees), a northing (meters), a shapely ``LineString``
        in the data's CRS, or None for the median northing of the centroids.
    graph
        The spatial weights (:func:`~ruhrgeo.spatial.build_graph`: ``"queen"``, a
        :class:`GraphSpec`, a GAL/GWT file or a libpysal ``Graph``).
    permutations
        Permutations of the pseudo p-value ``p_sim`` (0: none).
    seed
        Seed of the permutations: the same seed gives the same ``p_sim`` as esda.

    Returns
    -------
    pandas.DataFrame
        Indexed by method (``step``, ``gradient``, ``theil``, ``regimes``): ``estimate``,
        ``p``, ``north_higher``.

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

    ruhrgeo.errors.ModelError
        Too few areas for the parameters, collinear covariates, or spreg fails.

    Examples
    --------
    >>> import geopandas as gpd, shapely, numpy as np
    >>> cells = [shapely.box(c * 1e4, r * 1e4, (c + 1) * 1e4, (r + 1) * 1e4)
    ...          for r in range(6) for c in range(6)]
    >>> noise = np.random.default_rng(1).normal(0, 2, 36)
    >>> gdf = gpd.GeoDataFrame({"v": [20.0 + 10 * r for r in range(6) for c in range(6)]
    ...                         + noise}, geometry=cells, crs=25832).rename_axis("cell")
    >>> table = compare_divide(gdf, "v", permutations=99)
    >>> table.index.tolist(), table["p"].round(3).tolist()
    (['step', 'gradient', 'theil'], [0.433, 0.0, 0.01])
    """
    gdf = as_keyed(gdf)
    ns = north_south(gdf, column, divide=divide, graph=graph, permutations=0, seed=seed)
    theil = theil_divide(gdf, column, divide=divide, permutations=permutations, seed=seed)
    rows = {
        "step": (ns.difference_sem, ns.difference_p_value, ns.difference_sem > 0),
        "gradient": (ns.slope_per_10km, ns.p_value, ns.slope_per_10km > 0),
        "theil": (theil.between_share, theil.p_sim, ns.difference > 0),
    }
    if len(covariates):
        model = divide_regimes(gdf, column, covariates, divide=divide, graph=graph)
        level = model.table.loc["CONSTANT"].set_index("regime")["coefficient"]
        gap = float(level["north"] - level["south"])
        rows["regimes"] = (gap, float(model.chow.loc["CONSTANT", "p"]), gap > 0)  # type: ignore[union-attr]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["estimate", "p", "north_higher"])
    table.index.name = "method"
    return table
