"""Global autocorrelation: Moran's I (uni- and bivariate), Geary's C, join counts.

Each function validates its input, runs esda on the graph it built (or was given) and
returns a frozen result whose fields carry esda's names (``I``, ``EI``, ``z_norm``,
``p_sim``, ``z_sim``, ...) and whose ``esda`` field is esda's own object, for splot and
esda's plotting.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass, field
from typing import Any

import esda
import numpy as np
import pandas as pd

from ruhrgeo import _params
from ruhrgeo.errors import ParameterError
from ruhrgeo.spatial._checks import check_permutations, prepare, seeded
from ruhrgeo.spatial.graphs import GraphLike, describe

__all__ = [
    "BivariateMoranResult",
    "GearyResult",
    "JoinCountResult",
    "MoranResult",
    "geary",
    "join_counts",
    "moran",
    "moran_bv",
]


class _Result:
    """JSON-able fields (numbers as floats), without the library object."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.name == "esda":
                continue
            value = getattr(self, f.name)
            out[f.name] = value.item() if isinstance(value, np.generic) else value
        return {**out, "summary": self.summary()}  # type: ignore[attr-defined]


def _sim(obj: Any, name: str) -> float:
    return float(getattr(obj, name, np.nan))


def _p(p: float) -> str:
    return "not tested" if np.isnan(p) else f"p_sim = {p:.4f}"


@dataclass(frozen=True)
class MoranResult(_Result):
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
            f"autocorrelation; z = {self.z_norm:.2f}, {_p(self.p_sim)} from "
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
        EI_sim=_sim(m, "EI_sim"),
        seI_sim=_sim(m, "seI_sim"),
        z_sim=_sim(m, "z_sim"),
        p_sim=_sim(m, "p_sim"),
        esda=m,
    )


@dataclass(frozen=True)
class BivariateMoranResult(_Result):
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
            f"({_p(self.p_sim)}, {self.permutations} permutations; {self.graph} weights, "
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
        EI_sim=_sim(m, "EI_sim"),
        seI_sim=_sim(m, "seI_sim"),
        z_sim=_sim(m, "z_sim"),
        p_sim=_sim(m, "p_sim"),
        esda=m,
    )


@dataclass(frozen=True)
class GearyResult(_Result):
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
            f"{_p(self.p_sim)}, {self.permutations} permutations; {self.graph} weights, "
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
        EC_sim=_sim(g, "EC_sim"),
        seC_sim=_sim(g, "seC_sim"),
        z_sim=_sim(g, "z_sim"),
        p_sim=_sim(g, "p_sim"),
        esda=g,
    )


@dataclass(frozen=True)
class JoinCountResult(_Result):
    """Join counts of a binary column (``esda.Join_Counts``, binary weights): ``bb`` joins
    of two 1s, ``ww`` of two 0s, ``bw`` mixed, ``J`` all; ``p_sim_bb`` tests for more
    1-1 joins than chance, ``p_sim_bw`` for more mixed ones.

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

    bb, ww, bw, J : float
        Joins of two 1s, of two 0s, mixed, and all.
    mean_bb, mean_bw : float
        Their means over the permutations.
    p_sim_bb, p_sim_bw : float
        Pseudo p-values of more 1-1 joins, and of more mixed joins, than chance.
    esda : esda.Join_Counts
        esda's object.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from ruhrgeo import spatial
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(4) for c in range(4)],
    ...                         "b": [int(c < 2) for r in range(4) for c in range(4)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> spatial.join_counts(gdf, "b", graph="rook", permutations=99).bb
    10.0
    """

    column: str
    graph: str
    n: int
    permutations: int
    bb: float
    ww: float
    bw: float
    J: float
    mean_bb: float
    mean_bw: float
    p_sim_bb: float
    p_sim_bw: float
    esda: esda.Join_Counts = field(repr=False, compare=False)

    def summary(self) -> str:
        """One sentence in plain language."""
        return (
            f"{self.column}: {self.bb:g} joins between two 1s (chance: {self.mean_bb:.1f}, "
            f"{_p(self.p_sim_bb)}) and {self.bw:g} mixed joins (chance: {self.mean_bw:.1f}, "
            f"{_p(self.p_sim_bw)}) of {self.J:g}; {self.graph} weights, n = {self.n}."
        )


