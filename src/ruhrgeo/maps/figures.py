"""Static twins of the maps for reports: matplotlib figures and PNG files."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ruhrgeo.errors import MissingColumnError
from ruhrgeo.io.write import write_atomic
from ruhrgeo.maps.layers import classify

__all__ = ["plot", "save_png"]


def plot(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    cmap: str = "viridis",
    title: str | None = None,
    colors: dict[str, str] | None = None,
) -> Figure:
    """A static map of ``column``: classed numbers (mapclassify ``scheme``), or categories
    drawn in ``colors`` (e.g. :data:`ruhrgeo.maps.LISA_COLORS`).

    Examples
    --------
    >>> from ruhrgeo import datasets, read_municipalities
    >>> fig = plot(read_municipalities(datasets.demo_municipalities()), "population")
    >>> fig.axes[0].get_title()
    'population'
    """
    if column not in gdf.columns:
        raise MissingColumnError(f"`column` {column!r} is not in the data")
    fig = Figure(figsize=(8, 6), layout="constrained")  # no pyplot: no global figure state
    ax = fig.add_subplot()
    if colors is not None:
        fills = gdf[column].map(colors).fillna("#ffffff")
        gdf.plot(ax=ax, color=fills, edgecolor="white", linewidth=0.4)
        handles = [Patch(color=c) for c in colors.values()]
        ax.legend(handles, list(colors), loc="lower right", fontsize=8)
    else:
        values = pd.to_numeric(gdf[column], errors="coerce")
        bins = classify(values, scheme, k)  # the same classes as the HTML map
        gdf.assign(**{column: values}).plot(
            column=column,
            ax=ax,
            scheme="user_defined",
            classification_kwds={"bins": bins},
            cmap=cmap,
            legend=True,
            edgecolor="white",
            linewidth=0.4,
            legend_kwds={"fontsize": 8, "loc": "lower right"},
        )
    ax.set_title(title or column)
    ax.set_axis_off()
    return fig


def save_png(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
    """Write ``fig`` as PNG (atomically)."""
    return write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=dpi, format="png"))
