"""Estimating the spill-over radius from data: profile, permutation p-value, block bootstrap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.cluster.vq import kmeans2

from ruhrgeo import _params
from ruhrgeo._geometry import centroids
from ruhrgeo._validate import column_values
from ruhrgeo.errors import ParameterError
from ruhrgeo.io.areas import as_areas
from ruhrgeo.spillover.distance import (
    Kernel,
    PopulationSource,
    Target,
    distances_of,
    kernel_weight,
    sizes,
)

__all__ = ["RadiusEstimate", "estimate_radius"]


@dataclass(frozen=True)
class RadiusEstimate:
    """The spill-over radius that best explains an outcome, with its uncertainty.

    Attributes
    ----------
    outcome, kernel : str
        The outcome and the distance decay.
    radius_km, ci_low_km, ci_high_km : float
        The best radius and its bootstrap interval.
    effect, effect_p_value : float
        The outcome's change per unit of access at the best radius, and its p-value (the
        search over radii accounted for).
    r2 : float
        The model's R2 at the best radius.
    profile : pandas.DataFrame
        Per radius: ``effect``, ``r2``, ``loglik``, ``aic``.
    n, n_boot, n_blocks : int
        Areas, permutations and bootstrap replicates, and bootstrap blocks.
    alpha : float
        One minus the interval's coverage.

    Examples
    --------
    >>> from ruhrgeo import datasets, read_indicators, spillover
    >>> table = read_indicators(datasets.demo_indicators())
    >>> gdf = datasets.ruhr_municipalities().join(table[["it_employment_share"]])
    >>> result = spillover.estimate_radius(gdf, "it_employment_share", datasets.universities(),
    ...                                    radii_km=[10, 20, 30], n_boot=19)
    >>> result.radius_km
    20.0
    """

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
    to: Target = "centroid",
    population: PopulationSource = None,
) -> RadiusEstimate:
    """Estimate how far the spill-over reaches: the radius r that best fits
    ``outcome ~ access(r) [+ controls]`` by least squares, with a spatial bootstrap CI.

    Parameters
    ----------
    gdf
        Areas (polygons) indexed by any unique key, with ``outcome`` and the controls.
    outcome
        The column to explain (e.g. the IT employment share).
    sources
        Points (campuses).
    radii_km
        The radii to try, in km.
    kernel
        The distance decay (:func:`kernel_weight`).
    size
        A column of the sources weighting them; None: 1 each.
    controls
        Columns the model also holds.
    n_boot
        Permutations of the effect's p-value and bootstrap replicates of the interval.
    n_blocks
        Contiguous blocks of the spatial bootstrap (default one per 20 areas, at least 8).
    alpha
        One minus the interval's coverage.
    seed
        Seed of the permutations and the bootstrap.
    to
        Distances to each area's ``"centroid"``, or to its ``"population"``-weighted center.
    population
        With ``to="population"``: the population grid (a path or grid source).

    Returns
    -------
    RadiusEstimate
        The best radius, its interval, the effect and its p-value, and the profile.

    Raises
    ------
    ruhrgeo.errors.InputTypeError
        ``gdf`` or ``sources`` is not a GeoDataFrame.
    ruhrgeo.errors.CRSMissingError
        A frame without a CRS.
    ruhrgeo.errors.ParameterError
        A radius that is not finite and > 0, an unknown kernel or target.
    ruhrgeo.errors.MissingColumnError
        A size or value column that the sources lack.
    ruhrgeo.errors.MissingValuesError
        Missing or negative sizes or values.

    ruhrgeo.errors.StatisticsError
        Too few areas, an outcome without variation, or radii that give no access anywhere.

    Notes
    -----
    - **Profile**: for every radius, the OLS fit of the outcome on a constant, the
      controls and ``access(r)``; ``profile`` holds its ``effect``, ``r2``, ``loglik``
      (Gaussian) and ``aic``; the radius with the largest log-likelihood wins.
    - **Effect p-value**: the largest partial R2 over all radii is compared with its
      distribution when the outcome's residuals on the controls are permuted
      (Freedman-Lane, ``n_boot`` permutations), so the search over radii is accounted for.
    - **CI**: a spatial block bootstrap: the municipalities are grouped into ``n_blocks``
      contiguous blocks (k-means of the centroids; default one per 20 municipalities, at
      least 8), blocks are drawn with replacement, and the radius is re-estimated; the CI
      is the percentile interval of those radii. Keeping neighbors together keeps their
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
    >>> from ruhrgeo.spillover import access
    >>> gdf["y"] = 1 + access(gdf, campus, radius_km=20).to_numpy() + noise
    >>> result = estimate_radius(gdf, "y", campus, n_boot=99)
    >>> result.radius_km, result.significant
    (20.0, True)
    """
    n_boot = _params.whole_number(n_boot, "n_boot", low=19, high=1_000_000)
    if n_blocks is not None:
        n_blocks = _params.whole_number(n_blocks, "n_blocks", low=2)
    alpha = _params.number(alpha, "alpha", low=0, high=1, low_open=True, high_open=True)
    seed = _params.seed(seed)
    munis = as_areas(gdf, "`gdf`")
    y = column_values(munis, outcome).to_numpy()
    if isinstance(radii_km, str) or not hasattr(radii_km, "__iter__"):
        raise ParameterError(f"`radii_km` must be a list of radii in km, got {radii_km!r}")
    radii = np.array([_params.number(r, "radii_km", low=0, low_open=True) for r in radii_km])
    if radii.size < 2 or radii.size > 10_000:
        raise ParameterError(f"`radii_km` must hold 2 to 10,000 radii, got {radii.size}")
    z = np.column_stack([np.ones(len(y)), *(column_values(munis, c) for c in controls or ())])
    distances = distances_of(munis, sources, to=to, population=population).to_numpy()
    source_sizes = sizes(sources, size)
    a = np.column_stack([kernel_weight(distances, r, kernel) @ source_sizes for r in radii])
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
    centers = centroids(munis)
    xy = np.column_stack([centers.x, centers.y])
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
