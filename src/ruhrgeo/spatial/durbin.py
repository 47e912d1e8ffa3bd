"""Spill-over as a spatial model: SLX and the spatial Durbin model (spreg, ``slx_lags=1``)
with the direct, indirect (spill-over) and total effect of each covariate and their
inference.

Effects follow spreg's definitions (``spreg.ML_Lag(..., slx_lags=1, spat_impacts=...)``): the
total effect of a covariate is ``ati * (beta + theta)`` with ``ati = 1 / (1 - rho)``, the
direct effect ``adi * beta`` (``adi`` the mean diagonal of ``(I - rho W)^-1``, spreg's
"full" multiplier), the indirect effect their difference; the lagged term ``theta`` counts as
indirect, as spreg counts it. In the SLX model (no ``rho``) the direct effect is ``beta``, the
indirect ``theta``. Their inference: for SLX from the coefficients' covariance; for the Durbin
model by simulation from the estimates' asymptotic normal distribution (LeSage and Pace 2009,
ch. 2.7), seeded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse, stats

from ruhrgeo._params import choice, whole_number
from ruhrgeo._params import seed as check_seed
from ruhrgeo.errors import ParameterError
from ruhrgeo.io.areas import as_keyed
from ruhrgeo.spatial._checks import prepare
from ruhrgeo.spatial.graphs import GraphLike, describe
from ruhrgeo.spatial.model_results import ModelResult, model_result
from ruhrgeo.spatial.models import covariate_names, fit

__all__ = ["DurbinResult", "spatial_durbin"]

EFFECTS = ("direct", "indirect", "total")
EIGEN_MAX = 5000  # exact multipliers from eigenvalues up to this many areas, else traces


@dataclass(frozen=True)
class DurbinResult:
    """A fitted SLX or spatial Durbin model and the effects of its covariates.

    Attributes
    ----------
    model : ModelResult
        The coefficients (``W_`` terms are the lagged covariates, ``rho`` the lag of the
        outcome).
    effects : pandas.DataFrame
        Indexed by (``covariate``, ``effect``: direct, indirect, total): ``estimate``,
        ``std_err``, ``z``, ``p``, ``ci_low``, ``ci_high`` (95 %).
    draws : int
        The simulated draws of the inference (0 for SLX: analytical).
    seed : int
        The seed of the draws.
    spreg : object
        spreg's object.

    Examples
    --------
    >>> import geopandas as gpd, shapely, numpy as np
    >>> from ruhrgeo import spatial
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(6) for c in range(6)]
    >>> x = np.random.default_rng(0).normal(size=36)
    >>> gdf = gpd.GeoDataFrame({"x": x, "y": 2 * x}, geometry=cells, crs=25832)
    >>> result = spatial.spatial_durbin(gdf.rename_axis("cell"), "y", ["x"], model="slx")
    >>> result.effects.index.get_level_values("effect").unique().tolist()
    ['direct', 'indirect', 'total']
    """

    model: ModelResult
    effects: pd.DataFrame
    draws: int
    seed: int
    spreg: Any = field(repr=False, compare=False)

    def summary(self) -> str:
        """The indirect (spill-over) effect of each covariate, in one line."""
        parts = []
        for covariate in self.model.covariates:
            row = self.effects.loc[(covariate, "indirect")]
            parts.append(
                f"{covariate}: indirect {row.estimate:+.3g} (95 % CI {row.ci_low:+.3g} to "
                f"{row.ci_high:+.3g}, p = {row.p:.2g}), direct "
                f"{self.effects.loc[(covariate, 'direct'), 'estimate']:+.3g}"
            )
        return f"{self.model.model} of {self.model.column} (n = {self.model.n}): " + "; ".join(
            parts
        )


def spatial_durbin(
    gdf: pd.DataFrame,
    column: str,
    covariates: Sequence[str],
    *,
    graph: GraphLike = "queen",
    model: Literal["durbin", "slx"] = "durbin",
    draws: int = 1000,
    seed: int = 0,
) -> DurbinResult:
    """Regress ``column`` on ``covariates`` and their spatial lags: the spatial Durbin model
    ``y = rho W y + X b + W X theta + e`` (``spreg.ML_Lag`` with ``slx_lags=1``) or, with
    ``model="slx"``, the SLX model without ``rho`` (``spreg.OLS`` with ``slx_lags=1``), on
    row-standardized weights, with the effects of each covariate (see the module).

    Parameters
    ----------
    gdf
        Areas with the columns, indexed by any unique key.
    column, covariates
        The outcome and the explanatory columns (at least one).
    graph
        The spatial weights (:func:`~ruhrgeo.spatial.build_graph`).
    model
        ``"durbin"`` or ``"slx"``.
    draws
        Simulated parameter draws for the inference of the Durbin model's effects (>= 100).
    seed
        Seed of the draws.

    Returns
    -------
    DurbinResult

    Raises
    ------
    ruhrgeo.errors.ModelError
        Too few areas for the parameters, collinear covariates, or spreg fails.
    ruhrgeo.errors.ParameterError
        No covariate, an unknown ``model``, ``draws`` below 100.

    Examples
    --------
    >>> import geopandas as gpd, shapely, numpy as np
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(6) for c in range(6)]
    >>> x = np.random.default_rng(0).normal(size=36)
    >>> gdf = gpd.GeoDataFrame({"x": x}, geometry=cells, crs=25832).rename_axis("cell")
    >>> gdf["y"] = 1 + 2 * gdf["x"] + np.random.default_rng(1).normal(size=36) / 10
    >>> result = spatial_durbin(gdf, "y", ["x"], graph="rook", model="slx")
    >>> result.effects.loc[("x", "direct"), "estimate"].round(1)
    np.float64(2.0)
    """
    gdf = as_keyed(gdf)
    names = covariate_names(covariates, column)
    if not names:
        raise ParameterError("spatial_durbin needs at least one covariate (its effects)")
    kind = choice(model, "model", ("durbin", "slx"))
    draws = whole_number(draws, "draws", low=100, high=1_000_000)
    seed = check_seed(seed)
    values, w = prepare(gdf, [column, *names], graph)
    weights = w.transform("r")
    fitted = fit(
        "ML_Lag" if kind == "durbin" else "OLS",  # spreg's class
        values[column].to_numpy(),
        values[names].to_numpy(),
        names,
        weights.to_W(),
        column=column,
        slx_lags=1,
    )
    result = model_result(
        fitted, "ML_Lag" if kind == "durbin" else "OLS", column, names, describe(graph)
    )
    label = "SDM" if kind == "durbin" else "SLX"
    result = ModelResult(**{**result.__dict__, "model": label})
    if kind == "slx":
        effects = _slx_effects(fitted, names)
    else:
        effects = _durbin_effects(fitted, names, weights.sparse, draws, seed)
    return DurbinResult(result, effects, draws if kind == "durbin" else 0, seed, fitted)


def _slx_effects(fitted: Any, names: list[str]) -> pd.DataFrame:
    """Direct = beta, indirect = theta, total = their sum, with the covariance's errors."""
    betas, vm = fitted.betas[:, 0], np.asarray(fitted.vm)
    k = len(names)
    rows = []
    for i, name in enumerate(names):
        b, t = 1 + i, 1 + k + i
        for effect, weights in (("direct", {b: 1}), ("indirect", {t: 1}), ("total", {b: 1, t: 1})):
            vector = np.zeros(len(betas))
            for position, value in weights.items():
                vector[position] = value
            estimate, variance = float(vector @ betas), float(vector @ vm @ vector)
            rows.append(_row(name, effect, estimate, np.sqrt(variance)))
    return _table(rows)


