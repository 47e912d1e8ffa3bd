"""Writing outputs atomically: a temporary file next to the target, then a rename."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` and move ``tmp`` onto ``path``; a failed write leaves no file.

    The temporary name keeps the suffix so that drivers chosen by suffix (GPKG) work.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.stem}.tmp-{os.getpid()}{target.suffix}")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a (Geo)DataFrame as CSV (geometry dropped) or, for .gpkg, as GeoPackage."""
    target = Path(path)
    if target.suffix.lower() == ".gpkg":
        layer = re.sub(r"\W+", "_", target.stem).strip("_") or "layer"  # not the temporary name
        return write_atomic(target, lambda tmp: frame.to_file(tmp, driver="GPKG", layer=layer))
    if "geometry" in frame.columns:
        frame = pd.DataFrame(frame.drop(columns="geometry"))
    return write_atomic(target, lambda tmp: frame.to_csv(tmp, float_format="%.6f"))


def write_json(data: dict, path: Path) -> Path:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=float, allow_nan=True)
    return write_atomic(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
