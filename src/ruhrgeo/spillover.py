"""University spill-over: distance-decay access, allocation, reach, and the radius from data.

Distances are measured between each source point (a campus) and each municipality, in a
projected metric CRS: the municipalities' own when it is projected, else ETRS89 / UTM 32N
inside Germany. With ``to="population"`` the distance is the population-weighted mean
distance of the municipality's inhabitants (cells of a population grid) from the source.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.cluster.vq import kmeans2

from ruhrgeo._stats import column_values
from ruhrgeo.boundaries import read_municipalities
from ruhrgeo.coverage import read_coverage
from ruhrgeo.divide import north_of
from ruhrgeo.errors import (
    CRSMissingError,
    InvalidGeometryError,
    MissingColumnError,
    MissingValuesError,
    ParameterError,
    RuhrgeoWarning,
    StatisticsError,
    ValueRangeError,
)
from ruhrgeo.grid import Grid
from ruhrgeo.overlay import Overlay
from ruhrgeo.weights import centroids, positive

__all__ = [
    "KERNELS",
    "RadiusEstimate",
    "ReachResult",
    "access",
    "allocate",
    "distances_km",
    "estimate_radius",
    "kernel_weight",
    "reach",
]

Kernel = Literal["uniform", "linear", "gaussian", "exponential"]
KERNELS: tuple[str, ...] = ("uniform", "linear", "gaussian", "exponential")
_CUT = {"gaussian": 3.0, "exponential": 5.0}  # in radii: beyond, the kernel is 0
PopulationSource = Grid | str | os.PathLike[str] | None


class SpilloverWarning(RuhrgeoWarning):
    """A source's kernel reaches no municipality; its value stays where it is."""


def kernel_weight(
    distance_km: np.ndarray, radius_km: float, kernel: Kernel = "linear"
) -> np.ndarray:
    """The kernel's weight at ``distance_km`` for radius ``radius_km``.

    ``uniform``: 1 if d <= r; ``linear``: max(0, 1 - d/r); ``gaussian``:
    exp(-(d/r)^2 / 2), 0 beyond 3r; ``exponential``: exp(-d/r), 0 beyond 5r.

    Examples
    --------
    >>> kernel_weight(np.array([0.0, 5.0, 10.0, 20.0]), 10.0, "linear").tolist()
    [1.0, 0.5, 0.0, 0.0]
    >>> round(float(kernel_weight(np.array([10.0]), 10.0, "gaussian")[0]), 6)
    0.606531
    """
    _check_kernel(kernel)
    positive(radius_km, "radius_km", "the spill-over radius in km")
    u = np.asarray(distance_km, dtype=float) / radius_km
    if kernel == "uniform":
        return (u <= 1).astype(float)
    if kernel == "linear":
        return np.clip(1 - u, 0, None)
    inside = u <= _CUT[kernel]
    return np.where(inside, np.exp(-(u**2) / 2) if kernel == "gaussian" else np.exp(-u), 0.0)


def distances_km(
    municipalities: gpd.GeoDataFrame,
    sources: gpd.GeoDataFrame,
    *,
    to: Literal["centroid", "population"] = "centroid",
    population: PopulationSource = None,
) -> pd.DataFrame:
    """Distance in km from every source (columns) to every municipality (rows, AGS).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> munis = gpd.GeoDataFrame({"ags": ["05913000"], "name": ["A"]},
    ...                          geometry=[shapely.box(0, 0, 2000, 2000)], crs=25832)
    >>> campus = gpd.GeoDataFrame(geometry=[shapely.Point(4000, 1000)], crs=25832)
    >>> distances_km(munis, campus).round(3).to_numpy().tolist()
    [[3.0]]
    """
    munis = read_municipalities(municipalities)
    points = _source_points(sources)
    if to == "centroid":
        centres = centroids(munis)
        at = points.to_crs(centres.crs).to_numpy()
        matrix = shapely.distance(centres.to_numpy()[:, None], at[None, :]) / 1000
        return pd.DataFrame(matrix, index=munis.index, columns=sources.index)
    if to != "population":
        raise ParameterError(f"`to` must be 'centroid' or 'population', got {to!r}")
    if population is None:
        raise ParameterError("`to='population'` needs a `population` grid (e.g. Zensus)")
    grid = read_coverage(population)
    cells = (overlay := Overlay(munis, grid)).weighted_cells(grid)
    at = points.to_crs(overlay.spec.crs)
    total = cells.groupby("ags", sort=False)["weight"].sum().reindex(munis.index)
    if (total <= 0).any():
        empty = list(total.index[total <= 0][:10])
        raise StatisticsError(
            f"no population in the grid for {empty}; use `to='centroid'` or another grid"
        )
    columns = {}
    for label, point in zip(sources.index, at, strict=True):
        d = np.hypot(cells["x"] - point.x, cells["y"] - point.y) / 1000
        columns[label] = (d * cells["weight"]).groupby(cells["ags"], sort=False).sum()
    return pd.DataFrame(columns).reindex(munis.index).div(total, axis=0)


