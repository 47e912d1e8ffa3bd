"""Optional dependencies: imported where a function needs them, with an install hint."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from ruhrgeo.errors import MissingDependencyError

EXTRAS = {"giddy": "dynamics", "spopt": "regions", "dask": "dask", "distributed": "dask"}


def need(module: str, what: str) -> ModuleType:
    """``module`` imported, or a MissingDependencyError naming the extra that installs it.

    Examples
    --------
    >>> need("numpy", "arrays").__name__
    'numpy'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".")[0]
        extra = EXTRAS.get(package)
        hint = f"pip install 'ruhrgeo[{extra}]'" if extra else f"pip install {package}"
        raise MissingDependencyError(
            f"{what} needs the package {package!r}, which is not installed; {hint}"
        ) from None


def available(module: str) -> bool:
    """Whether ``module`` is installed (an extra's speed-up is used where it is).

    Examples
    --------
    >>> available("numpy"), available("no_such_module")
    (True, False)
    """
    return importlib.util.find_spec(module) is not None
