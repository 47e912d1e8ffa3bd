"""Static map HTML: inline the page's JS/CSS from an installed package, stable element ids."""

from __future__ import annotations

import os
import re
from pathlib import Path

import folium
from branca.element import Element

from ruhrgeo.errors import FileFormatError
from ruhrgeo.io.write import write_atomic

# Only Leaflet is needed: no jQuery, Bootstrap or icon fonts (see maps.Map).
LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
_REFERENCE = re.compile(
    r'<script src="(?P<js>[^"]+)"></script>|<link rel="stylesheet" href="(?P<css>[^"]+)"/>'
)


def save_html(m: folium.Map, path: str | os.PathLike[str], *, self_contained: bool = True) -> Path:
    """Write ``m`` as one static HTML file (atomically).

    With ``self_contained=True`` (default) every script and style sheet the page loads is
    inlined, taken at run time from the installed ``folium-offline`` package (no third-party
    JS/CSS is copied into ruhrgeo), so the page renders with no network. Element ids are
    numbered in document order, so the same map gives byte-identical files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ruhrgeo.maps import Map
    >>> path = save_html(Map(location=[51.5, 7.2], zoom_start=9),
    ...                  pathlib.Path(tempfile.mkdtemp()) / "m.html")
    >>> "cdn.jsdelivr" in path.read_text(), path.stat().st_size < 250_000
    (False, True)
    """
    html = render(m)
    if self_contained:
        html = _inline(html)
    return write_atomic(path, lambda tmp: tmp.write_text(html, encoding="utf-8"))


def render(m: folium.Map) -> str:
    """The page's HTML with stable, sequential element ids."""
    for number, element in enumerate(_walk(m.get_root())):
        element._id = f"{number:05d}"
    return m.get_root().render()


def _walk(element: Element):  # type: ignore[no-untyped-def]
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _inline(html: str) -> str:
    resources = _offline_resources()

    def replace(match: re.Match[str]) -> str:
        url = match.group("js") or match.group("css")
        if url not in resources:
            raise FileFormatError(
                f"the map needs {url}, which no installed package provides offline; use "
                "save_html(..., self_contained=False) or remove the element that needs it"
            )
        if match.group("js"):
            return "<script>" + resources[url] + "</script>"
        return "<style>" + resources[url] + "</style>"

    return _REFERENCE.sub(replace, html)


def _offline_resources() -> dict[str, str]:
    try:
        from offlinefolium.elements import _res  # the assets folium-offline ships
    except ImportError:  # pragma: no cover - it is a dependency
        raise FileFormatError(
            "self-contained maps need the package folium-offline (`pip install folium-offline`)"
        ) from None
    return _res
