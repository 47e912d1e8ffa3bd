"""The north/south divide of a value in spatial models: where the divide runs (:func:`sides`),
a gradient and a step at the divide in spatial error models (:func:`north_south`), and a
spatial error model with north and south as regimes with the Chow test whether its
coefficients differ (:func:`divide_regimes`). Theil's decomposition is in ``theil.py``, all
methods side by side in ``divide_comparison.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import esda
import numpy as np
import pandas as pd
import shapely

from ruhrgeo import _params
from ruhrgeo._geometry import centroids, north_of
from ruhrgeo._validate import column_values
from ruhrgeo.errors import ParameterError
from ruhrgeo.io.areas import as_keyed
from ruhrgeo.spatial._checks import check_permutations, prepare, seeded
from ruhrgeo.spatial.graphs import GraphLike, describe, with_geometries
from ruhrgeo.spatial.model_results import ModelResult
from ruhrgeo.spatial.models import covariate_names, fit, spatial_error

__all__ = ["Divide", "NorthSouthResult", "divide_regimes", "north_south", "sides"]

Divide = float | shapely.LineString | None


@dataclass(frozen=True)
class NorthSouthResult:
    """The north/south divide of one column, tested against spatial autocorrelation.

    Attributes
    ----------
    column : str
        The column tested.
    graph : str
        The weights of the spatial error models.
    slope_per_10km, p_value : float
        The gradient northward and its p-value (spatial error model ``y ~ northing``).
    north_mean, south_mean, difference : float
        Plain means north and south of the divide, and their difference.
    difference_sem, difference_p_value : float
        The step at the divide from the spatial error model ``y ~ north`` and its p-value.
    divide : str
        The divide used.
    n_north, n_south : int
        Areas on each side.
    lambda_ : float
        The spatial error parameter of the step model.
    residual_moran_p : float
        Moran's I p-value of the OLS trend's residuals.
    trend, step : spreg.ML_Error
        spreg's two models.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from ruhrgeo import spatial
    >>> cells = [shapely.box(c * 1e4, r * 1e4, (c + 1) * 1e4, (r + 1) * 1e4)
    ...          for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [10.0 + 5 * (r >= 2) + c % 2 for r in range(4)
    ...                               for c in range(4)]}, geometry=cells, crs=25832)
    >>> result = spatial.north_south(gdf.rename_axis("cell"), "v", permutations=99)
    >>> result.difference
    5.0
    """

    column: str
    graph: str
    slope_per_10km: float
    p_value: float
    north_mean: float
    south_mean: float
    difference: float
    difference_p_value: float
    difference_sem: float
    divide: str
    n_north: int
    n_south: int
    lambda_: float
    residual_moran_p: float
    trend: Any = field(repr=False, compare=False)
    step: Any = field(repr=False, compare=False)

    @property
    def method(self) -> str:
        return f"spatial error model (spreg.ML_Error, {self.graph} weights)"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able fields and the summary (without spreg's objects)."""
        skip = {"trend", "step"}
        fields = {k: v for k, v in self.__dict__.items() if k not in skip}
        return {**fields, "method": self.method, "summary": self.summary()}

    def summary(self) -> str:
        """The result in plain language."""
        direction = "higher" if self.difference >= 0 else "lower"
        trend = "rises" if self.slope_per_10km >= 0 else "falls"
        return (
            f"{self.column} is {abs(self.difference):.1f} points {direction} in the north "
            f"({self.north_mean:.1f} vs {self.south_mean:.1f}; {self.n_north} vs {self.n_south} "
            f"municipalities, divide {self.divide}); p = {self.difference_p_value:.2g} for a "
            f"step at the divide. Northward it {trend} by {abs(self.slope_per_10km):.2f} "
            f"points per 10 km; p = {self.p_value:.2g} ({self.method})."
        )


def sides(gdf: pd.DataFrame, index: pd.Index, divide: Divide) -> tuple[np.ndarray, np.ndarray, str]:
    """Northing (m) and north-of-the-divide flags of the units in ``index``, and a label."""
    units = with_geometries(gdf, "the north/south divide").loc[index]
    points = centroids(units)
    if divide is not None and not isinstance(divide, shapely.LineString):
        divide = _params.number(divide, "divide (a latitude, a northing in meters or a LineString)")
    is_north, label = north_of(units, points, divide)
    is_north = np.asarray(is_north, dtype=bool)
    if is_north.all() or not is_north.any():
        raise ParameterError(
            f"`divide` {label} puts all {len(index)} municipalities on one side; choose one "
            "that lies within the data"
        )
    return points.y.to_numpy(), is_north, label