def _row(name: str, effect: str, estimate: float, std_err: float) -> dict[str, Any]:
    z = estimate / std_err if std_err > 0 else np.nan
    half = stats.norm.ppf(0.975) * std_err
    return {
        "covariate": name,
        "effect": effect,
        "estimate": estimate,
        "std_err": std_err,
        "z": z,
        "p": float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else np.nan,
        "ci_low": estimate - half,
        "ci_high": estimate + half,
    }


def _table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows).set_index(["covariate", "effect"])


def _durbin_effects(
    fitted: Any, names: list[str], w: sparse.spmatrix, draws: int, seed: int
) -> pd.DataFrame:
    """spreg's effects at the estimates; their spread from ``draws`` draws of (b, theta,
    rho) from N(estimates, vm)."""
    k = len(names)
    estimates = fitted.betas[:, 0]  # constant, b, theta, rho
    adi = _direct_multiplier(w)
    point = _effects(estimates[None, :], k, adi)[0]
    rng = np.random.default_rng(seed)
    vm = np.asarray(fitted.vm)[: len(estimates), : len(estimates)]
    sample = rng.multivariate_normal(estimates, vm, size=draws, method="eigh")
    inside = np.abs(sample[:, -1]) < 1  # rho outside (-1, 1) has no multiplier
    simulated = _effects(sample[inside], k, adi)
    rows = []
    for i, name in enumerate(names):
        for j, effect in enumerate(EFFECTS):
            values = simulated[:, i, j]
            row = _row(name, effect, float(point[i, j]), float(values.std(ddof=1)))
            share_above = float((values > 0).mean())
            row["p"] = float(min(1.0, 2 * min(share_above, 1 - share_above)))
            row["ci_low"], row["ci_high"] = (float(q) for q in np.quantile(values, [0.025, 0.975]))
            rows.append(row)
    table = _table(rows)
    table.attrs["draws_kept"] = int(inside.sum())
    return table


def _effects(params: np.ndarray, k: int, adi: Any) -> np.ndarray:
    """Effects (draw, covariate, direct/indirect/total) of parameter rows
    ``[constant, b_1..b_k, theta_1..theta_k, rho]``."""
    beta, theta, rho = params[:, 1 : 1 + k], params[:, 1 + k : 1 + 2 * k], params[:, -1]
    total = (beta + theta) / (1 - rho)[:, None]
    direct = beta * adi(rho)[:, None]
    return np.stack([direct, total - direct, total], axis=2)


def _direct_multiplier(w: sparse.spmatrix) -> Any:
    """rho -> mean diagonal of (I - rho W)^-1: from W's eigenvalues (exact), or for large W
    from estimated traces of its powers (Barry and Pace 1999)."""
    n = w.shape[0]
    if n <= EIGEN_MAX:
        eigen = np.linalg.eigvals(w.toarray())
        return lambda rho: np.real((1 / (1 - np.multiply.outer(rho, eigen))).mean(axis=1))
    rng = np.random.default_rng(0)
    probes = rng.choice([-1.0, 1.0], size=(n, 50))
    traces, current = [1.0], probes
    for _ in range(100):
        current = w @ current
        traces.append(float((probes * current).sum(axis=0).mean() / n))
    powers = np.arange(len(traces))
    return lambda rho: (np.power.outer(rho, powers) * np.array(traces)).sum(axis=1)