def access(
    municipalities: gpd.GeoDataFrame,
    sources: gpd.GeoDataFrame,
    *,
    radius_km: float,
    kernel: Kernel = "linear",
    size: str | None = None,
    to: Literal["centroid", "population"] = "centroid",
    population: PopulationSource = None,
) -> pd.Series:
    """Sum over sources of ``size_s * k(d_is / r)``: how much of the sources reaches each place.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> munis = gpd.GeoDataFrame({"ags": ["05913000", "05911000"], "name": ["A", "B"]},
    ...     geometry=[shapely.box(0, 0, 2000, 2000), shapely.box(8000, 0, 10000, 2000)], crs=25832)
    >>> campus = gpd.GeoDataFrame({"students": [100.0]}, geometry=[shapely.Point(1000, 1000)],
    ...                           crs=25832)
    >>> access(munis, campus, radius_km=10, size="students").tolist()
    [100.0, 20.0]
    """
    distances = distances_km(municipalities, sources, to=to, population=population)
    weights = kernel_weight(distances.to_numpy(), radius_km, kernel)
    return pd.Series(weights @ _sizes(sources, size), index=distances.index, name="access")


def allocate(
    municipalities: gpd.GeoDataFrame,
    sources: gpd.GeoDataFrame,
    value: str,
    *,
    radius_km: float,
    kernel: Kernel = "linear",
    to: Literal["centroid", "population"] = "centroid",
    population: PopulationSource = None,
) -> pd.Series:
    """Spread each source's ``value`` over the municipalities with weights k(d)/sum k(d).

    Totals are conserved exactly. A source whose kernel reaches no municipality keeps its
    value in the municipality that contains it (or the nearest one), with a warning.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> munis = gpd.GeoDataFrame({"ags": ["05913000", "05911000"], "name": ["A", "B"]},
    ...     geometry=[shapely.box(0, 0, 2000, 2000), shapely.box(8000, 0, 10000, 2000)], crs=25832)
    >>> campus = gpd.GeoDataFrame({"graduates": [120.0]}, geometry=[shapely.Point(1000, 1000)],
    ...                           crs=25832)
    >>> allocate(munis, campus, "graduates", radius_km=10).tolist()
    [100.0, 20.0]
    """
    distances = distances_km(municipalities, sources, to=to, population=population)
    amounts = _sizes(sources, value)
    weights = kernel_weight(distances.to_numpy(), radius_km, kernel)
    totals = weights.sum(axis=0)
    stranded = np.flatnonzero(totals <= 0)
    if stranded.size:
        home = _home_municipality(municipalities, sources.iloc[stranded])
        weights[:, stranded] = 0.0
        weights[home, stranded] = 1.0
        totals = weights.sum(axis=0)
        names = ", ".join(_labels(sources)[stranded][:10])
        warnings.warn(
            f"{stranded.size} source(s) reach no municipality within the kernel "
            f"({kernel}, {radius_km} km) and keep their `{value}` where they are: {names}",
            SpilloverWarning,
            stacklevel=2,
        )
    share = weights / totals
    return pd.Series(share @ amounts, index=distances.index, name=f"{value}_allocated")


@dataclass(frozen=True)
class ReachResult:
    """Which municipalities the sources reach, and a north/south count."""

    table: pd.DataFrame
    north_reached: int
    north_total: int
    south_reached: int
    south_total: int
    divide: str

    def summary(self) -> str:
        """One sentence in plain language."""
        return (
            f"The sources reach {self.north_reached} of {self.north_total} northern and "
            f"{self.south_reached} of {self.south_total} southern municipalities "
            f"(divide: {self.divide})."
        )


