"""folium elements that hand ruhrgeo's layers to the page script (static/ruhrgeo.js).

Each element writes one call with script-safe JSON (:func:`ruhrgeo.maps.escape.script_json`);
the only other text is element names and Leaflet layer names, which are HTML-escaped because
Leaflet's layer control shows them as HTML.
"""

from __future__ import annotations

from importlib import resources

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from ruhrgeo.maps.escape import html_text, script_json
from ruhrgeo.maps.layers import MapLayer, Shapes

__all__ = ["Decorations", "LayerElement", "ShapesElement", "static"]


class Raw(Element):
    """Text put into the page as it is (an ``Element(text)`` would be run as a template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


def static() -> Raw:
    """The page script and style sheet (ruhrgeo's own, in ``maps/static``)."""
    folder = resources.files("ruhrgeo.maps") / "static"
    css = (folder / "ruhrgeo.css").read_text(encoding="utf-8")
    js = (folder / "ruhrgeo.js").read_text(encoding="utf-8")
    return Raw(f"<style>\n{css}</style>\n<script>\n{js}</script>")


class Decorations(MacroElement):
    """The visible title and the metric scale."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "ruhrgeo.decorate({{ this._parent.get_name() }}, {{ this.payload }});\n"
        "{% endmacro %}"
    )

    def __init__(self, title: str | None) -> None:
        super().__init__()
        self._name = "Decorations"
        self.payload = script_json({"title": title})


class ShapesElement(MacroElement):
    """Packed polygons, unpacked once for every layer that colors them."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "ruhrgeo.unpack({{ this.key }}, {{ this.shapes.packed }});\n"
        "{% endmacro %}"
    )

    def __init__(self, shapes: Shapes) -> None:
        super().__init__()
        self._name = "Shapes"
        self.shapes = shapes
        self.key = script_json(shapes.key)


class LayerElement(folium.FeatureGroup):
    """One :class:`~ruhrgeo.maps.layers.MapLayer`, listed in folium's layer control."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = ruhrgeo.{{ this.kind }}("
        "{{ this._parent.get_name() }}, {{ this.payload }});\n"
        "{% endmacro %}"
    )

    def __init__(self, layer: MapLayer, *, name: str, show: bool) -> None:
        super().__init__(name=html_text(name), overlay=not layer.base, show=show)
        self._name = "Layer"
        self.kind = layer.kind  # one of three fixed names, never user text
        self.payload = layer.payload()
