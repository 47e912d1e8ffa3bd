"""The saved overlay: the exact fractions of a boundary release on a grid, computed once.

Format ``ruhrgeo-overlay`` version 3, a ZIP archive (``.npz``, stored, never pickled) of NumPy
arrays and a JSON header:

- ``header.json``: ``format``, ``version``, ``keys`` (the areas in order: texts or whole
  numbers) and ``key_name``, ``lattice`` and ``window`` (affine transform, shape, CRS as
  WKT), the window's ``origin`` on the lattice, the boundaries' ``fingerprint`` (SHA-256 of
  keys and WKB in the grid's CRS), the areas' other ``attributes`` (for ``by=``), and per
  array its ``dtype``, ``shape`` and ``sha256``;
- ``tiles`` (int64, one row per tile: first row, first column, rows, columns in the window),
  ``runs`` and ``entries`` (int64 per tile: how many area runs and entries it has),
  ``muni`` (int32, the area of each run), ``lengths`` (int64, entries per run), ``cells``
  (int32, each entry's cell in its tile, row-major) and ``fraction`` (float32).

:func:`read_overlay` checks everything before the overlay is used: the header's fields and
types, each array's dtype, shape and checksum (read without allocating more than the file
holds), and what the arrays mean: tiles inside the window, runs and entries adding up, area
numbers in range, keys unique, cells inside their tile and increasing within a run, one run
per area and tile, fractions finite in (0, 1]. Any damage raises
:class:`~ruhrgeo.errors.FileFormatError` naming the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from affine import Affine

from ruhrgeo._validate import existing_path
from ruhrgeo.errors import FileFormatError, RuhrgeoError
from ruhrgeo.grid import GridSpec
from ruhrgeo.io.write import write_atomic
from ruhrgeo.overlay.fractions import TileEntries
from ruhrgeo.overlay.tiles import Tile

__all__ = ["FORMAT", "VERSION", "SavedOverlay", "fingerprint", "read_overlay", "write_overlay"]

FORMAT, VERSION = "ruhrgeo-overlay", 3
HEADER = "header.json"
ARRAYS = {
    "tiles": np.int64,
    "runs": np.int64,
    "entries": np.int64,
    "muni": np.int32,
    "lengths": np.int64,
    "cells": np.int32,
    "fraction": np.float32,
}
_FRACTION_TOLERANCE = 1e-6  # exactextract's single-precision fractions may pass 1 by rounding


@dataclass(frozen=True, eq=False)
class SavedOverlay:
    """What an overlay keeps: the lattice, the window and its origin, the areas' attributes
    (indexed by their key), their fingerprint, and the entries of every tile."""

    lattice: GridSpec
    window: GridSpec
    origin: tuple[int, int]
    attributes: pd.DataFrame
    fingerprint: str
    entries: list[TileEntries]


def fingerprint(areas: gpd.GeoDataFrame) -> str:
    """A hash of the keys and geometries (in the grid's CRS): which boundaries an overlay fits."""
    digest = hashlib.sha256()
    for key, wkb in zip(areas.index, shapely.to_wkb(areas.geometry.to_numpy()), strict=True):
        digest.update(repr(key).encode())
        digest.update(wkb)
    return digest.hexdigest()


def write_overlay(path: str | os.PathLike[str], saved: SavedOverlay) -> Path:
    """Write ``saved`` to ``path`` (atomically)."""
    entries = saved.entries
    arrays = {
        "tiles": np.array(
            [[e.tile.row0, e.tile.col0, e.tile.rows, e.tile.cols] for e in entries]
        ).reshape(-1, 4),
        "runs": np.array([e.muni.size for e in entries]),
        "entries": np.array([e.cells.size for e in entries]),
        "muni": _concat([e.muni for e in entries]),
        "lengths": _concat([e.lengths for e in entries]),
        "cells": _concat([e.cells for e in entries]),
        "fraction": _concat([e.fraction for e in entries]),
    }
    arrays = {name: np.ascontiguousarray(a, dtype=ARRAYS[name]) for name, a in arrays.items()}
    keys = saved.attributes.index
    header = {
        "format": FORMAT,
        "version": VERSION,
        "keys": [k.item() if isinstance(k, np.generic) else k for k in keys],
        "key_name": keys.name,
        "lattice": _spec_json(saved.lattice),
        "window": _spec_json(saved.window),
        "origin": list(saved.origin),
        "fingerprint": saved.fingerprint,
        "attributes": saved.attributes.reset_index(drop=True).to_json(
            orient="split", date_format="iso"
        ),
        "arrays": {
            name: {
                "dtype": a.dtype.str,
                "shape": list(a.shape),
                "sha256": hashlib.sha256(a.data).hexdigest(),
            }
            for name, a in arrays.items()
        },
    }

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr(HEADER, json.dumps(header))
            for name, a in arrays.items():
                with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, a, allow_pickle=False)

    return write_atomic(path, write)


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.empty(0)