def reach(
    municipalities: gpd.GeoDataFrame,
    sources: gpd.GeoDataFrame,
    *,
    radius_km: float,
    kernel: Kernel = "linear",
    threshold: float = 0.1,
    divide: float | shapely.LineString | None = None,
) -> ReachResult:
    """Municipalities that get at least ``threshold`` of the kernel weight from some source.

    ``table`` (indexed by AGS) has ``weight`` (the largest kernel weight from any source),
    ``source`` (which), ``reached`` and ``north``; the counts split the municipalities at
    ``divide`` (see :func:`ruhrgeo.spatial.north_south`; default the median northing).
    """
    if not 0 < threshold <= 1:
        raise ParameterError(f"`threshold` must lie in (0, 1], got {threshold}")
    munis = read_municipalities(municipalities)
    distances = distances_km(munis, sources)
    weights = kernel_weight(distances.to_numpy(), radius_km, kernel)
    strongest = weights.argmax(axis=1)
    is_north, label = north_of(munis, centroids(munis), divide)
    is_north = np.asarray(is_north, dtype=bool)
    table = pd.DataFrame(
        {
            "weight": weights.max(axis=1),
            "source": _labels(sources)[strongest],
            "north": is_north,
        },
        index=munis.index,
    )
    table["reached"] = table["weight"] >= threshold
    return ReachResult(
        table=table,
        north_reached=int((table["reached"] & is_north).sum()),
        north_total=int(is_north.sum()),
        south_reached=int((table["reached"] & ~is_north).sum()),
        south_total=int((~is_north).sum()),
        divide=label,
    )


@dataclass(frozen=True)
class RadiusEstimate:
    """The spill-over radius that best explains an outcome, with its uncertainty."""

    outcome: str
    kernel: str
    radius_km: float
    ci_low_km: float
    ci_high_km: float
    effect: float
    effect_p_value: float
    r2: float
    profile: pd.DataFrame
    n: int
    n_boot: int
    n_blocks: int
    alpha: float

    @property
    def significant(self) -> bool:
        """Whether the data show a spill-over effect at level ``alpha``."""
        return bool(self.effect_p_value < self.alpha)

    def summary(self) -> str:
        """The result in plain language."""
        ci = f"{100 * (1 - self.alpha):.0f} % CI {self.ci_low_km:g}-{self.ci_high_km:g} km"
        if not self.significant:
            return (
                f"No significant spill-over in {self.outcome} (p = {self.effect_p_value:.2g}): "
                f"the best-fitting radius, {self.radius_km:g} km ({ci}), is not identified "
                "by these data."
            )
        return (
            f"{self.outcome} rises with access to the sources up to about {self.radius_km:g} km "
            f"({ci}; {self.kernel} kernel; effect {self.effect:.3g} per unit of access, "
            f"p = {self.effect_p_value:.2g}; R2 = {self.r2:.2f}, n = {self.n})."
        )


