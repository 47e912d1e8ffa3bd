"""The north/south divide of a value, tested against spatial autocorrelation."""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass, field

import esda
import geopandas as gpd
import numpy as np
import shapely

from ruhrgeo._geometry import centroids, north_of
from ruhrgeo.errors import ParameterError
from ruhrgeo.spatial._checks import prepare, seeded

__all__ = ["NorthSouthResult", "north_south"]


@dataclass(frozen=True)
class NorthSouthResult:
    """The north/south divide of one column, tested against spatial autocorrelation."""

    column: str
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
    method: str = field(default="spatial error model (spreg.ML_Error, queen contiguity)")

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


def north_south(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    divide: float | shapely.LineString | None = None,
    permutations: int = 9999,
    seed: int = 0,
) -> NorthSouthResult:
    """Test whether ``column`` is higher in the north, allowing for spatial autocorrelation.

    Two spatial error models (maximum likelihood, ``spreg.ML_Error``, queen contiguity,
    islands joined to their nearest neighbour) are fitted: ``y ~ northing`` gives
    ``slope_per_10km`` and ``p_value`` (the test of a gradient); ``y ~ north`` (1 north
    of the divide, 0 south) gives ``difference_sem`` and ``difference_p_value`` (the test
    of a step at the divide beyond spatially autocorrelated variation: a smooth gradient
    shows up in the slope, not as a step). ``north_mean``, ``south_mean`` and
    ``difference`` (north minus south) are plain means. ``residual_moran_p`` is the
    permutation p-value of Moran's I of the ordinary least-squares residuals of
    ``y ~ northing``: a small value means an ordinary regression's p-value would be too
    optimistic, which is why the spatial error model is used.

    Parameters
    ----------
    divide
        A latitude (degrees, |value| <= 90), a northing in the data's projected CRS
        (metres), or a line (in the data's CRS; north = above it). Default: the median
        northing of the centroids, splitting the municipalities in halves.

    Examples
    --------
    >>> import geopandas as gpd, shapely, numpy as np
    >>> cells = [shapely.box(c * 1e4, r * 1e4, (c + 1) * 1e4, (r + 1) * 1e4)
    ...          for r in range(6) for c in range(6)]
    >>> noise = np.random.default_rng(1).normal(0, 2, 36)
    >>> values = [10.0 * r for r in range(6) for c in range(6)] + noise
    >>> gdf = gpd.GeoDataFrame({"v": values}, geometry=cells, crs=25832)
    >>> result = north_south(gdf, "v", permutations=99)
    >>> round(result.slope_per_10km), result.p_value < 0.001
    (10, True)
    """
    import spreg

    y, w = prepare(gdf, column, "queen")
    points = centroids(gdf.loc[y.index])
    northing = points.y.to_numpy()
    is_north, label = north_of(gdf.loc[y.index], points, divide)
    is_north = np.asarray(is_north, dtype=bool)
    if is_north.all() or not is_north.any():
        raise ParameterError(
            f"`divide` {label} puts all {len(y)} municipalities on one side; choose one "
            "that lies within the data"
        )
    weights = w.transform("r").to_W()
    values = y.to_numpy()[:, None]
    km10 = (northing - northing.mean())[:, None] / 10_000
    # spreg prints its model name and warns about its own NumPy/pandas use: keep it quiet
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore", (RuntimeWarning, DeprecationWarning, FutureWarning))
        trend = spreg.ML_Error(values, km10, weights, name_x=["northing_10km"])
        split = spreg.ML_Error(values, is_north[:, None].astype(float), weights, name_x=["north"])
    residuals = values[:, 0] - np.polyval(np.polyfit(km10[:, 0], values[:, 0], 1), km10[:, 0])
    with seeded(seed):
        residual_moran = esda.Moran(residuals, w, transformation="r", permutations=permutations)
    return NorthSouthResult(
        column=column,
        slope_per_10km=float(trend.betas[1, 0]),
        p_value=float(trend.z_stat[1][1]),
        north_mean=float(values[is_north, 0].mean()),
        south_mean=float(values[~is_north, 0].mean()),
        difference=float(values[is_north, 0].mean() - values[~is_north, 0].mean()),
        difference_p_value=float(split.z_stat[1][1]),
        difference_sem=float(split.betas[1, 0]),
        divide=label,
        n_north=int(is_north.sum()),
        n_south=int((~is_north).sum()),
        lambda_=float(trend.betas[-1, 0]),
        residual_moran_p=float(residual_moran.p_sim) if permutations else np.nan,
    )
