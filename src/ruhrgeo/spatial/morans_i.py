"""Global Moran's I, uni- and bivariate: esda's Moran and Moran_BV on the graph built (or
given), a frozen result with esda's names (``I``, ``EI``, ``z_norm``, ``p_sim``, ...) and
esda's own object in ``esda``, for splot and esda's plotting."""

from __future__ import annotations

from dataclasses import dataclass, field

import esda
import pandas as pd

from ruhrgeo import _params
from ruhrgeo.errors import ParameterError
from ruhrgeo.spatial._checks import check_permutations, prepare, seeded
from ruhrgeo.spatial._results import Result, p_text, simulated
from ruhrgeo.spatial.graphs import GraphLike, describe

__all__ = ["BivariateMoranResult", "MoranResult", "moran", "moran_bv"]


@dataclass(frozen=True)
class MoranResult(Result):
    """Global Moran's I with normal and permutation inference, esda's names and object.

    ``p_norm`` is two-sided; ``p_sim`` is esda's pseudo p-value (the share of permutations
    at least as extreme on the observed side); ``z_sim`` and the ``_sim`` moments come
    from the permutations (NaN with ``permutations=0``).

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

    I, EI, VI_norm : float
        Moran's I, its expectation and variance under normality.
    z_norm, p_norm : float
        Its z-score and two-sided p-value under normality.

    EI_sim, seI_sim, z_sim : float
        Mean and standard deviation of the permuted statistics, and the observed one's z.
    p_sim : float
        esda's pseudo p-value.

    esda : esda.Moran
        esda's object.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from ruhrgeo import spatial
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(4) for c in range(4)],
    ...                         "b": [int(c < 2) for r in range(4) for c in range(4)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> result = spatial.moran(gdf, "v", graph="rook", permutations=99)
    >>> round(result.I, 3), result.p_sim
    (0.75, 0.01)
    """

    column: str
    graph: str
    n: int
    permutations: int
    I: float  # noqa: E741 (esda's name)
    EI: float
    VI_norm: float
    z_norm: float
    p_norm: float
    EI_sim: float
    seI_sim: float
    z_sim: float
    p_sim: float
    esda: esda.Moran = field(repr=False, compare=False)

    def summary(self) -> str:
        """One sentence in plain language."""
        kind = "clustered" if self.I > self.EI else "dispersed"
        verdict = "." if self.p_sim < 0.05 else ", but not significantly."
        return (
            f"Moran's I of {self.column} = {self.I:.3f} (expected {self.EI:.3f} without "
            f"autocorrelation; z = {self.z_norm:.2f}, {p_text(self.p_sim)} from "
            f"{self.permutations} permutations; {self.graph} weights, n = {self.n}): values "
            f"are {kind}" + verdict
        )


def moran(
    gdf: pd.DataFrame,
    column: str,
    *,
    graph: GraphLike = "queen",
    permutations: int = 9999,
    seed: int = 0,
) -> MoranResult:
    """Global Moran's I of ``column`` (row-standardized weights), as ``esda.Moran``.

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
    MoranResult
        ``I``, its analytical and permutation inference, and esda's ``Moran``.

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
    >>> result = moran(gdf, "v", graph="rook", permutations=99)
    >>> round(result.I, 4), round(result.EI, 4), result.p_sim
    (0.7083, -0.0667, 0.01)
    """
    permutations = check_permutations(permutations)
    values, w = prepare(gdf, column, graph)
    with seeded(_params.seed(seed)):
        m = esda.Moran(values[column].to_numpy(), w, transformation="r", permutations=permutations)
    return MoranResult(
        column=column,
        graph=describe(graph),
        n=len(values),
        permutations=permutations,
        I=float(m.I),
        EI=float(m.EI),
        VI_norm=float(m.VI_norm),
        z_norm=float(m.z_norm),
        p_norm=float(m.p_norm),
        EI_sim=simulated(m, "EI_sim"),
        seI_sim=simulated(m, "seI_sim"),
        z_sim=simulated(m, "z_sim"),
        p_sim=simulated(m, "p_sim"),
        esda=m,
    )


@dataclass(frozen=True)
class BivariateMoranResult(Result):
    """Bivariate Moran's I of ``x`` with the spatial lag of ``y`` (``esda.Moran_BV``).

    Attributes
    ----------
    x, y : str
        The column and the column whose neighbors' average it is compared with.
    graph : str
        The weights used, described.
    n : int
        The number of areas.
    permutations : int
        The permutations of ``p_sim``.
    I : float
        The bivariate Moran's I.

    EI_sim, seI_sim, z_sim : float
        Mean and standard deviation of the permuted statistics, and the observed one's z.
    p_sim : float
        esda's pseudo p-value.

    esda : esda.Moran_BV
        esda's object.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from ruhrgeo import spatial
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(4) for c in range(4)],
    ...                         "b": [int(c < 2) for r in range(4) for c in range(4)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> result = spatial.moran_bv(gdf, "v", "b", graph="rook", permutations=99)
    >>> result.I < 0
    True
    """

    x: str
    y: str
    graph: str
    n: int
    permutations: int
    I: float  # noqa: E741 (esda's name)
    EI_sim: float
    seI_sim: float
    z_sim: float
    p_sim: float
    esda: esda.Moran_BV = field(repr=False, compare=False)

    def summary(self) -> str:
        """One sentence in plain language."""
        sign = "high" if self.I > 0 else "low"
        return (
            f"Bivariate Moran's I of {self.x} with the neighbors' {self.y} = {self.I:.3f} "
            f"({p_text(self.p_sim)}, {self.permutations} permutations; {self.graph} weights, "
            f"n = {self.n}): where {self.x} is high, the neighbors' {self.y} tends to be "
            f"{sign}" + ("." if self.p_sim < 0.05 else ", but not significantly.")
        )


def moran_bv(
    gdf: pd.DataFrame,
    x: str,
    y: str,
    *,
    graph: GraphLike = "queen",
    permutations: int = 9999,
    seed: int = 0,
) -> BivariateMoranResult:
    """Bivariate Moran's I: ``x`` against the spatial lag of ``y`` (e.g. FTTB/H against
    the neighbors' IT employment), as ``esda.Moran_BV`` (row-standardized weights;
    permutations shuffle ``y``).

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
    seed
        Seed of the permutations: the same seed gives the same ``p_sim`` as esda.

    Returns
    -------
    BivariateMoranResult
        ``I`` with its permutation inference, and esda's ``Moran_BV``.

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
    >>> gdf = gpd.GeoDataFrame({"a": [float(c) for r in range(4) for c in range(4)],
    ...                         "b": [float(c * c) for r in range(4) for c in range(4)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> result = moran_bv(gdf, "a", "b", graph="rook", permutations=99)
    >>> round(result.I, 3), result.p_sim
    (0.719, 0.01)
    """
    if x == y:
        raise ParameterError(f"`x` and `y` are both {x!r}; for one variable use moran()")
    permutations = check_permutations(permutations)
    values, w = prepare(gdf, [x, y], graph)
    with seeded(_params.seed(seed)):
        m = esda.Moran_BV(values[x].to_numpy(), values[y].to_numpy(), w, permutations=permutations)
    return BivariateMoranResult(
        x=x,
        y=y,
        graph=describe(graph),
        n=len(values),
        permutations=permutations,
        I=float(m.I),
        EI_sim=simulated(m, "EI_sim"),
        seI_sim=simulated(m, "seI_sim"),
        z_sim=simulated(m, "z_sim"),
        p_sim=simulated(m, "p_sim"),
        esda=m,
    )