def estimate_radius(
    gdf: gpd.GeoDataFrame,
    outcome: str,
    sources: gpd.GeoDataFrame,
    *,
    radii_km: Sequence[float] = range(2, 61, 2),
    kernel: Kernel = "linear",
    size: str | None = None,
    controls: Sequence[str] | None = None,
    n_boot: int = 999,
    n_blocks: int | None = None,
    alpha: float = 0.05,
    seed: int = 0,
    to: Literal["centroid", "population"] = "centroid",
    population: PopulationSource = None,
) -> RadiusEstimate:
    """Estimate how far the spill-over reaches: the radius r that best fits
    ``outcome ~ access(r) [+ controls]`` by least squares, with a spatial bootstrap CI.

    Method
    ------
    - **Profile**: for every radius, the OLS fit of the outcome on a constant, the
      controls and ``access(r)``; ``profile`` holds its ``effect``, ``r2``, ``loglik``
      (Gaussian) and ``aic``; the radius with the largest log-likelihood wins.
    - **Effect p-value**: the largest partial R2 over all radii is compared with its
      distribution when the outcome's residuals on the controls are permuted
      (Freedman-Lane, ``n_boot`` permutations), so the search over radii is accounted for.
    - **CI**: a spatial block bootstrap: the municipalities are grouped into ``n_blocks``
      contiguous blocks (k-means of the centroids; default one per 20 municipalities, at
      least 8), blocks are drawn with replacement, and the radius is re-estimated; the CI
      is the percentile interval of those radii. Keeping neighbours together keeps their
      spatial dependence in each resample.

    When the effect is not significant, ``summary()`` says so and the CI is typically as
    wide as the grid of radii.

    Examples
    --------
    >>> import geopandas as gpd, shapely, numpy as np
    >>> cells = [shapely.box(c * 4e3, r * 4e3, (c + 1) * 4e3, (r + 1) * 4e3)
    ...          for r in range(12) for c in range(12)]
    >>> gdf = gpd.GeoDataFrame({"ags": [f"05{i:06d}" for i in range(144)], "name": "x"},
    ...                        geometry=cells, crs=25832)
    >>> campus = gpd.GeoDataFrame(geometry=[shapely.Point(24e3, 24e3)], crs=25832)
    >>> noise = np.random.default_rng(0).normal(0, 0.05, 144)
    >>> gdf["y"] = 1 + access(gdf, campus, radius_km=20).to_numpy() + noise
    >>> result = estimate_radius(gdf, "y", campus, n_boot=99)
    >>> result.radius_km, result.significant
    (20.0, True)
    """
    if n_boot < 19:
        raise ParameterError(f"`n_boot` must be at least 19, got {n_boot}")
    munis = read_municipalities(gdf)
    y = column_values(munis, outcome).to_numpy()
    radii = np.asarray(list(radii_km), dtype=float)
    if radii.size < 2 or (radii <= 0).any():
        raise ParameterError(f"`radii_km` must hold at least two positive radii, got {radii_km}")
    z = np.column_stack([np.ones(len(y)), *(column_values(munis, c) for c in controls or ())])
    distances = distances_km(munis, sources, to=to, population=population).to_numpy()
    sizes = _sizes(sources, size)
    a = np.column_stack([kernel_weight(distances, r, kernel) @ sizes for r in radii])
    fit = _profile(y, z, a)
    best = int(np.argmax(fit["partial"]))
    rng = np.random.default_rng(seed)
    p_value = _permutation_p(y, z, a, fit["partial"][best], n_boot, rng)
    blocks = _blocks(munis, n_blocks, rng)
    boot = _block_bootstrap(y, z, a, radii, blocks, n_boot, rng)
    n, k = len(y), z.shape[1] + 2  # controls, access, error variance
    ssr = fit["ssr"]
    loglik = -n / 2 * (np.log(2 * np.pi * ssr / n) + 1)
    profile = pd.DataFrame(
        {
            "radius_km": radii,
            "effect": fit["beta"],
            "r2": 1 - ssr / np.sum((y - y.mean()) ** 2),
            "loglik": loglik,
            "aic": 2 * k - 2 * loglik,
        }
    )
    low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2], method="inverted_cdf")
    return RadiusEstimate(
        outcome=outcome,
        kernel=kernel,
        radius_km=float(radii[best]),
        ci_low_km=float(low),
        ci_high_km=float(high),
        effect=float(fit["beta"][best]),
        effect_p_value=p_value,
        r2=float(profile["r2"].iloc[best]),
        profile=profile,
        n=n,
        n_boot=n_boot,
        n_blocks=int(blocks.max()) + 1,
        alpha=alpha,
    )


# --- plumbing ---------------------------------------------------------------------------


def _profile(y: np.ndarray, z: np.ndarray, a: np.ndarray) -> dict[str, np.ndarray]:
    """OLS of y on [z, a_j] for every column j at once (Frisch-Waugh on the controls z)."""
    coef, *_ = np.linalg.lstsq(z, np.column_stack([y, a]), rcond=None)
    resid = np.column_stack([y, a]) - z @ coef
    ry, ra = resid[:, 0], resid[:, 1:]
    yy, ya, aa = ry @ ry, ry @ ra, np.einsum("ij,ij->j", ra, ra)
    usable = aa > 1e-12 * max(1.0, aa.max())
    beta = np.where(usable, ya / np.where(usable, aa, 1), 0.0)
    explained = np.where(usable, beta * ya, 0.0)
    return {"beta": beta, "ssr": yy - explained, "partial": explained / yy if yy > 0 else explained}


