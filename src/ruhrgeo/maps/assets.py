"""Leaflet's JavaScript and CSS for self-contained pages, from the installed folium-offline.

folium-offline's documented behavior is that its elements embed the resources they need
when rendered, instead of linking a CDN. ruhrgeo renders one such element of that package
(its public ``JSCSSMixin``) for each resource and takes what it embedded, so nothing
third-party is copied into ruhrgeo. Leaflet, which every page needs, is checked against the
SHA-256 of the files ruhrgeo was tested with: a missing or changed file raises
:class:`~ruhrgeo.errors.MapAssetError`; no page ever falls back to a CDN.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from typing import Literal

from branca.element import Figure

from ruhrgeo.errors import MapAssetError

__all__ = ["LEAFLET_CSS", "LEAFLET_JS", "embedded"]

LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
# SHA-256 of the <script>/<style> elements folium-offline 0.20.0.2 embeds for Leaflet 1.9.3.
PINNED = {
    LEAFLET_JS: "8f1511b25507bb260d34e9d4baae29ccfae303993781bf06fb0e59d3cff989ae",
    LEAFLET_CSS: "0842f8d93d200507c0b5b7453e380a581cd94849e6d817f65381f9a03c2d38d3",
}
_TESTED_WITH = "folium-offline==0.20.0.2"


def embedded(url: str, kind: Literal["js", "css"]) -> str:
    """The ``<script>`` or ``<style>`` element folium-offline embeds for ``url``.

    Raises :class:`~ruhrgeo.errors.MapAssetError` when folium-offline does not provide
    ``url``, or when it provides a Leaflet file other than the one ruhrgeo was tested with.

    Examples
    --------
    >>> embedded(LEAFLET_JS, "js")[:30]
    '<script>\\n/* @preserve\\n * Leafl'
    """
    try:
        from offlinefolium.elements import JSCSSMixin
    except ImportError:
        raise MapAssetError(
            "self-contained maps need the package folium-offline; install it with "
            f"`pip install '{_TESTED_WITH}'`"
        ) from None

    class Probe(JSCSSMixin):
        default_js = [("asset", url)] if kind == "js" else []
        default_css = [("asset", url)] if kind == "css" else []

    figure = Figure()
    probe = Probe()
    figure.add_child(probe)
    try:
        probe.render()
    except KeyError:
        raise MapAssetError(
            f"the installed folium-offline {_version()} does not provide {url}, which the "
            f"page needs offline; install `{_TESTED_WITH}`, or remove the element that "
            "needs it"
        ) from None
    text = figure.header._children["asset"].render()
    expected = PINNED.get(url)
    actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if expected is not None and actual != expected:
        raise MapAssetError(
            f"the installed folium-offline {_version()} ships a different {url} (SHA-256 "
            f"{actual[:12]}…, expected {expected[:12]}…) than ruhrgeo was tested with; "
            f"install `{_TESTED_WITH}`"
        )
    return text


def _version() -> str:
    try:
        return metadata.version("folium-offline")
    except metadata.PackageNotFoundError:  # pragma: no cover - importable but not installed
        return "(unknown version)"
