"""The map page: a folium Map whose every rendering is self-contained and deterministic.

``Map.save(path)``, a notebook's ``_repr_html_``, ``m.get_root().render()`` and
:func:`save_html` all render through :class:`Page`, which numbers the element ids in document
order (folium's are random) and inlines every script and style sheet from the installed
folium-offline (:mod:`ruhrgeo.maps.assets`). A page that would still link anything raises
:class:`~ruhrgeo.errors.MapAssetError`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

import folium
from branca.element import Element, Figure
from folium.elements import ElementAddToElement

from ruhrgeo.errors import InputTypeError, MapAssetError
from ruhrgeo.io.write import write_atomic
from ruhrgeo.maps import checks
from ruhrgeo.maps.assets import LEAFLET_CSS, LEAFLET_JS, embedded
from ruhrgeo.maps.elements import Decorations, LayerElement, ShapesElement, static
from ruhrgeo.maps.escape import html_text
from ruhrgeo.maps.layers import MapLayer
from ruhrgeo.maps.locales import get_locale

__all__ = ["Map", "Page", "save_html"]

DEFAULT_TITLE = "Map"
_LINK = re.compile(
    r'<script src="(?P<js>[^"]+)"></script>|<link rel="stylesheet" href="(?P<css>[^"]+)"/>'
)
_EXTERNAL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=", re.I)
_META = '<meta http-equiv="content-type" content="text/html; charset=UTF-8" />'


class Page(Figure):
    """The HTML document of a map: stable ids, every script inline, nothing linked."""

    def render(self, **kwargs: Any) -> str:
        _number(self)
        self.header, self.html, self.script = Element(), Element(), Element()
        for part in (self.header, self.html, self.script):
            part._parent = self
        self.header.add_child(Element(_META), name="meta_http")
        return _inline(super().render(**kwargs))


class Map(folium.Map):
    """A map page of ruhrgeo :class:`~ruhrgeo.maps.layers.MapLayer` objects (a folium Map).

    Base layers (colored municipalities) are shown one at a time, the first on opening;
    overlays (campus rings, place names) can be ticked on and off; each legend shows with
    its layer and each layer's credit in the attribution line. The page has a metric scale,
    a visible title and an optional OpenStreetMap basemap, off until ticked (it needs the
    network; the page does not). Other folium keyword arguments are passed on.

    Parameters
    ----------
    *layers
        ruhrgeo map layers (e.g. ``choropleth(...).layers``).
    title
        The page's title.
    locale
        Words of the page: ``"en"`` (default) or ``"de"``.
    **kwargs
        Further options of :class:`folium.Map`.

    Raises
    ------
    ruhrgeo.errors.InputTypeError
        A layer that is not a :class:`MapLayer`.
    ruhrgeo.errors.MapTextError
        A title that is not valid text.
    ruhrgeo.errors.ParameterError
        An unknown ``locale``.

    Examples
    --------
    >>> m = Map(title="Empty")
    >>> "<title>Empty</title>" in m.get_root().render()
    True
    """

    # only Leaflet: the pages need no jQuery, Bootstrap or icon fonts
    default_js: ClassVar[list[tuple[str, str]]] = [("leaflet", LEAFLET_JS)]
    default_css: ClassVar[list[tuple[str, str]]] = [("leaflet_css", LEAFLET_CSS)]

    def __init__(
        self, *layers: MapLayer, title: str | None = None, locale: str = "en", **kwargs: Any
    ) -> None:
        bad = [layer for layer in layers if not isinstance(layer, MapLayer)]
        if bad:
            raise InputTypeError(
                f"Map takes ruhrgeo layers (e.g. choropleth(...).layers), got {bad[:3]!r}"
            )
        title = checks.text(title, "title")
        self.locale = get_locale(locale).code
        kwargs.setdefault("tiles", None)
        kwargs.setdefault("zoom_snap", 0.25)  # fit the municipalities closely
        kwargs["control_scale"] = False  # ruhrgeo's scale is metric only
        super().__init__(**kwargs)
        Page(title=html_text(title or DEFAULT_TITLE)).add_child(self)
        self.layers = tuple(layers)
        self.title = title
        Decorations(title).add_to(self)
        self._add_layers()

    def render(self, **kwargs: Any) -> None:
        super().render(**kwargs)
        self.get_root().header.add_child(static(), name="ruhrgeo")  # after Leaflet's CSS

    def save(self, outfile: str | os.PathLike[str] | BinaryIO, close_file: bool = True) -> None:
        """Write the self-contained page (atomically when ``outfile`` is a path)."""
        if isinstance(outfile, str | os.PathLike):
            save_html(self, outfile)
        else:
            super().save(outfile, close_file=close_file)

    def _add_layers(self) -> None:
        if not self.layers:
            return
        for shapes in {lay.shapes.key: lay.shapes for lay in self.layers if lay.shapes}.values():
            ShapesElement(shapes).add_to(self)
        first_base = next((lay for lay in self.layers if lay.base), None)
        for layer, name in zip(self.layers, _unique_names(self.layers), strict=True):
            show = layer is first_base if layer.base else layer.show
            LayerElement(layer, name=name, show=show).add_to(self)
        folium.TileLayer(
            "OpenStreetMap", name=get_locale(self.locale).basemap, overlay=True, show=False
        ).add_to(self)
        # collapsed: the switcher opens on hover or tap and hides no data otherwise
        folium.LayerControl(collapsed=True).add_to(self)
        framing = [lay.bounds for lay in self.layers if lay.base] or [
            lay.bounds for lay in self.layers
        ]
        west = min(b[0] for b in framing)
        south = min(b[1] for b in framing)
        east = max(b[2] for b in framing)
        north = max(b[3] for b in framing)
        self.fit_bounds([[south, west], [north, east]])


def save_html(m: Element, path: str | os.PathLike[str]) -> Path:
    """Write ``m`` as one self-contained HTML file (atomically): it works offline, and the
    same map gives byte-identical files.

    Any folium map can be saved this way; scripts and style sheets are taken from the
    installed folium-offline, and a page element it cannot provide raises
    :class:`~ruhrgeo.errors.MapAssetError` (nothing is written).

    Parameters
    ----------
    m
        A map page (:class:`Map`).
    path
        The ``.html`` file to write (replaced atomically).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ruhrgeo.errors.InputTypeError
        ``m`` is not a map page.
    ruhrgeo.errors.OutputError
        The file cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = save_html(Map(title="Ruhr"), pathlib.Path(tempfile.mkdtemp()) / "m.html")
    >>> "cdn.jsdelivr" in path.read_text(), path.stat().st_size < 250_000
    (False, True)
    """
    if not isinstance(m, Element):
        raise InputTypeError(f"`m` must be a map (ruhrgeo or folium), got {type(m).__name__}")
    target = checks.output(path, (".html", ".htm"), "maps")
    root = m.get_root()
    if isinstance(root, Page):
        html = root.render()
    else:  # a plain folium map: numbered and inlined the same way
        _number(root)
        html = _inline(root.render())
    return write_atomic(target, lambda tmp: tmp.write_text(html, encoding="utf-8"))


def _number(root: Element) -> None:
    """Ids in document order; what an earlier rendering added (folium's layers add their
    ``addTo`` call as a child while rendering) is dropped first, so every rendering of the
    same map is the same."""
    for element in list(_walk(root)):
        for key, child in list(element._children.items()):
            if isinstance(child, ElementAddToElement):
                del element._children[key]
    for number, element in enumerate(_walk(root)):
        element._id = f"{number:05d}"


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _inline(html: str) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group("js"):
            return embedded(match.group("js"), "js")
        return embedded(match.group("css"), "css")

    page = _LINK.sub(replace, html)
    left = _EXTERNAL.search(page)
    if left:
        raise MapAssetError(
            f"the page would load {left.group(0)!r}… from elsewhere; ruhrgeo pages are "
            "self-contained: remove the element that links it"
        )
    return page


def _unique_names(layers: tuple[MapLayer, ...]) -> list[str]:
    """Layer names as the layer control lists them (a repeated name gets a number)."""
    seen: dict[str, int] = {}
    names = []
    for layer in layers:
        seen[layer.name] = seen.get(layer.name, 0) + 1
        names.append(layer.name if seen[layer.name] == 1 else f"{layer.name} ({seen[layer.name]})")
    return names
