"""A fitted regression as ruhrgeo returns it: spreg's object turned into a tidy coefficient
table (regimes apart), the Chow test, the fit measures and spatial diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ModelResult", "model_result"]


@dataclass(frozen=True)
class ModelResult:
    """A fitted regression.

    Attributes
    ----------
    model : str
        spreg's class (``OLS``, ``ML_Lag``, ``ML_Error``, their ``_Regimes``; ``SDM``,
        ``SLX``).
    column : str
        The outcome.
    covariates : tuple of str
        The explanatory columns.
    graph : str or None
        The weights used, described.
    n : int
        The number of areas.
    table : pandas.DataFrame
        Indexed by term (``CONSTANT``, the covariates, ``W_`` lags, ``rho`` for the lag,
        ``lambda`` for the error model): ``regime`` (with regimes), ``coefficient``,
        ``std_err``, ``z`` (``t`` for OLS) and ``p``.
    chow : pandas.DataFrame or None
        With regimes: Wald statistic and p per term varying by regime, and ``joint``.
    fit : dict of str to float
        spreg's fit measures (and the spatial diagnostics of OLS with a graph).
    spreg : object
        spreg's object.

    Examples
    --------
    >>> import geopandas as gpd, shapely, numpy as np
    >>> from ruhrgeo import spatial
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(5) for c in range(5)]
    >>> x = np.arange(25.0)
    >>> gdf = gpd.GeoDataFrame({"y": 2 * x + np.sin(x), "x": x}, geometry=cells, crs=25832)
    >>> spatial.ols(gdf.rename_axis("cell"), "y", ["x"]).model
    'OLS'
    """

    model: str
    column: str
    covariates: tuple[str, ...]
    graph: str | None
    n: int
    table: pd.DataFrame
    chow: pd.DataFrame | None
    fit: dict[str, float]
    spreg: Any = field(repr=False, compare=False)

    def summary(self) -> str:
        """Every term with its estimate and p-value, in one line."""
        stat = "t" if "t" in self.table.columns else "z"
        rows = [
            f"{_regime(r.get('regime'))}{term} {r.coefficient:+.3g} "
            f"({stat} = {r[stat]:.2f}, p = {r.p:.2g})"
            for term, r in self.table.iterrows()
        ]
        chow = (
            f"; Chow test of equal coefficients across regimes p = "
            f"{self.chow.loc['joint', 'p']:.2g}"
            if self.chow is not None
            else ""
        )
        weights = f", {self.graph} weights" if self.graph else ""
        return f"{self.model} of {self.column} (n = {self.n}{weights}): " + "; ".join(rows) + chow


def model_result(
    model: Any, kind: str, column: str, names: list[str], graph: str | None
) -> ModelResult:
    """The tidy result of a fitted spreg ``model``."""
    regimes = getattr(model, "regimes_set", None)
    stat = "t" if kind == "OLS" else "z"
    pairs = model.t_stat if stat == "t" else model.z_stat
    rows = []
    for name, beta, se, (value, p) in zip(
        model.name_x, model.betas[:, 0], model.std_err, pairs, strict=False
    ):
        regime, term = split_term(str(name), regimes)
        rows.append(
            {
                "term": "rho" if term in ("W_dep_var", f"W_{column}") else term,
                "regime": regime,
                "coefficient": float(beta),
                "std_err": float(se),
                stat: float(value),
                "p": float(p),
            }
        )
    table = pd.DataFrame(rows).set_index("term")
    if regimes is None:
        table = table.drop(columns="regime")
    chow = None
    if regimes is not None:
        chow = pd.DataFrame(
            np.asarray(model.chow.regi, dtype=float),
            index=pd.Index(list(model.name_x_r), name="term"),
            columns=["wald", "p"],
        )
        chow.loc["joint"] = [float(v) for v in model.chow.joint]
    label = kind if regimes is None else f"{kind}_Regimes"
    return ModelResult(
        model=label,
        column=column,
        covariates=tuple(names),
        graph=graph,
        n=int(model.n),
        table=table,
        chow=chow,
        fit=fit_measures(model),
        spreg=model,
    )


def _regime(label: object) -> str:
    return f"{label} " if isinstance(label, str) else ""


def split_term(name: str, regimes: Any) -> tuple[str | None, str]:
    if regimes is not None:
        for regime in regimes:
            prefix = f"{regime}_"
            if name.startswith(prefix):
                return str(regime), name[len(prefix) :]
    return None, name


def fit_measures(model: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    for name in ("r2", "ar2", "pr2", "logll", "aic", "schwarz", "sig2"):
        value = getattr(model, name, None)
        if isinstance(value, int | float | np.floating):
            out[name] = float(value)
    for name in ("moran_res", "lm_error", "lm_lag", "rlm_error", "rlm_lag"):
        value = getattr(model, name, None)
        if value is not None:
            out[name] = float(value[0])
            out[f"{name}_p"] = float(value[-1])
    return out
