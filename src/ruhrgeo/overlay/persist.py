"""Saving and loading an Overlay.

Format (``.npz``, version 1): arrays ``muni`` (int32, municipality number), ``cell`` (int64,
cell number in the working window), ``fraction`` (float64), and ``meta``, a JSON string with
``format`` = "ruhrgeo-overlay", ``version``, ``ags`` (the municipalities in order), the
``grid`` (affine transform, shape, CRS as WKT), the ``window`` (transform, shape) and its
``offsets`` in the grid, the boundaries' ``fingerprint`` (SHA-256 of AGS and WKB in the
grid's CRS) and the municipalities' other attributes.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyproj
from affine import Affine

from ruhrgeo._validate import existing_path
from ruhrgeo.errors import FileFormatError, OverlayMismatchError
from ruhrgeo.grid import GridSpec
from ruhrgeo.io import read_municipalities
from ruhrgeo.io.write import write_atomic

FORMAT, VERSION = "ruhrgeo-overlay", 1


def save_overlay(overlay: Any, path: str | os.PathLike[str]) -> Path:
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "ags": [str(a) for a in overlay.ags],
        "grid": _spec_json(overlay.spec),
        "window": _spec_json(overlay._window),
        "offsets": list(overlay._offsets),
        "fingerprint": overlay.fingerprint,
        "attributes": overlay._attributes.to_json(orient="split", date_format="iso"),
    }
    buffer = io.BytesIO()
    np.savez(
        buffer,
        muni=overlay._muni.astype(np.int32),
        cell=overlay._window_cell.astype(np.int64),
        fraction=overlay.fraction,
        meta=np.array(json.dumps(meta)),
    )
    return write_atomic(path, lambda tmp: tmp.write_bytes(buffer.getvalue()))


def load_overlay(cls: type, path: str | os.PathLike[str], municipalities: Any, grid: Any) -> Any:
    source = existing_path(path, "path")
    try:
        with np.load(source, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            muni, cell, fraction = data["muni"], data["cell"], data["fraction"]
    except (ValueError, KeyError, OSError) as exc:
        raise FileFormatError(f"{source.name} is not a saved ruhrgeo overlay ({exc})") from None
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise FileFormatError(
            f"{source.name} is format {meta.get('format')!r} version {meta.get('version')!r}; "
            f"this ruhrgeo reads {FORMAT!r} version {VERSION}"
        )
    spec = _spec(meta["grid"])
    overlay = cls.__new__(cls)
    overlay.spec = spec
    overlay.ags = pd.Index(meta["ags"], name="ags")
    overlay.fingerprint = meta["fingerprint"]
    overlay._attributes = pd.read_json(io.StringIO(meta["attributes"]), orient="split", dtype=False)
    overlay._attributes.index = overlay.ags
    overlay._weight_cache = {}
    overlay._window = _spec(meta["window"], spec.crs)
    overlay._offsets = tuple(meta["offsets"])
    overlay._index_cells(muni.astype(np.int64), cell, fraction)
    if grid is not None:
        from ruhrgeo.overlay.engine import _as_grid

        other = grid if isinstance(grid, GridSpec) else _as_grid(grid, "grid").spec
        if not other.same_as(spec):
            raise OverlayMismatchError(
                f"{source.name} was made for {spec.describe()}, not for {other.describe()}; "
                "make a new Overlay for this grid"
            )
    if municipalities is not None:
        from ruhrgeo.overlay.engine import fingerprint

        munis = read_municipalities(municipalities)
        if fingerprint(munis.to_crs(spec.crs)) != overlay.fingerprint:
            raise OverlayMismatchError(
                f"{source.name} was made for other boundaries (a different AGS list or "
                "geometry); make a new Overlay for these municipalities"
            )
    return overlay


def _spec_json(spec: GridSpec) -> dict[str, Any]:
    return {
        "transform": list(spec.transform)[:6],
        "shape": list(spec.shape),
        "crs": spec.crs.to_wkt(),
    }


def _spec(data: dict[str, Any], crs: pyproj.CRS | None = None) -> GridSpec:
    return GridSpec(
        Affine(*data["transform"]), tuple(data["shape"]), crs or pyproj.CRS.from_wkt(data["crs"])
    )
