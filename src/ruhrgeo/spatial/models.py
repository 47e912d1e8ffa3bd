"""Regressions with space: OLS with spatial diagnostics, spatial lag and error models,
each optionally with regimes and the Chow test (spreg underneath).

Every function returns a :class:`ModelResult`: a tidy coefficient table, the Chow test
where there are regimes, the fit, and spreg's own object (``result.spreg``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ruhrgeo._validate import column_values
from ruhrgeo.errors import ModelError, ParameterError
from ruhrgeo.io.areas import as_keyed
from ruhrgeo.spatial._checks import prepare, quiet
from ruhrgeo.spatial.graphs import GraphLike, describe
from ruhrgeo.spatial.model_results import ModelResult, model_result

__all__ = ["covariate_names", "fit", "ols", "spatial_error", "spatial_lag"]


def ols(
    gdf: pd.DataFrame,
    column: str,
    covariates: Sequence[str] = (),
    *,
    graph: GraphLike | None = None,
    regimes: str | pd.Series | None = None,
) -> ModelResult:
    """Ordinary least squares of ``column`` on ``covariates`` (``spreg.OLS``).

    With ``graph``, spreg's spatial diagnostics join the fit: Moran's I of the residuals
    (``moran_res``, ``moran_res_p``) and the LM tests for a lag or error model
    (``lm_lag``, ``lm_error`` and their robust forms, each with ``_p``). With ``regimes``
    (a column of ``gdf`` or a Series indexed by AGS), ``spreg.OLS_Regimes`` with one
    error variance for all regimes (``regime_err_sep=False``, as the ML regimes models):
    every coefficient per regime, and the Chow test whether they differ.

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    column
        The outcome column.
    covariates
        The explanatory columns.
    graph
        Spatial weights for spreg's diagnostics (Moran's I of the residuals, LM tests); None:
        none.
    regimes
        A column of ``gdf`` or a Series indexed like it: one model per regime and the Chow
        test whether their coefficients differ.

    Returns
    -------
    ModelResult
        The coefficients, the fit with the diagnostics, and spreg's ``OLS``.

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
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(5) for c in range(5)]
    >>> x = np.arange(25.0)
    >>> gdf = gpd.GeoDataFrame({"y": 2 * x + np.sin(x), "x": x}, geometry=cells, crs=25832)
    >>> gdf = gdf.rename_axis("cell")
    >>> fit = ols(gdf, "y", ["x"], graph="rook")
    >>> float(fit.table.loc["x", "coefficient"].round(2)), "moran_res" in fit.fit
    (1.98, True)
    """
    return _model(gdf, column, covariates, graph, regimes, kind="OLS")


def spatial_lag(
    gdf: pd.DataFrame,
    column: str,
    covariates: Sequence[str] = (),
    *,
    graph: GraphLike = "queen",
    regimes: str | pd.Series | None = None,
) -> ModelResult:
    """Spatial lag model ``y = rho W y + X b + e`` by maximum likelihood (``spreg.ML_Lag``,
    row-standardized weights); with ``regimes``, ``spreg.ML_Lag_Regimes`` and the Chow test.

    ``rho`` measures how much a municipality's value follows its neighbors' values.

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    column
        The outcome column.
    covariates
        The explanatory columns.
    graph
        The spatial weights (:func:`~ruhrgeo.spatial.build_graph`: ``"queen"``, a
        :class:`GraphSpec`, a GAL/GWT file or a libpysal ``Graph``).
    regimes
        A column of ``gdf`` or a Series indexed like it: one model per regime and the Chow
        test whether their coefficients differ.

    Returns
    -------
    ModelResult
        The coefficients with ``rho``, the fit, and spreg's ``ML_Lag``.

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
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(5) for c in range(5)]
    >>> x = np.arange(25.0)
    >>> gdf = gpd.GeoDataFrame({"y": 2 * x + np.sin(x), "x": x}, geometry=cells, crs=25832)
    >>> gdf = gdf.rename_axis("cell")
    >>> fit = spatial_lag(gdf, "y", ["x"], graph="rook")
    >>> fit.table.index.tolist()
    ['CONSTANT', 'x', 'rho']
    """
    return _model(gdf, column, covariates, graph, regimes, kind="ML_Lag")


def spatial_error(
    gdf: pd.DataFrame,
    column: str,
    covariates: Sequence[str] = (),
    *,
    graph: GraphLike = "queen",
    regimes: str | pd.Series | None = None,
) -> ModelResult:
    """Spatial error model ``y = X b + u, u = lambda W u + e`` by maximum likelihood
    (``spreg.ML_Error``, row-standardized weights); with ``regimes``,
    ``spreg.ML_Error_Regimes`` and the Chow test.

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    column
        The outcome column.
    covariates
        The explanatory columns.
    graph
        The spatial weights (:func:`~ruhrgeo.spatial.build_graph`: ``"queen"``, a
        :class:`GraphSpec`, a GAL/GWT file or a libpysal ``Graph``).
    regimes
        A column of ``gdf`` or a Series indexed like it: one model per regime and the Chow
        test whether their coefficients differ.

    Returns
    -------
    ModelResult
        The coefficients with ``lambda``, the fit, and spreg's ``ML_Error``.

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
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(5) for c in range(5)]
    >>> x = np.arange(25.0)
    >>> gdf = gpd.GeoDataFrame({"y": 2 * x + np.sin(x), "x": x}, geometry=cells, crs=25832)
    >>> gdf = gdf.rename_axis("cell")
    >>> fit = spatial_error(gdf, "y", ["x"], graph="rook")
    >>> fit.table.index.tolist(), float(fit.table.loc["x", "coefficient"].round(1))
    (['CONSTANT', 'x', 'lambda'], 2.0)
    """
    return _model(gdf, column, covariates, graph, regimes, kind="ML_Error")


def _model(
    gdf: pd.DataFrame,
    column: str,
    covariates: Sequence[str],
    graph: GraphLike | None,
    regimes: str | pd.Series | None,
    *,
    kind: str,
) -> ModelResult:
    gdf = as_keyed(gdf)
    names = covariate_names(covariates, column)
    if graph is None:
        values = pd.concat(
            [column_values(gdf, c) for c in [column, *names]], axis=1, keys=[column, *names]
        )
        w = None
    else:
        values, w = prepare(gdf, [column, *names], graph)
    labels = None if regimes is None else _regimes(gdf, regimes).reindex(values.index)
    fitted = fit(
        kind,
        values[column].to_numpy(),
        values[names].to_numpy(),
        names,
        None if w is None else w.transform("r").to_W(),
        regimes=None if labels is None else labels.to_numpy(),
        column=column,
    )
    return model_result(fitted, kind, column, names, None if graph is None else describe(graph))


def covariate_names(covariates: Sequence[str], column: str) -> list[str]:
    if isinstance(covariates, str):
        raise ParameterError(
            f"`covariates` must be a list of column names, got the string {covariates!r}; "
            f"write [{covariates!r}]"
        )
    names = list(covariates)
    if column in names or len(set(names)) < len(names):
        raise ParameterError(
            f"`covariates` {names} repeat a column or contain the outcome {column!r}"
        )
    return names


def _regimes(gdf: pd.DataFrame, regimes: str | pd.Series) -> pd.Series:
    if isinstance(regimes, str):
        if regimes not in gdf.columns:
            raise ParameterError(f"`regimes` {regimes!r} is not a column of the data")
        labels = gdf[regimes]
    elif isinstance(regimes, pd.Series):
        labels = regimes.reindex(gdf.index)
    else:
        raise ParameterError(
            f"`regimes` must be a column name or a Series indexed by AGS, got "
            f"{type(regimes).__name__}"
        )
    if labels.isna().any():
        raise ParameterError(
            f"`regimes` is missing for {int(labels.isna().sum())} municipalities "
            f"(e.g. {list(labels.index[labels.isna()][:5])}); give every one a regime"
        )
    labels = labels.astype(str)
    if labels.nunique() < 2:
        raise ParameterError(
            f"`regimes` has one value ({labels.iloc[0]!r}) only; regimes need at least two"
        )
    return labels


def fit(
    kind: str,
    y: np.ndarray,
    x: np.ndarray,
    names: list[str],
    w: Any,
    *,
    regimes: np.ndarray | None = None,
    column: str = "y",
    slx_lags: int = 0,
) -> Any:
    """Check the design, then run spreg; its errors become :class:`ModelError`."""
    import spreg  # a second of imports, only for the models

    design = np.column_stack([np.ones(len(y)), x])
    k = design.shape[1] + slx_lags * x.shape[1] + (kind != "OLS")
    if len(y) < k + 2:
        raise ModelError(
            f"{len(y)} municipalities are too few for {kind} of {column!r} with {k} "
            "parameters; use fewer covariates"
        )
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise ModelError(
            f"the covariates {names} of {kind} for {column!r} are collinear (one is a "
            "combination of the others or of the constant); drop one"
        )
    if regimes is not None:
        counts = pd.Series(regimes).value_counts()
        small = counts[counts < design.shape[1] + 2]
        if len(small):
            raise ModelError(
                f"regime(s) {small.to_dict()} have too few municipalities for "
                f"{design.shape[1]} coefficients each; merge regimes or drop covariates"
            )
    options: dict[str, Any] = {"name_y": column, "name_x": names}
    if slx_lags:
        options["slx_lags"] = slx_lags
    if kind == "ML_Lag":
        options["spat_impacts"] = None  # ruhrgeo's effects come with their inference
    if kind == "OLS":
        options.update(spat_diag=w is not None, moran=w is not None)
        if regimes is not None:  # one error variance, as the ML regimes models assume
            options.update(regime_err_sep=False)
    cls = getattr(spreg, kind if regimes is None else f"{kind}_Regimes")
    args = (y[:, None], x) if regimes is None else (y[:, None], x, regimes)
    try:
        with quiet():
            return cls(*args, w=w, **options)
    except Exception as exc:  # spreg raises bare Exception, LinAlgError, ValueError, ...
        raise ModelError(
            f"spreg.{cls.__name__} could not fit {column!r} on {names or 'a constant'}: "
            f"{type(exc).__name__}: {exc}"
        ) from None
