"""Names of a package imported on first use (PEP 562): ``import ruhrgeo.maps`` loads neither
folium nor matplotlib until a map is made."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def exports(
    package: str, names: Mapping[str, str]
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``__all__``, ``__getattr__`` and ``__dir__`` for ``package`` whose public ``names``
    live in the given submodules (name -> submodule, relative to the package).

    Examples
    --------
    >>> all_, getattr_, dir_ = exports("ruhrgeo.maps", {"choropleth": "choropleths"})
    >>> all_, getattr_("choropleth").__name__
    (['choropleth'], 'choropleth')
    """

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{names[name]}"), name)
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(importlib.import_module(package))) | set(names))

    order = sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    return order, __getattr__, __dir__
