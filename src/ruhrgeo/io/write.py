"""Writing outputs atomically: a temporary file next to the target, then a rename.

A failed write leaves nothing behind; the temporary name carries the writer's process id, so a
later write to the same target removes what a killed run left.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ruhrgeo.errors import OutputError

__all__ = ["write_atomic", "write_json", "write_table"]

_TMP = re.compile(r"\.(?P<stem>.+)\.tmp-(?P<pid>\d+)(?P<suffix>\.[^.]*)?$")


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` and move ``tmp`` onto ``path``; a failed write leaves no file.

    The temporary name keeps the suffix so that drivers chosen by suffix (GPKG) work.
    A target that is a folder, or a folder that cannot be written, raises
    :class:`~ruhrgeo.errors.OutputError` naming it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_atomic(target, lambda tmp: tmp.write_text("ok")).read_text()
    'ok'
    """
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"output {str(target)!r} is a folder; give a file name inside it")
    tmp = target.with_name(f".{target.stem}.tmp-{os.getpid()}{target.suffix}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(target)
        write(tmp)
        os.replace(tmp, target)
    except PermissionError as exc:
        raise OutputError(
            f"cannot write {str(target)!r} ({exc.strerror}); choose a folder you may write to"
        ) from None
    except (IsADirectoryError, NotADirectoryError, FileExistsError) as exc:
        raise OutputError(
            f"cannot write {str(target)!r} ({exc.strerror}); check the path"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _remove_stale(target: Path) -> None:
    """Remove temporary files of ``target`` left by runs that were killed."""
    for candidate in target.parent.glob(f".{target.stem}.tmp-*"):
        match = _TMP.match(candidate.name)
        if match and match["stem"] == target.stem and not _running(int(match["pid"])):
            candidate.unlink(missing_ok=True)


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


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a (Geo)DataFrame as CSV (geometry dropped) or, for .gpkg, as GeoPackage."""
    target = Path(path)
    if target.suffix.lower() == ".gpkg":
        layer = re.sub(r"\W+", "_", target.stem).strip("_") or "layer"  # not the temporary name
        return write_atomic(target, lambda tmp: frame.to_file(tmp, driver="GPKG", layer=layer))
    if "geometry" in frame.columns:
        frame = pd.DataFrame(frame.drop(columns="geometry"))
    return write_atomic(target, lambda tmp: frame.to_csv(tmp, float_format="%.6f"))


def write_json(data: dict, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` as indented UTF-8 JSON (atomically)."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=float, allow_nan=True)
    return write_atomic(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
