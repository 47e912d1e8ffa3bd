"""COINr's indicator metadata (``iMeta``) in and out: an index built in COINr recomputed in
ruhrgeo, and the other way round.

COINr 1.x describes a composite indicator by one row per node: ``iCode`` (unique code),
``Level`` (1 for indicators, up to the index at the top), ``Parent`` (the code of the node one
level up; empty at the top), ``Type`` (``Indicator``, ``Aggregate``, and rows this mapping
leaves aside: ``Denominator``, ``Group``, ``Other``), ``Weight`` (among siblings), ``Direction``
(1: higher is better, -1: lower), and optionally ``iName``, ``Unit``, ``Source``, ``Target`` and
``Denominator`` (the ``iCode`` of a ``Denominator`` row the indicator is divided by).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ruhrgeo._validate import existing_path
from ruhrgeo.errors import FileFormatError, SpecError
from ruhrgeo.index.nodes import Aggregate, Indicator
from ruhrgeo.index.spec import IndicatorSpec
from ruhrgeo.index.tree import INDEX

__all__ = ["IMETA_COLUMNS", "imeta_of", "spec_from_imeta"]

IMETA_COLUMNS = ("iCode", "iName", "Level", "Parent", "Type", "Weight", "Direction")
OPTIONAL = ("Unit", "Source", "Target", "Denominator")
SKIPPED_TYPES = ("Denominator", "Group", "Other")


def spec_from_imeta(imeta: pd.DataFrame | str | os.PathLike[str]) -> IndicatorSpec:
    """The spec a COINr ``iMeta`` table describes (a DataFrame, or a CSV file of it).

    The top row (the index, no parent) names the spec; its ``Weight`` is ignored. Rows of type
    ``Denominator``, ``Group`` and ``Other`` are not nodes of the tree and are left aside.

    Raises
    ------
    ruhrgeo.errors.FileFormatError
        The CSV cannot be read, or a required column is missing.
    ruhrgeo.errors.SpecError
        Codes repeated, not one top node, a parent that is not one level up, a type, weight
        or direction COINr would not accept either.

    Examples
    --------
    >>> import pandas as pd
    >>> imeta = pd.DataFrame({
    ...     "iCode": ["fttbh", "5g", "infra", "Index"], "Level": [1, 1, 2, 3],
    ...     "Parent": ["infra", "infra", "Index", None],
    ...     "Type": ["Indicator", "Indicator", "Aggregate", "Aggregate"],
    ...     "Weight": [2, 1, 1, 1], "Direction": [1, 1, None, None]})
    >>> spec = spec_from_imeta(imeta)
    >>> spec.name, spec.depth, spec.weights()["fttbh"]
    ('Index', 3, 2.0)
    """
    table = _table(imeta)
    kinds = table["Type"].astype(str).str.strip()
    unknown = sorted(set(kinds) - {"Indicator", "Aggregate", *SKIPPED_TYPES})
    if unknown:
        raise SpecError(
            f"iMeta `Type` must be Indicator, Aggregate, {', '.join(SKIPPED_TYPES)}; got {unknown}"
        )
    nodes = table[kinds.isin(["Indicator", "Aggregate"])].reset_index(drop=True)
    node_kinds = kinds[kinds.isin(["Indicator", "Aggregate"])].reset_index(drop=True)
    codes = nodes["iCode"].map(_text)
    doubled = sorted(set(codes[codes.duplicated()]))
    if doubled:
        raise SpecError(f"iMeta lists the iCode(s) {doubled[:10]} more than once")
    levels = pd.to_numeric(nodes["Level"], errors="coerce")
    if levels.isna().any() or (levels % 1 != 0).any() or (levels < 1).any():
        bad = codes[levels.isna() | (levels % 1 != 0) | (levels < 1)].tolist()
        raise SpecError(f"iMeta `Level` must be a whole number >= 1; not for {bad[:10]}")
    level = dict(zip(codes, levels.astype(int), strict=True))
    parents = nodes["Parent"].map(_text)
    top = codes[parents.isna()].tolist()
    if len(top) != 1 or node_kinds[parents.isna()].ne("Aggregate").any():
        raise SpecError(
            f"iMeta needs exactly one top node (an Aggregate without a Parent: the index), "
            f"got {top[:10]}"
        )
    index_code = top[0]
    for code, parent in zip(codes, parents, strict=True):
        if code != index_code and (parent not in level or level[parent] != level[code] + 1):
            raise SpecError(
                f"iMeta: the Parent of {code!r} (Level {level[code]}) must be a node of Level "
                f"{level[code] + 1}, got {parent!r}"
            )
    indicators, aggregates = [], []
    rows = nodes.to_dict("records")
    for row, kind, code, parent in zip(rows, node_kinds, codes, parents, strict=True):
        up = INDEX if parent == index_code else parent
        if kind == "Indicator":
            if level[code] != 1:
                raise SpecError(f"iMeta: indicator {code!r} must be at Level 1")
            indicators.append(_indicator(row, code, up))
        elif code != index_code:
            aggregates.append(
                Aggregate(
                    code,
                    None if up == INDEX else up,
                    _weight(row, code),
                    label=_label(row, code),
                )
            )
    if any(level[code] == 1 for code in codes if code not in {i.name for i in indicators}):
        raise SpecError("iMeta: Level 1 holds indicators only")
    top_row = rows[codes.tolist().index(index_code)]
    spec = IndicatorSpec(
        index_code, tuple(indicators), tuple(aggregates), label=_label(top_row, index_code)
    )
    if spec.depth != level[index_code]:
        raise SpecError(
            f"iMeta puts the index at Level {level[index_code]}, its tree has {spec.depth} levels"
        )
    return spec


def imeta_of(spec: IndicatorSpec) -> pd.DataFrame:
    """COINr's ``iMeta`` table of ``spec``: indicators, aggregates level by level, the index
    (coded by the spec's name) and one ``Denominator`` row per denominator named.

    :func:`spec_from_imeta` reads it back to an equal spec (names, tree, weights, directions,
    targets, denominators, labels; level names and goalposts, which iMeta has no columns
    for, are left out).

    Examples
    --------
    >>> from ruhrgeo.index import load_spec
    >>> imeta = imeta_of(load_spec())
    >>> imeta["Type"].value_counts().to_dict()
    {'Indicator': 12, 'Aggregate': 5}
    >>> spec_from_imeta(imeta).weights() == load_spec().weights()
    True
    """
    if not isinstance(spec, IndicatorSpec):
        raise SpecError(f"`spec` must be an IndicatorSpec, got {type(spec).__name__}")
    top = spec.name if spec.name.strip() and spec.name not in spec.weights() else INDEX
    rows: list[dict[str, Any]] = []
    for ind in spec.indicators:
        rows.append(
            {
                "iCode": ind.name,
                "iName": ind.label or ind.name,
                "Level": 1,
                "Parent": ind.parent,
                "Type": "Indicator",
                "Weight": ind.weight,
                "Direction": 1 if ind.direction == "higher" else -1,
                "Unit": ind.unit,
                "Source": ind.source,
                "Target": ind.target,
                "Denominator": ind.denominator,
            }
        )
    for level in range(2, spec.depth):
        for name in spec.aggregates_at(level):
            item = next(a for a in spec.aggregates if a.name == name)
            rows.append(
                {
                    "iCode": name,
                    "iName": item.label or name,
                    "Level": level,
                    "Parent": item.parent or top,
                    "Type": "Aggregate",
                    "Weight": item.weight,
                }
            )
    rows.append(
        {"iCode": top, "iName": spec.label or top, "Level": spec.depth, "Type": "Aggregate"}
    )
    for denominator in dict.fromkeys(i.denominator for i in spec.indicators if i.denominator):
        rows.append({"iCode": denominator, "iName": denominator, "Type": "Denominator"})
    table = pd.DataFrame(rows, columns=[*IMETA_COLUMNS, *OPTIONAL])
    table["Level"] = table["Level"].astype("Int64")
    table["Direction"] = table["Direction"].astype("Int64")
    return table


def _table(imeta: pd.DataFrame | str | os.PathLike[str]) -> pd.DataFrame:
    if isinstance(imeta, pd.DataFrame):
        table, origin = imeta, "the iMeta table"
    elif isinstance(imeta, str | os.PathLike):
        path: Path = existing_path(imeta, "imeta")
        origin = f"iMeta file {path.name!r}"
        try:
            table = pd.read_csv(path, sep=None, engine="python", dtype=str, encoding="utf-8-sig")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise FileFormatError(f"{origin} is not a readable CSV ({exc})") from None
        except Exception as exc:  # the python engine's csv.Error on odd bytes
            raise FileFormatError(f"{origin} is not a readable CSV ({exc})") from None
    else:
        raise SpecError(f"`imeta` must be a DataFrame or a CSV path, got {type(imeta).__name__}")
    absent = [c for c in ("iCode", "Level", "Parent", "Type", "Weight", "Direction")
              if c not in table.columns]  # fmt: skip
    if absent:
        raise FileFormatError(
            f"{origin} has no column {absent}; COINr's iMeta needs iCode, Level, Parent, Type, "
            "Weight and Direction"
        )
    if table.empty:
        raise SpecError(f"{origin} has no rows")
    return table


def _indicator(row: dict[str, Any], code: str, parent: str) -> Indicator:
    direction = pd.to_numeric(pd.Series([row["Direction"]]), errors="coerce").iloc[0]
    if direction not in (1, -1):
        raise SpecError(
            f"iMeta: the Direction of indicator {code!r} must be 1 or -1, got {row['Direction']!r}"
        )
    target = _number(row.get("Target"))
    return Indicator(
        code,
        parent,
        "higher" if direction == 1 else "lower",
        unit=_text(row.get("Unit")) or "",
        source=_text(row.get("Source")) or "",
        weight=_weight(row, code),
        target=target,
        denominator=_text(row.get("Denominator")),
        label=_label(row, code),
    )


def _label(row: dict[str, Any], code: str) -> str:
    name = _text(row.get("iName")) or ""
    return "" if name == code else name


def _weight(row: dict[str, Any], code: str) -> float:
    value = _number(row.get("Weight"))
    if value is None:
        raise SpecError(f"iMeta: {code!r} has no Weight; give each indicator and aggregate one")
    return value


def _number(value: object) -> float | None:
    if _text(value) is None:
        return None
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    if pd.isna(number) or not np.isfinite(number):
        raise SpecError(f"iMeta holds {value!r} where a finite number belongs")
    return float(number)


def _text(value: object) -> str | None:
    """A cell as stripped text, None when empty (NaN, None, "", "NA")."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return None if text in ("", "NA", "nan") else text