def _permutation_p(
    y: np.ndarray, z: np.ndarray, a: np.ndarray, observed: float, n: int, rng: np.random.Generator
) -> float:
    coef, *_ = np.linalg.lstsq(z, y, rcond=None)
    fitted, resid = z @ coef, y - z @ coef
    hits = sum(
        _profile(fitted + rng.permutation(resid), z, a)["partial"].max() >= observed - 1e-12
        for _ in range(n)
    )
    return (1 + hits) / (1 + n)


def _blocks(munis: gpd.GeoDataFrame, n_blocks: int | None, rng: np.random.Generator) -> np.ndarray:
    n_blocks = n_blocks or max(8, round(len(munis) / 20))
    if not 2 <= n_blocks <= len(munis):
        raise ParameterError(f"`n_blocks` must lie between 2 and {len(munis)}, got {n_blocks}")
    centres = centroids(munis)
    xy = np.column_stack([centres.x, centres.y])
    _, labels = kmeans2((xy - xy.mean(0)) / xy.std(), n_blocks, seed=rng, minit="++")
    return pd.factorize(labels)[0]  # drop empty clusters


def _block_bootstrap(
    y: np.ndarray,
    z: np.ndarray,
    a: np.ndarray,
    radii: np.ndarray,
    blocks: np.ndarray,
    n: int,
    rng: np.random.Generator,
) -> np.ndarray:
    members = [np.flatnonzero(blocks == b) for b in range(blocks.max() + 1)]
    out = np.empty(n)
    for i in range(n):
        rows = np.concatenate([members[b] for b in rng.integers(0, len(members), len(members))])
        out[i] = radii[int(np.argmax(_profile(y[rows], z[rows], a[rows])["partial"]))]
    return out


def _source_points(sources: gpd.GeoDataFrame) -> gpd.GeoSeries:
    if not isinstance(sources, gpd.GeoDataFrame) or sources.empty:
        raise ParameterError("`sources` must be a non-empty GeoDataFrame of points")
    if sources.crs is None:
        raise CRSMissingError(
            "`sources` has no CRS; set one, e.g. `sources.set_crs(4326)` for longitude/latitude"
        )
    geoms = sources.geometry
    if not (geoms.geom_type == "Point").all() or geoms.is_empty.any():
        raise InvalidGeometryError("`sources` must be points (one per campus or site)")
    return geoms


def _sizes(sources: gpd.GeoDataFrame, column: str | None) -> np.ndarray:
    if column is None:
        return np.ones(len(sources))
    if column not in sources.columns:
        raise MissingColumnError(
            f"`sources` has no column {column!r}; columns: {list(sources.columns)[:20]}"
        )
    values = pd.to_numeric(sources[column], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        names = ", ".join(_labels(sources)[np.isnan(values)][:10])
        raise MissingValuesError(
            f"`{column}` is missing or not numeric for {int(np.isnan(values).sum())} "
            f"source(s): {names}; fill them (e.g. `sources.fillna({{{column!r}: 0}})`)"
        )
    if (values < 0).any():
        raise ValueRangeError(f"`{column}` must not be negative; min {values.min()}")
    return values


def _labels(sources: gpd.GeoDataFrame) -> np.ndarray:
    if {"short_name", "city"} <= set(sources.columns):
        return (sources["short_name"].astype(str) + " " + sources["city"].astype(str)).to_numpy()
    return sources.index.astype(str).to_numpy()


def _home_municipality(municipalities: gpd.GeoDataFrame, sources: gpd.GeoDataFrame) -> np.ndarray:
    """Position of the municipality containing each source, else the nearest one."""
    munis = read_municipalities(municipalities)
    points = sources.geometry.to_crs(munis.crs).to_numpy()
    geoms = munis.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    return np.array([int(tree.query_nearest(p, all_matches=False)[0]) for p in points])


def _check_kernel(kernel: str) -> None:
    if kernel not in KERNELS:
        raise ParameterError(f"`kernel` must be one of {KERNELS}, got {kernel!r}")
