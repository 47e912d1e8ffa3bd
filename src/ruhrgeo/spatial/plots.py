"""Figures of the statistics: Moran scatterplots (each value against its neighbors',
standardized, global or local) and the effects of a spatial Durbin or SLX model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ruhrgeo._figures import label
from ruhrgeo.errors import ParameterError
from ruhrgeo.spatial.labels import CLUSTER_COLORS
from ruhrgeo.spatial.local import LocalResult
from ruhrgeo.spatial.morans_i import BivariateMoranResult, MoranResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ruhrgeo.spatial.durbin import DurbinResult

__all__ = ["moran_scatterplot", "plot_effects"]


def moran_scatterplot(
    result: MoranResult | BivariateMoranResult | LocalResult, *, ax: Axes | None = None
) -> Axes:
    """The Moran scatterplot of a result of :func:`moran`, :func:`moran_bv`,
    :func:`local_moran` or :func:`local_moran_bv`.

    Standardized values (x) against the standardized spatial lag (y, row-standardized
    weights); the fitted line's slope is Moran's I. For a local result the points carry
    the LISA cluster colors (High-High red, Low-Low blue, High-Low orange, Low-High light
    blue, not significant gray). No global matplotlib state is touched: without ``ax`` a
    new ``Figure`` is made (``ax.figure.savefig(...)`` saves it).

    Parameters
    ----------
    result
        A result of :func:`moran`, :func:`moran_bv`, :func:`local_moran` or
        :func:`local_moran_bv`.
    ax
        Axes to draw on (default: a new figure's).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ruhrgeo.errors.ParameterError
        ``result`` is none of those.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from ruhrgeo.spatial import moran
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(4) for c in range(4)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> ax = moran_scatterplot(moran(gdf, "v", graph="rook", permutations=99))
    >>> ax.get_xlabel()
    'v (standardized)'
    """
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    x, lag, colors, xlabel, ylabel, slope = _points(result)
    if ax is None:
        ax = Figure(figsize=(5, 5), layout="constrained").subplots()
    ax.axhline(0, color="#888888", lw=0.8)
    ax.axvline(0, color="#888888", lw=0.8)
    ax.scatter(x, lag, c=colors, s=28, edgecolors="#333333", linewidths=0.4)
    line = np.array([x.min(), x.max()])
    ax.plot(line, lag.mean() + slope * (line - x.mean()), color="#333333", lw=1.2)
    ax.set_xlabel(label(xlabel))
    ax.set_ylabel(label(ylabel))
    ax.set_title(f"Moran's I = {slope:.3f}")
    if isinstance(result, LocalResult):
        shown = [c for c in CLUSTER_COLORS if (result["cluster"] == c).any()]
        for cluster in shown:
            ax.scatter([], [], c=CLUSTER_COLORS[cluster], label=cluster, s=28)
        ax.legend(loc="best", fontsize="small", frameon=False)
    legend = ax.get_legend()
    for text in (ax.xaxis.label, ax.yaxis.label, ax.title, *(legend.get_texts() if legend else ())):
        text.set_parse_math(False)  # names shown as written (the axes may be the caller's)
    return ax


def _points(result: Any) -> tuple[np.ndarray, np.ndarray, Any, str, str, float]:
    if isinstance(result, MoranResult):
        obj, name = result.esda, result.column
        z, zl = _standardized(obj.y, obj.w.sparse)
        return z, zl, "#4d4d4d", f"{name} (standardized)", f"neighbors' {name}", result.I
    if isinstance(result, BivariateMoranResult):
        obj = result.esda
        zx, zy = obj.zx, obj.zy
        zl = obj.w.sparse @ zy
        return zx, zl, "#4d4d4d", f"{result.x} (standardized)", f"neighbors' {result.y}", result.I
    if isinstance(result, LocalResult) and "cluster" in result.columns:
        obj = result.esda
        bivariate = hasattr(obj, "zx")
        z = obj.zx if bivariate else obj.z
        zl = obj.w.sparse @ (obj.zy if bivariate else obj.z)
        clusters = result["cluster"].reindex(obj.w.unique_ids)
        colors = clusters.map(CLUSTER_COLORS).to_numpy()
        slope = float(np.polyfit(z, zl, 1)[0])
        return z, zl, colors, "value (standardized)", "neighbors' value (lag)", slope
    raise ParameterError(
        "moran_scatterplot takes a result of moran, moran_bv, local_moran or local_moran_bv, "
        f"got {type(result).__name__}"
    )


def _standardized(y: np.ndarray, w: Any) -> tuple[np.ndarray, np.ndarray]:
    z = (y - y.mean()) / y.std()
    return z, w @ z


def plot_effects(result: DurbinResult, *, title: str | None = None) -> Figure:
    """The direct, indirect (spill-over) and total effect of each covariate of
    :func:`~ruhrgeo.spatial.spatial_durbin` with its 95 % interval.

    Parameters
    ----------
    result
        A result of :func:`spatial_durbin`.
    title
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (write it with :func:`ruhrgeo.maps.save_png`).

    Raises
    ------
    ruhrgeo.errors.ParameterError
        ``result`` is not a spatial_durbin result.
    ruhrgeo.errors.MapTextError
        A title that is not valid text.

    Examples
    --------
    >>> import geopandas as gpd, shapely, numpy as np
    >>> from ruhrgeo.spatial import spatial_durbin
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(6) for c in range(6)]
    >>> x = np.random.default_rng(0).normal(size=36)
    >>> gdf = gpd.GeoDataFrame({"x": x, "y": 2 * x + np.random.default_rng(1).normal(size=36)},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> fig = plot_effects(spatial_durbin(gdf, "y", ["x"], graph="rook", model="slx"))
    >>> fig.axes[0].get_xlabel()
    'effect on y (95 % interval)'
    """
    from matplotlib.figure import Figure

    from ruhrgeo._figures import literal
    from ruhrgeo._figures import title as heading
    from ruhrgeo.spatial.durbin import EFFECTS, DurbinResult  # spreg: only when drawn

    if not isinstance(result, DurbinResult):
        raise ParameterError(f"`result` must be a spatial_durbin() result, got {type(result)}")
    table = result.effects
    covariates = list(result.model.covariates)
    fig = Figure(figsize=(6.5, 1.2 + 0.9 * len(covariates)), layout="constrained")
    ax = fig.add_subplot()
    colors = {"direct": "#2c7bb6", "indirect": "#d7191c", "total": "#4d4d4d"}
    for j, effect in enumerate(EFFECTS):
        rows = table.xs(effect, level="effect").loc[covariates]
        y = np.arange(len(covariates)) + (j - 1) * 0.22
        ax.hlines(y, rows["ci_low"], rows["ci_high"], color=colors[effect], lw=2)
        ax.scatter(rows["estimate"], y, color=colors[effect], s=30, zorder=3, label=effect)
    ax.axvline(0, color="#888888", lw=0.8)
    ax.set_yticks(np.arange(len(covariates)), [label(c) for c in covariates])
    ax.invert_yaxis()
    ax.set_xlabel(label(f"effect on {result.model.column} (95 % interval)"))
    ax.legend(loc="best", fontsize="small", frameon=False)
    ax.set_title(heading(title) if title else f"{result.model.model}: effects of the covariates")
    return literal(fig)