def north_south(
    gdf: pd.DataFrame,
    column: str,
    *,
    divide: Divide = None,
    graph: GraphLike = "queen",
    permutations: int = 9999,
    seed: int = 0,
) -> NorthSouthResult:
    """Test whether ``column`` is higher in the north, allowing for spatial autocorrelation.

    Two spatial error models (maximum likelihood, ``spreg.ML_Error`` with ``graph``,
    row-standardized) are fitted: ``y ~ northing`` gives ``slope_per_10km`` and
    ``p_value`` (the test of a gradient); ``y ~ north`` (1 north of the divide, 0 south)
    gives ``difference_sem`` and ``difference_p_value`` (the test of a step at the divide
    beyond spatially autocorrelated variation: a smooth gradient shows in the slope, not
    necessarily as a step). ``north_mean``/``south_mean``/``difference`` are plain means;
    ``residual_moran_p`` is Moran's I permutation p-value of the OLS trend's residuals
    (are they autocorrelated at all?). ``trend`` and ``step`` are spreg's objects.

    ``divide``: a latitude (degrees), a northing (meters, in the data's projected CRS or
    ETRS89 / UTM 32N), a shapely ``LineString`` in the data's CRS, or by default the
    median northing of the centroids, splitting the municipalities in halves.

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    column
        The numeric column to analyze.
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
    NorthSouthResult
        The gradient and the step with their tests, the plain means and spreg's two models.

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
    >>> values = [10.0 * r for r in range(6) for c in range(6)] + noise
    >>> gdf = gpd.GeoDataFrame({"v": values}, geometry=cells, crs=25832).rename_axis("cell")
    >>> result = north_south(gdf, "v", permutations=99)
    >>> round(result.slope_per_10km), result.p_value < 0.001
    (10, True)
    """
    gdf = as_keyed(gdf)
    permutations = check_permutations(permutations)
    seed = _params.seed(seed)
    values, w = prepare(gdf, column, graph)
    northing, is_north, label = sides(gdf, values.index, divide)
    y = values[column].to_numpy()
    weights = w.transform("r").to_W()
    km10 = (northing - northing.mean())[:, None] / 10_000
    trend = fit("ML_Error", y, km10, ["northing_10km"], weights, column=column)
    step = fit("ML_Error", y, is_north[:, None].astype(float), ["north"], weights, column=column)
    residuals = y - np.polyval(np.polyfit(km10[:, 0], y, 1), km10[:, 0])
    with seeded(seed):
        residual_moran = esda.Moran(residuals, w, transformation="r", permutations=permutations)
    return NorthSouthResult(
        column=column,
        graph=describe(graph),
        slope_per_10km=float(trend.betas[1, 0]),
        p_value=float(trend.z_stat[1][1]),
        north_mean=float(y[is_north].mean()),
        south_mean=float(y[~is_north].mean()),
        difference=float(y[is_north].mean() - y[~is_north].mean()),
        difference_p_value=float(step.z_stat[1][1]),
        difference_sem=float(step.betas[1, 0]),
        divide=label,
        n_north=int(is_north.sum()),
        n_south=int((~is_north).sum()),
        lambda_=float(trend.betas[-1, 0]),
        residual_moran_p=float(residual_moran.p_sim) if permutations else np.nan,
        trend=trend,
        step=step,
    )


def divide_regimes(
    gdf: pd.DataFrame,
    column: str,
    covariates: Sequence[str],
    *,
    divide: Divide = None,
    graph: GraphLike = "queen",
) -> ModelResult:
    """A spatial error model of ``column`` on ``covariates`` with north and south as
    regimes (``spreg.ML_Error_Regimes``): does the level, or a covariate's effect, differ
    across the divide once the covariates and spatial autocorrelation are allowed for? The
    Chow test (``result.chow``) answers per term and jointly. The covariates are centered
    on their means, so each regime's ``CONSTANT`` is its level at the data's average
    covariates, and the Chow test of ``CONSTANT`` tests a step at the divide, other things
    equal.

    At least one covariate is needed (for the constant alone, the step of
    :func:`north_south` is the same test).

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    column
        The numeric column to analyze.
    covariates
        The explanatory columns (at least one), centered on their means.
    divide
        Where north ends: a latitude (degrees), a northing (meters), a shapely ``LineString``
        in the data's CRS, or None for the median northing of the centroids.
    graph
        The spatial weights (:func:`~ruhrgeo.spatial.build_graph`: ``"queen"``, a
        :class:`GraphSpec`, a GAL/GWT file or a libpysal ``Graph``).

    Returns
    -------
    ModelResult
        The coefficients per regime (``north``, ``south``) and the Chow test.

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
    >>> x = np.random.default_rng(2).normal(0, 1, 36)
    >>> step = np.array([8.0 * (r >= 3) for r in range(6) for c in range(6)])
    >>> gdf = gpd.GeoDataFrame({"v": step + x, "x": x}, geometry=cells, crs=25832)
    >>> gdf = gdf.rename_axis("cell")
    >>> result = divide_regimes(gdf, "v", ["x"])
    >>> bool(result.chow.loc["CONSTANT", "p"] < 0.001)
    True
    """
    gdf = as_keyed(gdf)
    names = covariate_names(covariates, column)
    if not names:
        raise ParameterError(
            "divide_regimes needs at least one covariate; for the constant alone, "
            "north_south's step (difference_p_value) is the test"
        )
    y = column_values(gdf, column)
    _, is_north, _ = sides(gdf, y.index, divide)
    regimes = pd.Series(np.where(is_north, "north", "south"), index=y.index)
    centered = gdf.assign(
        **{c: column_values(gdf, c) - column_values(gdf, c).mean() for c in names}
    )
    return spatial_error(centered, column, names, graph=graph, regimes=regimes)
