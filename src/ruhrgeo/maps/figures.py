"""Static twins of the maps for reports: matplotlib figures and PNG files.

A figure is drawn from the same description as the page (:mod:`ruhrgeo.maps.polygons`):
the same classes, colors, legend texts, units, title, place names and credit. It is drawn
in a metric CRS with a scale bar; municipalities without data are hatched.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from ruhrgeo._figures import CREDIT_LIMIT, label, literal, title
from ruhrgeo._geometry import metric_crs
from ruhrgeo._params import whole_number
from ruhrgeo.errors import InputTypeError
from ruhrgeo.io.write import write_atomic
from ruhrgeo.maps import checks
from ruhrgeo.maps.polygons import Described, describe, largest

__all__ = ["draw", "plot", "png_bytes", "save_png"]

HATCH_COLOR = "#7a7a7a"
HATCH = "////"
MAP_WIDTH_IN = 6.0  # the map's width in the figure ...
LEGEND_WIDTH_IN = 2.8  # ... and the legend's column to its right
HEADING_WIDTH = 28  # characters of a line of the legend's heading
_NICE = (1, 2, 5)


def plot(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    colors: Mapping[str, str] | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str = "viridis",
    title: str | None = None,
    aliases: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    place_names: bool | int = False,
    attribution: str | None = None,
    locale: str = "en",
) -> Figure:
    """A static map of ``column``: classed numbers as :func:`~ruhrgeo.maps.choropleth`
    draws them (same options, same classes and legend), or categories in ``colors``
    (e.g. :data:`ruhrgeo.spatial.CLUSTER_COLORS`) as :func:`~ruhrgeo.maps.cluster_map` does.

    Parameters
    ----------
    gdf
        Areas indexed by any unique key, with ``column``.
    column
        The numbers (or, with ``colors``, the categories) to map.
    colors
        Category -> color: a map of categories instead of classes.
    scheme, k, bins
        The classes, as for :func:`~ruhrgeo.maps.choropleth`.
    cmap
        A matplotlib color map.
    title
        Title of the figure (wrapped); the legend is headed by the column's alias or name.
    aliases
        Human labels of columns, e.g. ``{"fttbh": "FTTB/H"}``.
    units
        Units of columns, shown after their numbers, e.g. ``{"fttbh": "%"}``.
    place_names
        Names on the map: ``True`` all, a number the N most populous, ``False`` none.
    attribution
        The data's credit line; default ``gdf.attrs["source"]``.
    locale
        Words and numbers of the page: ``"en"`` (default) or ``"de"`` ("keine Daten",
        "Gemeinde", decimal comma).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (write it with :func:`save_png`).

    Raises
    ------
    ruhrgeo.errors.InputTypeError
        ``gdf`` is not a GeoDataFrame.
    ruhrgeo.errors.MissingColumnError
        A mapped or tooltip column is not in ``gdf``.
    ruhrgeo.errors.MapDataError
        Nothing to map (no values), labels of unknown areas, unknown categories or colors.
    ruhrgeo.errors.MapTextError
        A text that is not valid Unicode.
    ruhrgeo.errors.ParameterError
        An option out of range (classes, place names) or an unknown ``locale``.

    Examples
    --------
    >>> from ruhrgeo import datasets, read_municipalities
    >>> munis = datasets.ruhr_municipalities()
    >>> fig = plot(munis, "population", units={"population": "inhabitants"}, k=4)
    >>> fig.axes[0].get_title(), fig.axes[1].get_legend().texts[0].get_text()
    ('population', '8,673 – 27,187 inhabitants (14)')
    """
    described = describe(
        gdf,
        column,
        colors=colors,
        scheme=scheme,
        k=k,
        bins=bins,
        cmap=cmap,
        title=title,
        tooltip=[column],
        aliases=aliases,
        units=units,
        place_names=place_names,
        attribution=attribution,
        locale=locale,
    )
    return draw(described)


def draw(described: Described) -> Figure:
    """The figure of a described polygon map: the map on the left at a fixed width, the
    legend in a column of its own to the right, so that no legend text squeezes the map."""
    munis = described.munis.to_crs(metric_crs(described.munis))
    shading = described.shading
    classes = shading.classes.reindex(munis.index).to_numpy()
    x0, y0, x1, y1 = munis.total_bounds
    heading = title(shading.title)
    extra = 0.25 * heading.count("\n")  # a wrapped title gets its lines, not the map's room
    height = min(10.0 + extra, max(3.5, MAP_WIDTH_IN * (y1 - y0) / max(x1 - x0, 1.0) + 1.2))
    height += extra
    # no pyplot: no global figure state
    fig = Figure(figsize=(MAP_WIDTH_IN + LEGEND_WIDTH_IN, height), layout="constrained")
    grid = fig.add_gridspec(1, 2, width_ratios=(MAP_WIDTH_IN, LEGEND_WIDTH_IN))
    ax = fig.add_subplot(grid[0, 0])
    key = fig.add_subplot(grid[0, 1])
    key.set_axis_off()
    valued = classes >= 0
    if valued.any():
        fills = [shading.palette[c] for c in classes[valued]]
        munis[valued].plot(ax=ax, color=fills, edgecolor="white", linewidth=0.4)
    if not valued.all():
        munis[~valued].plot(
            ax=ax, facecolor="white", edgecolor=HATCH_COLOR, hatch=HATCH, linewidth=0
        )
        munis[~valued].boundary.plot(ax=ax, color="white", linewidth=0.4)
    handles = [
        Patch(facecolor=color, edgecolor="#bbbbbb")
        if color is not None
        else Patch(facecolor="white", edgecolor=HATCH_COLOR, hatch=HATCH)
        for color, _ in shading.legend
    ]
    if handles:
        legend = key.legend(
            handles,
            [label(text) for _, text in shading.legend],
            title=title(described.heading, width=HEADING_WIDTH),
            loc="upper left",
            bbox_to_anchor=(0.0, 1.0),
            borderaxespad=0.0,
            fontsize=8,
            title_fontsize=9,
            frameon=False,
            alignment="left",
        )
        legend.set_in_layout(False)  # a long entry runs on to the right, the map stays
    ax.set_title(heading)
    ax.add_artist(_scale_bar(ax, munis))
    ax.set_axis_off()
    if described.attribution:
        fig.text(
            0.99,
            0.01,
            label(described.attribution, CREDIT_LIMIT),
            ha="right",
            va="bottom",
            fontsize=6,
            color="#555555",
            wrap=True,
        )
    _place_names(fig, ax, largest(munis, described.place_names))
    return literal(fig)


def save_png(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
    """Write ``fig`` as PNG (atomically; drawn in memory first, so a failure writes nothing).

    Parameters
    ----------
    fig
        A figure of :func:`plot` or of the statistics and index figures.
    path
        The ``.png`` file to write (replaced atomically).
    dpi
        Resolution (50 to 600).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ruhrgeo.errors.InputTypeError
        ``fig`` is not a matplotlib figure.
    ruhrgeo.errors.ParameterError
        A ``dpi`` out of range.
    ruhrgeo.errors.OutputError
        The file cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ruhrgeo import datasets, read_municipalities
    >>> fig = plot(datasets.ruhr_municipalities(), "population")
    >>> save_png(fig, pathlib.Path(tempfile.mkdtemp()) / "m.png").read_bytes()[:4]
    b'\\x89PNG'
    """
    if not isinstance(fig, Figure):
        raise InputTypeError(f"`fig` must be a matplotlib Figure, got {type(fig).__name__}")
    dpi = whole_number(dpi, "dpi", low=10, high=1200)
    target = checks.output(path, (".png",), "figures")
    data = png_bytes(fig, dpi=dpi)
    return write_atomic(target, lambda tmp: tmp.write_bytes(data))


def png_bytes(fig: Figure, *, dpi: int = 150) -> bytes:
    """``fig`` as PNG bytes (no software stamp, so the same figure gives the same bytes)."""
    buffer = io.BytesIO()
    literal(fig)  # ticks made since the figure was drawn
    fig.savefig(
        buffer,
        dpi=dpi,
        format="png",
        metadata={"Software": None},
        bbox_inches="tight",
        pad_inches=0.15,
    )
    return buffer.getvalue()


def _place_names(fig: Figure, ax: Axes, named: gpd.GeoDataFrame) -> None:
    """Names with a white halo (readable on dark fills), largest place first; a name that
    would overlap one already written is left out, so that no two names cover each other."""
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    texts = [
        ax.annotate(
            label(name),
            (point.x, point.y),
            ha="center",
            va="center",
            fontsize=7,
            path_effects=halo,
            annotation_clip=True,
        )
        for point, name in zip(named.geometry.representative_point(), named["name"], strict=True)
    ]
    if not texts:
        return
    for text in texts:
        text.set_in_layout(False)
    renderer = FigureCanvasAgg(fig).get_renderer()  # PNGs are drawn by Agg
    fig.draw_without_rendering()  # the final layout, so that the extents are those drawn
    kept: list[Bbox] = []
    for text in texts:
        box = text.get_window_extent(renderer).expanded(1.05, 1.1)
        if any(box.overlaps(other) for other in kept):
            text.set_visible(False)
        else:
            kept.append(box)


def _scale_bar(ax: object, munis: gpd.GeoDataFrame) -> AnchoredSizeBar:
    """A bar about a fifth of the map's width, of a round length in km."""
    x0, _, x1, _ = munis.total_bounds
    target_km = max((x1 - x0) / 5000, 0.001)
    exponent = 10 ** math.floor(math.log10(target_km))
    km = max(n * exponent for n in _NICE if n * exponent <= target_km)
    label = f"{km:g} km"
    return AnchoredSizeBar(
        ax.transData,  # type: ignore[attr-defined]
        km * 1000,
        label,
        loc="lower left",
        frameon=False,
        size_vertical=(x1 - x0) / 300,
        fontproperties={"size": 8},
    )