def join_counts(
    gdf: pd.DataFrame,
    column: str,
    *,
    graph: GraphLike = "queen",
    permutations: int = 9999,
    seed: int = 0,
) -> JoinCountResult:
    """Join counts of a binary (0/1 or True/False) ``column``, as ``esda.Join_Counts``.

    Turn a share into a binary layer first, e.g. ``(gdf["ftthb"] >= 50).astype(int)``.
    ``p_sim_bb`` and ``p_sim_bw`` are esda's (the same permutations from the same seed),
    counted in one pass instead of esda's chi-square test per permutation (2.6 ms each:
    26 s for 9,999); so the esda object's chi-square simulations are left out
    (``p_sim_chi2`` and ``sim_autocorr_chi2`` are NaN, ``sim_chi2`` is None).

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    column
        A binary column (0/1 or True/False).
    graph
        The spatial weights (:func:`~ruhrgeo.spatial.build_graph`: ``"queen"``, a
        :class:`GraphSpec`, a GAL/GWT file or a libpysal ``Graph``).
    permutations
        Permutations of the pseudo p-value ``p_sim`` (0: none).
    seed
        Seed of the permutations: the same seed gives the same ``p_sim`` as esda.

    Returns
    -------
    JoinCountResult
        The counts ``bb``, ``ww``, ``bw``, ``J``, their permutation p-values and esda's
        ``Join_Counts``.

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
    >>> gdf = gpd.GeoDataFrame({"fibre": [int(c < 2) for r in range(4) for c in range(4)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> result = join_counts(gdf, "fibre", graph="rook", permutations=99)
    >>> result.bb, result.bw, result.J
    (10.0, 4.0, 24.0)
    """
    permutations = check_permutations(permutations)
    values, w = prepare(gdf, column, graph)
    y = values[column].to_numpy()
    levels = np.unique(y)
    if not set(levels) <= {0.0, 1.0}:
        raise ParameterError(
            f"join counts need a binary `{column}` (0/1 or True/False), got values "
            f"{levels[:6].tolist()}; make one, e.g. (gdf[{column!r}] >= 50).astype(int)"
        )
    with warnings.catch_warnings():  # esda's own use of deprecated pandas
        warnings.simplefilter("ignore", DeprecationWarning)
        j = esda.Join_Counts(y.astype(int), w, permutations=0)
    if permutations:
        _join_count_permutations(j, permutations, _params.seed(seed))
    return JoinCountResult(
        column=column,
        graph=describe(graph),
        n=len(values),
        permutations=permutations,
        bb=float(j.bb),
        ww=float(j.ww),
        bw=float(j.bw),
        J=float(j.J),
        mean_bb=_sim(j, "mean_bb"),
        mean_bw=_sim(j, "mean_bw"),
        p_sim_bb=_sim(j, "p_sim_bb"),
        p_sim_bw=_sim(j, "p_sim_bw"),
        esda=j,
    )


def _join_count_permutations(j: esda.Join_Counts, permutations: int, seed: int) -> None:
    """esda.Join_Counts's permutation test, vectorised; fills esda's object."""
    position = {unit: i for i, unit in enumerate(j.w.unique_ids)}
    focal = j.adj_list["focal"].map(position).to_numpy()
    neighbor = j.adj_list["neighbor"].map(position).to_numpy()
    bb, bw = [], []
    with seeded(seed):
        for start in range(0, permutations, 1000):  # bounded memory, the same draws
            block = np.array(
                [np.random.permutation(j.y) for _ in range(min(1000, permutations - start))]  # noqa: NPY002
            )
            f, g = block[:, focal], block[:, neighbor]
            same = f == g
            bb.append((f * same).sum(axis=1) / 2)
            bw.append(((f * ~same).sum(axis=1) + ((1 - f) * ~same).sum(axis=1)) / 2)
    sim_bb, sim_bw = np.concatenate(bb), np.concatenate(bw)
    j.permutations = permutations
    j.sim_bb, j.sim_bw = sim_bb, sim_bw
    j.min_bb, j.mean_bb, j.max_bb = sim_bb.min(), sim_bb.mean(), sim_bb.max()
    j.min_bw, j.mean_bw, j.max_bw = sim_bw.min(), sim_bw.mean(), sim_bw.max()
    j.sim_autocurr_pos = j.J - sim_bw  # bb + ww: every join is one of bb, ww, bw
    j.sim_autocurr_neg = sim_bw
    j.sim_chi2, j.p_sim_chi2, j.sim_autocorr_chi2 = None, np.nan, np.nan

    def pseudo_p(sims: np.ndarray, observed: float) -> float:
        return (float((sims >= observed).sum()) + 1.0) / (permutations + 1.0)

    j.p_sim_bb, j.p_sim_bw = pseudo_p(sim_bb, j.bb), pseudo_p(sim_bw, j.bw)
    j.p_sim_autocorr_pos = pseudo_p(j.sim_autocurr_pos, j.autocorr_pos)
    j.p_sim_autocorr_neg = pseudo_p(sim_bw, j.autocorr_neg)