def read_overlay(path: str | os.PathLike[str]) -> SavedOverlay:
    """The saved overlay at ``path``, checked whole (see the module docstring)."""
    source = existing_path(path, "path")
    name = source.name
    try:
        with source.open("rb") as file, zipfile.ZipFile(file) as archive:
            header = _header(archive, name)
            arrays = {key: _array(archive, key, header["arrays"], name) for key in ARRAYS}
    except RuhrgeoError:
        raise
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, KeyError) as exc:
        raise FileFormatError(
            f"{name} is not a saved ruhrgeo overlay, or it is truncated or damaged ({exc}); "
            "save it again with Overlay.save"
        ) from None
    try:
        return _saved(header, arrays, name)
    except RuhrgeoError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, pyproj.exceptions.CRSError) as exc:
        raise FileFormatError(
            f"{name}: its header describes no valid overlay ({type(exc).__name__}: {exc}); "
            "save it again with Overlay.save"
        ) from None


def _damaged(name: str, what: str) -> FileFormatError:
    return FileFormatError(f"{name} is damaged: {what}; save the overlay again with Overlay.save")


def _header(archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    members = set(archive.namelist())
    if HEADER not in members:
        if "meta.npy" in members:
            raise FileFormatError(
                f"{name} is a saved overlay of an older ruhrgeo (format version 2); this "
                f"ruhrgeo reads version {VERSION}: make the Overlay again and save it"
            )
        raise FileFormatError(f"{name} is not a saved ruhrgeo overlay (it has no {HEADER})")
    header = json.loads(archive.read(HEADER).decode("utf-8"))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise FileFormatError(f"{name} is not a saved ruhrgeo overlay")
    if header.get("version") != VERSION:
        raise FileFormatError(
            f"{name} is format version {header.get('version')!r}; this ruhrgeo reads version "
            f"{VERSION}: make the Overlay again and save it"
        )
    kinds = {
        "keys": list,
        "lattice": dict,
        "window": dict,
        "origin": list,
        "fingerprint": str,
        "attributes": str,
        "arrays": dict,
    }
    for key, kind in kinds.items():
        if not isinstance(header.get(key), kind):
            raise _damaged(name, f"its header's {key!r} is missing or not a {kind.__name__}")
    return header


def _array(archive: zipfile.ZipFile, key: str, manifest: dict[str, Any], name: str) -> np.ndarray:
    """One array, its header checked against the file's size before anything is allocated,
    its dtype, shape and checksum against the manifest."""
    expected = manifest.get(key)
    if not isinstance(expected, dict):
        raise _damaged(name, f"the header lists no array {key!r}")
    info = archive.getinfo(f"{key}.npy")
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        readers = {
            (1, 0): np.lib.format.read_array_header_1_0,
            (2, 0): np.lib.format.read_array_header_2_0,
        }
        if version not in readers:
            raise _damaged(name, f"array {key!r} is in .npy format {version}")
        shape, fortran, dtype = readers[version](member)
        size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if dtype.hasobject or fortran or size > info.file_size:
            raise _damaged(name, f"array {key!r} claims {shape} of {dtype}, more than it holds")
        data = member.read(size)
    if len(data) != size:
        raise _damaged(name, f"array {key!r} is truncated")
    array = np.frombuffer(data, dtype=dtype).reshape(shape)
    if (
        dtype != np.dtype(ARRAYS[key])
        or dtype.str != expected.get("dtype")
        or list(shape) != expected.get("shape")
    ):
        raise _damaged(name, f"array {key!r} is {dtype} {shape}, not what its header lists")
    if hashlib.sha256(array.data).hexdigest() != expected.get("sha256"):
        raise _damaged(name, f"array {key!r} does not match its checksum")
    return array


def _saved(header: dict[str, Any], arrays: dict[str, np.ndarray], name: str) -> SavedOverlay:
    keys = _keys(header["keys"], header.get("key_name"), name)
    lattice, window = _spec(header["lattice"]), _spec(header["window"])
    origin = header["origin"]
    if len(origin) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in origin):
        raise _damaged(name, f"the window's origin {origin!r} is not two whole numbers")
    attributes = pd.read_json(io.StringIO(header["attributes"]), orient="split", dtype=False)
    if len(attributes) != len(keys):
        raise _damaged(name, f"{len(attributes)} rows of attributes for {len(keys)} areas")
    attributes.index = keys
    fingerprint_ = header["fingerprint"]
    if len(fingerprint_) != 64 or any(c not in "0123456789abcdef" for c in fingerprint_):
        raise _damaged(name, "the fingerprint is not a SHA-256")
    entries = _entries(arrays, window, len(keys), name)
    return SavedOverlay(lattice, window, (origin[0], origin[1]), attributes, fingerprint_, entries)


