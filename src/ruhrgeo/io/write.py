"""Writing outputs atomically and safely, in a folder others may write to.

Every output is written into a private temporary folder made beside the target
(``tempfile.mkdtemp``: a fresh name, mode 0700, so nobody else can place or swap a file in it)
and moved onto the target by one ``os.replace``: the target is whole or untouched, a planted
symbolic link is replaced rather than followed, and a failed write leaves nothing behind.
Text cells of CSV tables that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) are written with a leading ``'`` unless
``escape_formulas=False``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ruhrgeo.errors import OutputError, ParameterError

__all__ = ["escape_formulas", "staging_folder", "write_atomic", "write_json", "write_table"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PREFIX = ".ruhrgeo-"  # the temporary folders beside a target: .ruhrgeo-<pid>-<random>
_STALE = re.compile(r"^\.ruhrgeo-(\d+)-")


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` with a path in a private temporary folder beside ``path``, then move
    the file onto ``path``; a failed write leaves no file.

    The temporary file keeps the target's name, so that drivers chosen by suffix (GPKG) and
    layer names taken from the file name work. A target that is a folder, a folder that
    cannot be written, or a full disk raise :class:`~ruhrgeo.errors.OutputError` naming it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_atomic(target, lambda tmp: tmp.write_text("ok")).read_text()
    'ok'
    """
    target = Path(path)
    if target.is_dir() and not target.is_symlink():
        raise OutputError(f"output {str(target)!r} is a folder; give a file name inside it")
    with _failures(target):
        folder = _private_folder(target.parent)
        try:
            tmp = folder / target.name
            write(tmp)
            if not tmp.is_file() or tmp.is_symlink():
                raise OutputError(f"writing {str(target)!r} made no file; nothing was written")
            os.replace(tmp, target)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return target


@contextlib.contextmanager
def staging_folder(target: Path) -> Iterator[Path]:
    """A private folder beside ``target`` (a folder to fill), removed afterwards whatever
    happens; the caller moves what it wrote into ``target``."""
    with _failures(target):
        folder = _private_folder(target.parent)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _private_folder(parent: Path) -> Path:
    """A new folder only this process may write to, in ``parent``; the folders that killed
    runs of ruhrgeo left there (their process gone) are removed first."""
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(parent)
    return Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=parent))


def _remove_stale(parent: Path) -> None:
    for entry in os.scandir(parent):
        match = _STALE.match(entry.name)
        if not match or not entry.is_dir(follow_symlinks=False):
            continue  # not ours, or a link planted to make us delete elsewhere
        if entry.stat(follow_symlinks=False).st_uid != os.getuid() or _running(int(match[1])):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


@contextlib.contextmanager
def _failures(target: Path) -> Iterator[None]:
    """Operating-system failures of a write as OutputError naming the target."""
    try:
        yield
    except OutputError:
        raise
    except PermissionError as exc:
        raise OutputError(
            f"cannot write {str(target)!r} ({exc.strerror}); choose a folder you may write to"
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        hint = "free some space" if exc.errno == errno.ENOSPC else "check the path"
        raise OutputError(f"cannot write {str(target)!r} ({reason}); {hint}") from None


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text cells (and text index) that a spreadsheet would read as a
    formula prefixed with ``'``; numbers stay numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> escape_formulas(pd.DataFrame({"name": ["=HYPERLINK(1)", "Essen"], "v": [-1.5, 2.0]}))
          name    v
    0  '=HYPERLINK(1)  -1.5
    1          Essen  2.0
    """
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not isinstance(
            out[column].dtype, pd.CategoricalDtype
        ):
            out[column] = out[column].map(_escaped)
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_levels([level.map(_escaped) for level in out.index.levels])
    elif not pd.api.types.is_numeric_dtype(out.index):
        out.index = out.index.map(_escaped)
    out.columns = [_escaped(c) if isinstance(c, str) else c for c in out.columns]
    return out


def _escaped(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_table(
    frame: pd.DataFrame, path: str | os.PathLike[str], *, escape_formulas: bool = True
) -> Path:
    """Write a (Geo)DataFrame as CSV (geometry dropped) or, for .gpkg, as GeoPackage
    (atomically). CSV text cells that would start a spreadsheet formula get a leading ``'``
    unless ``escape_formulas=False``.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> print(write_table(pd.DataFrame({"name": ["@SUM(A1)"]}), path).read_text().strip())
    ,name
    0,'@SUM(A1)
    >>> print(write_table(pd.DataFrame({"x": [-0.0, 1 / 3]}), path).read_text().strip())
    ,x
    0,0
    1,0.3333333333
    """
    target = Path(path)
    if target.suffix.lower() == ".gpkg":
        import geopandas as gpd

        if not isinstance(frame, gpd.GeoDataFrame):
            raise ParameterError(
                f"{target.name!r}: a GeoPackage holds geometries and this table has none; "
                "write a .csv (or give the boundaries the geometries come from)"
            )
        layer = re.sub(r"\W+", "_", target.stem).strip("_") or "layer"
        return write_atomic(target, lambda tmp: frame.to_file(tmp, driver="GPKG", layer=layer))
    if "geometry" in frame.columns:
        frame = pd.DataFrame(frame.drop(columns="geometry"))
    table = _escape(frame) if escape_formulas else frame
    floats = [i for i, dtype in enumerate(table.dtypes) if dtype.kind == "f"]
    if floats:  # -0.0 + 0.0 is 0.0: no "-0" in a report
        table = table.copy()
        for i in floats:
            table.isetitem(i, table.iloc[:, i] + 0.0)
    # ten significant digits: small values (effects of 1e-4, rates per person) keep theirs
    return write_atomic(target, lambda tmp: table.to_csv(tmp, float_format="%.10g"))


_escape = escape_formulas


def write_json(data: dict, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` as indented UTF-8 JSON (atomically); NaN and infinities as null."""
    text = json.dumps(_finite(data), indent=2, ensure_ascii=False, default=float, allow_nan=False)
    return write_atomic(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def _finite(value: object) -> object:
    """NaN and infinities as None, in any nesting (JSON has no NaN)."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        return None
    return value
