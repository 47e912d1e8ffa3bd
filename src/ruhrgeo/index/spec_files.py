"""Indicator specs as TOML files, in two layouts.

- **Areas** (three levels, the Digital-Index Ruhr's file): ``name``, ``version``, an
  ``[areas]`` table (area = weight) and ``[[indicators]]`` tables whose ``area`` names the
  indicator's area.
- **Tree** (any depth): ``[[aggregates]]`` tables (``name``, ``parent``: another aggregate or
  none for the top, ``weight``, ``label``), ``[[indicators]]`` whose ``parent`` names their
  aggregate, and optionally ``levels`` (names from the indicators to the index).

Indicator keys: ``name``, ``area`` or ``parent``, ``direction`` (``"higher"``/``"lower"`` is
better), ``unit``, ``source``, ``weight``, ``target`` (for ``dist2targ``), ``goalposts``
(``[lower, upper]``), ``denominator``, ``label``. A file is read as UTF-8 (a byte-order mark
is fine).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

from ruhrgeo._validate import existing_path
from ruhrgeo.errors import FileFormatError, SpecError
from ruhrgeo.index.nodes import Aggregate, Indicator
from ruhrgeo.index.spec import IndicatorSpec
from ruhrgeo.io.write import write_atomic

__all__ = ["load_spec", "save_spec"]

INDICATOR_KEYS = (
    "name",
    "parent",
    "area",
    "direction",
    "unit",
    "source",
    "weight",
    "target",
    "goalposts",
    "denominator",
    "label",
)
AGGREGATE_KEYS = ("name", "parent", "weight", "label")
TOP_KEYS = ("name", "label", "version", "areas", "aggregates", "indicators", "levels")
MAX_SPEC_BYTES = 50_000_000


def load_spec(path: str | os.PathLike[str] | None = None) -> IndicatorSpec:
    """Read an indicator spec from TOML (either layout of the module docstring); without
    ``path``, the default Digital-Index Ruhr spec.

    Parameters
    ----------
    path
        A TOML file of either layout; None: the Digital-Index Ruhr's spec.

    Returns
    -------
    IndicatorSpec
        The spec the file describes.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        No file at ``path``, or a folder.
    ruhrgeo.errors.FileFormatError
        The file is not UTF-8 TOML, too large, or laid out otherwise (unknown keys, wrong
        types, both layouts at once).
    ruhrgeo.errors.SpecError
        The spec it describes is inconsistent (see :class:`IndicatorSpec`).

    Examples
    --------
    >>> load_spec().children("infrastructure")[0]
    '5g_area_share'
    """
    if path is None:
        text = (resources.files("ruhrgeo.index") / "specs" / "digital_index_ruhr.toml").read_text()
        origin = "the default spec"
    else:
        origin = os.fspath(path)
        file = existing_path(path, "spec")
        try:
            if file.stat().st_size > MAX_SPEC_BYTES:
                raise FileFormatError(
                    f"spec {origin!r} is larger than {MAX_SPEC_BYTES // 1_000_000} MB; a spec "
                    "lists indicators and aggregates, not data"
                )
            text = file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise FileFormatError(f"spec {origin!r} is not UTF-8 text; save it as UTF-8") from None
        except OSError as exc:
            raise FileFormatError(f"spec {origin!r} cannot be read ({exc.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FileFormatError(f"spec {origin!r} is not valid TOML ({exc})") from None
    except RecursionError:
        raise FileFormatError(
            f"spec {origin!r} nests its arrays or tables too deeply to read; a spec needs "
            "only tables of indicators and aggregates"
        ) from None
    try:
        return spec_from_dict(data, origin)
    except SpecError as exc:
        if origin in str(exc):
            raise
        raise SpecError(f"spec {origin!r}: {exc}") from None


def spec_from_dict(data: dict[str, Any], origin: str) -> IndicatorSpec:
    """An :class:`IndicatorSpec` from the parsed TOML of either layout."""
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise FileFormatError(
            f"spec {origin!r} has the unknown key(s) {unknown}; keys: {', '.join(TOP_KEYS)}"
        )
    entries = data.get("indicators", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise FileFormatError(f"spec {origin!r}: indicators must be [[indicators]] tables")
    if not entries:
        raise FileFormatError(f"spec {origin!r} has no [[indicators]] tables")
    if "areas" in data and "aggregates" in data:
        raise FileFormatError(
            f"spec {origin!r} has both [areas] and [[aggregates]]; use one layout"
        )
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        raise FileFormatError(f"spec {origin!r}: version must be an integer, got {version!r}")
    name = data.get("name", origin)
    if not isinstance(name, str):
        raise FileFormatError(f"spec {origin!r}: name must be text, got {name!r}")
    if "aggregates" in data:
        aggregates = _aggregates(data["aggregates"], origin)
    else:
        areas = data.get("areas", {})
        if not isinstance(areas, dict):
            raise FileFormatError(f"spec {origin!r}: [areas] must be a table of area = weight")
        aggregates = areas
    levels = data.get("levels")
    if levels is not None and not (
        isinstance(levels, list) and all(isinstance(v, str) for v in levels)
    ):
        raise FileFormatError(f"spec {origin!r}: levels must be a list of names")
    indicators = tuple(_indicator(entry, origin) for entry in entries)
    label = data.get("label", "")
    if not isinstance(label, str):
        raise FileFormatError(f"spec {origin!r}: label must be text, got {label!r}")
    return IndicatorSpec(name, indicators, aggregates, version, levels and tuple(levels), label)


def _indicator(entry: dict[str, Any], origin: str) -> Indicator:
    unknown = sorted(set(entry) - set(INDICATOR_KEYS))
    parents = [k for k in ("parent", "area") if k in entry]
    missing = [] if "name" in entry else ["name"]
    if not parents:
        missing.append("parent (or area)")
    if unknown or missing or len(parents) > 1:
        what = (
            f"the unknown key(s) {unknown}"
            if unknown
            else f"no key(s) {missing}"
            if missing
            else "both `area` and `parent`"
        )
        raise FileFormatError(
            f"spec {origin!r}: the [[indicators]] entry {entry.get('name', '?')!r} has "
            f"{what}; keys: {', '.join(INDICATOR_KEYS)} (name and parent or area required)"
        )
    fields = {k: v for k, v in entry.items() if k not in ("parent", "area")}
    return Indicator(parent=entry[parents[0]], **fields)


def _aggregates(given: object, origin: str) -> tuple[Aggregate, ...]:
    if not isinstance(given, list) or not all(isinstance(e, dict) for e in given):
        raise FileFormatError(f"spec {origin!r}: aggregates must be [[aggregates]] tables")
    out = []
    for entry in given:
        unknown = sorted(set(entry) - set(AGGREGATE_KEYS))
        if unknown or "name" not in entry:
            what = f"the unknown key(s) {unknown}" if unknown else "no name"
            raise FileFormatError(
                f"spec {origin!r}: the [[aggregates]] entry {entry.get('name', '?')!r} has "
                f"{what}; keys: {', '.join(AGGREGATE_KEYS)}"
            )
        out.append(Aggregate(**entry))
    return tuple(out)


def spec_to_dict(spec: IndicatorSpec) -> dict[str, Any]:
    """The tree layout of ``spec``, as TOML writes it (no None values)."""
    indicators = []
    for ind in spec.indicators:
        entry = {k: v for k, v in asdict(ind).items() if v is not None}
        if "goalposts" in entry:
            entry["goalposts"] = list(entry["goalposts"])
        indicators.append(entry)
    aggregates = [
        {k: v for k, v in asdict(a).items() if v not in (None, "")} for a in spec.aggregates
    ]
    return {
        "name": spec.name,
        **({"label": spec.label} if spec.label else {}),
        "version": spec.version,
        "levels": list(spec.levels),
        "aggregates": aggregates,
        "indicators": indicators,
    }


def save_spec(spec: IndicatorSpec, path: str | os.PathLike[str]) -> Path:
    """Write ``spec`` as TOML in the tree layout (atomically); :func:`load_spec` reads it back
    unchanged.

    Parameters
    ----------
    spec
        The spec to write.
    path
        The ``.toml`` file to write (replaced atomically).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ruhrgeo.errors.SpecError
        ``spec`` is not an :class:`IndicatorSpec`.
    ruhrgeo.errors.OutputError
        ``path`` cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = save_spec(load_spec(), pathlib.Path(tempfile.mkdtemp()) / "spec.toml")
    >>> load_spec(path) == load_spec()
    True
    """
    import tomli_w

    if not isinstance(spec, IndicatorSpec):
        raise SpecError(f"`spec` must be an IndicatorSpec, got {type(spec).__name__}")
    text = tomli_w.dumps(spec_to_dict(spec))
    return write_atomic(path, lambda tmp: tmp.write_bytes(text.encode("utf-8")))
