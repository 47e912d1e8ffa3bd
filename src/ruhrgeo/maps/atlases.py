"""Several maps on one page: their colored layers one at a time, their overlays on top."""

from __future__ import annotations

import dataclasses

from ruhrgeo.errors import InputTypeError, ParameterError
from ruhrgeo.maps import checks
from ruhrgeo.maps.layers import MapLayer
from ruhrgeo.maps.page import Map

__all__ = ["atlas"]


def atlas(*maps: Map, title: str | None = None) -> Map:
    """One page with the layers of ``maps``: the colored layers as radio buttons (the first
    shown), each with its legend; the overlays (rings, place names) as checkboxes, those of
    the first map ticked. An overlay that several maps share is listed once.

    The maps themselves are not changed. ``title`` defaults to the first map's.

    Parameters
    ----------
    *maps
        Map pages (:func:`choropleth`, :func:`cluster_map`, ...).
    title
        The page's title; default the first map's.

    Returns
    -------
    Map
        The combined page.

    Raises
    ------
    ruhrgeo.errors.ParameterError
        No map.
    ruhrgeo.errors.InputTypeError
        Something that is not a ruhrgeo map page.

    Examples
    --------
    >>> from ruhrgeo import datasets, read_municipalities
    >>> from ruhrgeo.maps import choropleth
    >>> munis = datasets.ruhr_municipalities()
    >>> both = atlas(choropleth(munis, "population"), choropleth(munis, "area_km2"))
    >>> [(layer.name, layer.base) for layer in both.layers]
    [('population', True), ('area_km2', True)]
    """
    if not maps:
        raise ParameterError("`atlas` needs at least one map, e.g. atlas(choropleth(...))")
    bad = [type(m).__name__ for m in maps if not isinstance(m, Map)]
    if bad:
        raise InputTypeError(f"`atlas` takes ruhrgeo maps (choropleth, ...), got {bad}")
    layers: list[MapLayer] = []
    seen: set[tuple[str, str]] = set()
    for number, m in enumerate(maps):
        for layer in m.layers:
            if not layer.base:
                key = (layer.kind, layer.payload())
                if key in seen:
                    continue
                seen.add(key)
                layer = dataclasses.replace(layer, show=layer.show and number == 0)
            layers.append(layer)
    title = checks.text(title, "title") or maps[0].title
    return Map(*layers, title=title, locale=maps[0].locale)
