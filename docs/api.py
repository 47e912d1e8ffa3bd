"""The API reference pages, written from the ``__all__`` of ruhrgeo and its packages at each
build, so that every public name has its entry and none is stale."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

PACKAGES = {
    "ruhrgeo": "Reading and the overlay: the names at the top of the package.",
    "ruhrgeo.datasets": "Shipped real and synthetic data, and the optional VG250 download.",
    "ruhrgeo.index": "The composite index, its audit and robustness, regions and releases.",
    "ruhrgeo.spatial": "Spatial weights, autocorrelation, models, the divide, rates, regions.",
    "ruhrgeo.spillover": "University spill-over: access, allocation, reach, the radius.",
    "ruhrgeo.maps": "Offline map pages and their PNG twins.",
    "ruhrgeo.errors": "Every exception and warning ruhrgeo raises.",
}


def public_names(package: str) -> list[str]:
    module = importlib.import_module(package)
    names = getattr(module, "__all__", None)
    if names is None:  # ruhrgeo.errors: its classes
        names = [n for n, v in vars(module).items() if inspect.isclass(v) and not n.startswith("_")]
    return [n for n in names if not inspect.ismodule(getattr(module, n)) and n != "__version__"]


def write_api_pages(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    toc = ["API reference", "=============", "", ".. toctree::", "   :maxdepth: 1", ""]
    for package, summary in PACKAGES.items():
        toc.append(f"   {package}")
        title = f"``{package}``"
        lines = [title, "=" * len(title), "", summary, "", f".. currentmodule:: {package}", ""]
        lines += [".. autosummary::", "   :toctree: generated", "   :nosignatures:", ""]
        lines += [f"   {name}" for name in sorted(public_names(package), key=str.lower)]
        _write(folder / f"{package}.rst", "\n".join(lines) + "\n")
    _write(folder / "index.rst", "\n".join(toc) + "\n")


def _write(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:  # no rebuild otherwise
        path.write_text(text, encoding="utf-8")
