"""Saved overlays: the exact fractions of a boundary release on a grid, computed once.

Format (``.npz``, ``ruhrgeo-overlay`` version 2): the arrays ``tiles`` (int64, one row per
tile: first row, first column, rows, columns in the working window), ``runs`` and ``entries``
(int64 per tile: how many municipality runs and entries it has), ``muni`` (int32, the
municipality of each run), ``lengths`` (int64, entries per run), ``cells`` (int32, each entry's
cell in its tile, row-major) and ``fraction`` (float32), and ``meta``, a JSON string with
``format``, ``version``, ``ags`` (the municipalities in order), ``lattice`` and ``window``
(affine transform, shape, CRS as WKT), the window's ``origin`` on the lattice, the
boundaries' ``fingerprint`` (SHA-256 of AGS and WKB in the grid's CRS) and the municipalities'
other ``attributes`` (for ``by=``).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
from affine import Affine

from ruhrgeo._validate import existing_path
from ruhrgeo.errors import FileFormatError
from ruhrgeo.grid import GridSpec
from ruhrgeo.io.write import write_atomic

__all__ = ["FORMAT", "VERSION", "read_overlay", "spec_from_json", "spec_to_json", "write_overlay"]

FORMAT, VERSION = "ruhrgeo-overlay", 2
_ARRAYS = ("tiles", "runs", "entries", "muni", "lengths", "cells", "fraction")


def write_overlay(
    path: str | os.PathLike[str], meta: dict[str, Any], arrays: dict[str, np.ndarray]
) -> Path:
    """Write ``arrays`` and ``meta`` (atomically)."""
    buffer = io.BytesIO()
    np.savez(
        buffer, meta=np.array(json.dumps({"format": FORMAT, "version": VERSION, **meta})), **arrays
    )
    return write_atomic(path, lambda tmp: tmp.write_bytes(buffer.getvalue()))


def read_overlay(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The meta data and arrays of a saved overlay; a file that is not one (or is truncated)
    raises :class:`~ruhrgeo.errors.FileFormatError`."""
    source = existing_path(path, "path")
    try:
        # opened here: np.load leaves its own file open when the archive is truncated
        with source.open("rb") as file, np.load(file, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            arrays = {name: data[name] for name in _ARRAYS}
    except (
        ValueError,
        KeyError,
        OSError,
        EOFError,
        zipfile.BadZipFile,
        json.JSONDecodeError,
    ) as exc:
        raise FileFormatError(
            f"{source.name} is not a saved ruhrgeo overlay, or it is truncated ({exc}); save it "
            "again with Overlay.save"
        ) from None
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise FileFormatError(
            f"{source.name} is format {meta.get('format')!r} version {meta.get('version')!r}; "
            f"this ruhrgeo reads {FORMAT!r} version {VERSION}: save the overlay again"
        )
    return meta, arrays


def spec_to_json(spec: GridSpec) -> dict[str, Any]:
    return {
        "transform": list(spec.transform)[:6],
        "shape": list(spec.shape),
        "crs": spec.crs.to_wkt(),
    }


def spec_from_json(data: dict[str, Any]) -> GridSpec:
    return GridSpec(
        Affine(*data["transform"]), tuple(data["shape"]), pyproj.CRS.from_wkt(data["crs"])
    )