def _keys(values: list[Any], key_name: Any, name: str) -> pd.Index:
    if not values:
        raise _damaged(name, "it lists no areas")
    text = all(isinstance(v, str) for v in values)
    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    if not (text or whole):
        raise _damaged(name, "its keys are neither all texts nor all whole numbers")
    if key_name is not None and not isinstance(key_name, str | int):
        raise _damaged(name, f"its key name {key_name!r} is not a text")
    index = pd.Index(values, name=key_name, dtype="str" if text else "int64")
    if not index.is_unique:
        doubled = list(index[index.duplicated()][:5])
        raise _damaged(name, f"the keys {doubled} occur more than once")
    return index


def _entries(
    arrays: dict[str, np.ndarray], window: GridSpec, n: int, name: str
) -> list[TileEntries]:
    tiles, runs, entries = arrays["tiles"], arrays["runs"], arrays["entries"]
    muni, lengths, cells, fraction = (arrays[k] for k in ("muni", "lengths", "cells", "fraction"))
    count = len(tiles)
    if (
        tiles.ndim != 2
        or tiles.shape[1] != 4
        or runs.shape != (count,)
        or entries.shape != (count,)
    ):
        raise _damaged(name, "the tile arrays disagree in length")
    rows, cols = window.shape
    row0, col0, height, width = tiles.T if count else (np.empty(0, np.int64),) * 4
    inside = (row0 >= 0) & (col0 >= 0) & (height > 0) & (width > 0)
    inside &= (row0 + height <= rows) & (col0 + width <= cols)
    if not inside.all():
        raise _damaged(name, f"tile {int(np.flatnonzero(~inside)[0])} lies outside the window")
    if (runs < 0).any() or (entries < 0).any():
        raise _damaged(name, "a tile has a negative count of runs or entries")
    if runs.sum() != muni.size or muni.size != lengths.size:
        raise _damaged(name, "the runs do not add up to the arrays of runs")
    if entries.sum() != cells.size or cells.size != fraction.size:
        raise _damaged(name, "the entries do not add up to the arrays of entries")
    if muni.size and (muni.min() < 0 or muni.max() >= n):
        raise _damaged(name, f"an area number lies outside 0..{n - 1}")
    if (lengths < 1).any():
        raise _damaged(name, "a run has no entries")
    run_tile = np.repeat(np.arange(count), runs)
    if not np.array_equal(np.bincount(run_tile, lengths, minlength=count), entries):
        raise _damaged(name, "a tile's runs do not add up to its entries")
    if np.unique(run_tile.astype(np.int64) * n + muni).size != muni.size:
        raise _damaged(name, "an area has more than one run in a tile")
    if not np.isfinite(fraction).all() or (fraction <= 0).any():
        raise _damaged(name, "a fraction is not a finite number > 0")
    if (fraction > 1 + _FRACTION_TOLERANCE).any():
        raise _damaged(name, "a fraction exceeds 1")
    run_at, entry_at = np.cumsum(runs) - runs, np.cumsum(entries) - entries
    out = []
    for t in range(count):  # tile by tile: no array the size of all entries is made
        r = slice(run_at[t], run_at[t] + runs[t])
        e = slice(entry_at[t], entry_at[t] + entries[t])
        tile = Tile(int(row0[t]), int(col0[t]), int(height[t]), int(width[t]))
        here = TileEntries(tile, muni[r], lengths[r], cells[e], fraction[e])
        _check_tile(here, name)
        out.append(here)
    return out


def _check_tile(entries: TileEntries, name: str) -> None:
    """Each entry's cell inside its tile and increasing within its run (a cell listed twice
    would count twice)."""
    cells = entries.cells
    if not cells.size:
        return
    if cells.min() < 0 or cells.max() >= entries.tile.cells:
        raise _damaged(name, "an entry's cell lies outside its tile")
    steps = np.diff(cells)  # int32: cells of one tile differ by less than 2**31
    steps[entries.starts[1:] - 1] = 1  # a run's first cell may lie before the last one's
    if (steps <= 0).any():
        raise _damaged(name, "a run's cells are not increasing (a cell counted twice)")


def _spec_json(spec: GridSpec) -> dict[str, Any]:
    return {
        "transform": list(spec.transform)[:6],
        "shape": list(spec.shape),
        "crs": spec.crs.to_wkt(),
    }


def _spec(data: dict[str, Any]) -> GridSpec:
    transform = [float(v) for v in data["transform"]]
    shape = data["shape"]
    if len(transform) != 6 or not np.isfinite(transform).all():
        raise ValueError(f"the transform {data['transform']!r} is not six finite numbers")
    if len(shape) != 2 or not all(isinstance(v, int) and v > 0 for v in shape):
        raise ValueError(f"the shape {shape!r} is not two whole numbers > 0")
    return GridSpec(Affine(*transform), (shape[0], shape[1]), pyproj.CRS.from_wkt(data["crs"]))
