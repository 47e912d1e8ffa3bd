"""Geary's C: esda's Geary on the graph built (or given), with esda's names and object."""

from __future__ import annotations

from dataclasses import dataclass, field

import esda
import pandas as pd

from ruhrgeo import _params
from ruhrgeo.spatial._checks import check_permutations, prepare, seeded
from ruhrgeo.spatial._results import Result, p_text, simulated
from ruhrgeo.spatial.graphs import GraphLike, describe

__all__ = ["GearyResult", "geary"]


@dataclass(frozen=True)
class GearyResult(Result):
    """Geary's C (``esda.Geary``): below 1 neighbors are alike, above 1 unlike.

    Attributes
    ----------
    column : str
        The column analyzed.
    graph : str
        The weights used, described.
    n : int
        The number of areas.
    permutations : int
        The permutations of ``p_sim``.

    C, EC, VC_norm : float
        Geary's C, its expectation and variance under normality.
    z_norm, p_norm : float
        Its z-score and one-sided p-value under normality.
    EC_sim, seC_sim, z_sim : float
        Mean and standard deviation of the permuted statistics, and the observed one's z.
    p_sim : float
        esda's pseudo p-value.
    esda : esda.Geary
        esda's object.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from ruhrgeo import spatial
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(4) for c in range(4)],
    ...                         "b": [int(c < 2) for r in range(4) for c in range(4)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> round(spatial.geary(gdf, "v", graph="rook", permutations=99).C, 3)
    0.188
    """

    column: str
    graph: str
    n: int
    permutations: int
    C: float
    EC: float
    VC_norm: float
    z_norm: float
    p_norm: float
    EC_sim: float
    seC_sim: float
    z_sim: float
    p_sim: float
    esda: esda.Geary = field(repr=False, compare=False)

    def summary(self) -> str:
        """One sentence in plain language."""
        kind = "alike (positive autocorrelation)" if self.C < 1 else "unlike (negative)"
        return (
            f"Geary's C of {self.column} = {self.C:.3f} (1 without autocorrelation; "
            f"{p_text(self.p_sim)}, {self.permutations} permutations; {self.graph} weights, "
            f"n = {self.n}): neighbors are {kind}"
            + ("." if self.p_sim < 0.05 else ", but not significantly.")
        )


def geary(
    gdf: pd.DataFrame,
    column: str,
    *,
    graph: GraphLike = "queen",
    permutations: int = 9999,
    seed: int = 0,
) -> GearyResult:
    """Geary's C of ``column`` (row-standardized weights), as ``esda.Geary``.

    ``p_norm`` is one-sided, in the direction of the observed C (esda's convention).

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    column
        The numeric column to analyze.
    graph
        The spatial weights (:func:`~ruhrgeo.spatial.build_graph`: ``"queen"``, a
        :class:`GraphSpec`, a GAL/GWT file or a libpysal ``Graph``).
    permutations
        Permutations of the pseudo p-value ``p_sim`` (0: none).
    seed
        Seed of the permutations: the same seed gives the same ``p_sim`` as esda.

    Returns
    -------
    GearyResult
        ``C`` with its inference, and esda's ``Geary``.

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
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c < 2) for r in range(4) for c in range(4)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> round(geary(gdf, "v", graph="rook", permutations=99).C, 4)
    0.2734
    """
    permutations = check_permutations(permutations)
    values, w = prepare(gdf, column, graph)
    with seeded(_params.seed(seed)):
        g = esda.Geary(values[column].to_numpy(), w, transformation="r", permutations=permutations)
    return GearyResult(
        column=column,
        graph=describe(graph),
        n=len(values),
        permutations=permutations,
        C=float(g.C),
        EC=float(g.EC),
        VC_norm=float(g.VC_norm),
        z_norm=float(g.z_norm),
        p_norm=float(g.p_norm),
        EC_sim=simulated(g, "EC_sim"),
        seC_sim=simulated(g, "seC_sim"),
        z_sim=simulated(g, "z_sim"),
        p_sim=simulated(g, "p_sim"),
        esda=g,
    )
