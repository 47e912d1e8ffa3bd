"""Grid CSVs: BKG UTM cell ids (``100mN56789E3512``, EPSG:25832, e.g. Mobilfunk-Monitoring)
and INSPIRE ids (``CRS3035RES100mN2689100E4337000``, e.g. Zensus 2022), read with pyarrow
where it is installed (the extra ``fast``), else with pandas."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ruhrgeo import _optional
from ruhrgeo._validate import as_crs
from ruhrgeo.errors import FileFormatError, GridExtentError
from ruhrgeo.io.cell_lattice import CellTable, choose_columns, lattice_table

__all__ = ["read_grid_csv"]

# BKG UTM ids carry hectometers/kilometers (`100mN56789E3512`); INSPIRE ids meters
# (`CRS3035RES100mN2689100E4337000`).
_CELL_ID = r"^(?:CRS(?P<crs>[0-9]+)RES)?(?P<size>[0-9]+)(?P<unit>k?m)N(?P<n>[0-9]+)E(?P<e>[0-9]+)$"
_BKG_CRS = 25832
_MISSING = ["", "-", "–", "—", ".", "x", "/", "..."]
_NOT_VALUES = ("x_mp_100m", "y_mp_100m", "x_mp_1km", "y_mp_1km", "werterlaeuternde_zeichen")


def read_grid_csv(path: Path, columns: Sequence[str] | None, crs: Any) -> CellTable:
    header, first_row, sep = _csv_head(path)
    id_col = next((h for h, v in zip(header, first_row, strict=False) if _matches_id(v)), None)
    if id_col is None:
        raise FileFormatError(
            f"grid CSV {str(path)!r}: no column holds grid cell ids such as "
            "'100mN56789E3512' or 'CRS3035RES100mN2689100E4337000' (first row: "
            f"{dict(zip(header, first_row, strict=False))}); give a BKG or INSPIRE grid CSV"
        )
    wanted = choose_columns(path, header, columns, exclude=(id_col.lower(), *_NOT_VALUES))
    if _optional.available("pyarrow"):
        ids, values, parts = _read_with_arrow(path, sep, id_col, wanted, header)
    else:
        ids, values, parts = _read_with_pandas(path, sep, id_col, wanted)
    if parts["bad"] is not None:
        raise FileFormatError(
            f"grid CSV {str(path)!r}: {parts['count']} id(s) in {id_col!r} are not grid "
            f"cell ids, e.g. {parts['bad']!r}"
        )
    kinds = parts["kinds"]
    if len(kinds) != 1:
        raise FileFormatError(f"grid CSV {str(path)!r} mixes grids {kinds}; split it by cell size")
    crs_code, size_text, size_unit = kinds[0].split("/")
    size = int(size_text) * (1000 if size_unit == "km" else 1)
    north, east = parts["n"], parts["e"]
    if north is None or east is None:
        raise GridExtentError(
            f"grid CSV {str(path)!r}: a cell id holds a coordinate too large for any grid; "
            "check the ids"
        )
    if crs_code:  # INSPIRE: meters
        grid_crs = as_crs(crs or int(crs_code), "crs")
    else:  # BKG UTM: multiples of the cell size
        north, east = north * size, east * size
        grid_crs = as_crs(crs or _BKG_CRS, "crs")
    return lattice_table(east, north, float(size), values, grid_crs, path, ids)


def _read_with_arrow(
    path: Path, sep: str, id_col: str, wanted: list[str], header: list[str]
) -> tuple[Any, dict[str, np.ndarray], dict[str, Any]]:
    """The ids, the value columns and the parsed ids, with pyarrow (the extra ``fast``:
    Zensus' 36 million cells in seconds)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding="utf-8"),
            parse_options=pacsv.ParseOptions(delimiter=sep),
            convert_options=pacsv.ConvertOptions(
                include_columns=[id_col, *wanted],
                column_types={id_col: pa.string(), **{c: pa.float64() for c in wanted}},
                null_values=_MISSING,
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        number = re.search(r"column #(\d+)", str(exc))
        column = header[int(number.group(1))] if number else ", ".join(wanted)
        raise FileFormatError(
            f"grid CSV {str(path)!r}: column {column!r} is not numeric ({_first_line(exc)}); "
            "choose another `column` or clean the file"
        ) from None
    ids = table.column(id_col).combine_chunks()
    found = pc.extract_regex(ids, _CELL_ID)
    parts: dict[str, Any] = {"bad": None, "count": found.null_count, "n": None, "e": None}
    if found.null_count:
        parts["bad"] = ids.filter(pc.is_null(found))[0].as_py()
        return ids, {}, parts
    fields = [pc.struct_field(found, name) for name in ("crs", "size", "unit")]
    parts["kinds"] = pc.unique(pc.binary_join_element_wise(*fields, "/")).to_pylist()
    with contextlib.suppress(pa.ArrowInvalid):  # None: a coordinate beyond int64
        parts["n"] = pc.cast(pc.struct_field(found, "n"), pa.int64()).to_numpy()
        parts["e"] = pc.cast(pc.struct_field(found, "e"), pa.int64()).to_numpy()
    values = {c: table.column(c).to_numpy(zero_copy_only=False) for c in wanted}
    return ids, values, parts


def _read_with_pandas(
    path: Path, sep: str, id_col: str, wanted: list[str]
) -> tuple[Any, dict[str, np.ndarray], dict[str, Any]]:
    """As :func:`_read_with_arrow`, with pandas' parser (slower on national files)."""
    import pandas as pd

    try:
        table = pd.read_csv(
            path,
            sep=sep,
            usecols=[id_col, *wanted],
            dtype={id_col: str},
            na_values=_MISSING,
            keep_default_na=False,
            encoding="utf-8-sig",
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise FileFormatError(
            f"grid CSV {str(path)!r} cannot be read ({_first_line(exc)})"
        ) from None
    values = {}
    for column in wanted:
        try:
            values[column] = pd.to_numeric(table[column], errors="raise").to_numpy(float)
        except (ValueError, TypeError) as exc:
            raise FileFormatError(
                f"grid CSV {str(path)!r}: column {column!r} is not numeric "
                f"({_first_line(exc)}); choose another `column` or clean the file"
            ) from None
    ids = table[id_col].fillna("").to_numpy(dtype=object)
    found = table[id_col].fillna("").str.extract(_CELL_ID)
    missing = found["size"].isna().to_numpy()
    parts: dict[str, Any] = {"bad": None, "count": int(missing.sum()), "n": None, "e": None}
    if missing.any():
        parts["bad"] = str(ids[np.flatnonzero(missing)[0]])
        return ids, values, parts
    kinds = found["crs"].fillna("") + "/" + found["size"] + "/" + found["unit"]
    parts["kinds"] = list(dict.fromkeys(kinds))
    with contextlib.suppress(OverflowError, ValueError):
        parts["n"] = np.array([int(v) for v in found["n"]], dtype=np.int64)
        parts["e"] = np.array([int(v) for v in found["e"]], dtype=np.int64)
    return ids, values, parts


def _csv_head(path: Path) -> tuple[list[str], list[str], str]:
    with open(path, "rb") as fh:
        raw = fh.read(1 << 16)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(raw) - 4:  # not merely a character cut at the end of the sample
            raise FileFormatError(
                f"grid CSV {str(path)!r} is not UTF-8 (byte {raw[exc.start]:#x} at position "
                f"{exc.start}); it may be Windows-1252/Latin-1: convert it, e.g. `iconv -f "
                "cp1252 -t utf-8`"
            ) from None
        text = raw[: exc.start].decode("utf-8-sig")
    lines = text.splitlines()
    header_line = lines[0] if lines else ""
    row_line = lines[1] if len(lines) > 1 else ""
    if not header_line.strip():
        raise FileFormatError(f"grid CSV {str(path)!r} is empty; give a file with a header row")
    if not row_line.strip():
        raise FileFormatError(
            f"grid CSV {str(path)!r} has a header but no rows of cells; check the export"
        )
    sep = max((";", ",", "\t"), key=header_line.count)
    header = [h.strip().strip('"') for h in header_line.split(sep)]
    return header, [v.strip().strip('"') for v in row_line.split(sep)], sep


def _matches_id(value: str) -> bool:
    return re.match(_CELL_ID, value) is not None


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0]
