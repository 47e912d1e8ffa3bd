"""Hypothesis strategies for the fuzz suites: frames, geometries, grids, tables, specs, texts,
numbers and files, each mostly valid and now and then hostile, sized so that every call stays
quick (few areas, few permutations)."""

from __future__ import annotations

import atexit
import contextvars
import math
import os
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from affine import Affine
from hypothesis import strategies as st

from ruhrgeo.grid import Grid
from ruhrgeo.index import Aggregate, Indicator, IndicatorSpec

X0, Y0, SIDE = 350_000.0, 5_700_000.0, 1_000.0  # areas: squares of 1 km in EPSG:25832
CELL = 100.0

# Texts that have broken things before: markup, template syntax, formulas, mathtext, controls,
# right-to-left marks, a lone surrogate, very long ones.
HOSTILE_TEXTS = [
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    '=HYPERLINK("x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "$x^2$",
    "$\\frac{",
    "a\x00b",
    "line\nbreak\r",
    "\u202ertl",
    "\ud800",
    "Mülheim an der Ruhr",
    "x" * 5000,
    "",
    " ",
]


@st.composite
def texts(draw) -> str:
    """A text; a clean example gets no lone surrogate and no NUL (no shell can pass them)."""
    if HOSTILE.get():
        return draw(st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(max_size=12)))
    clean = [t for t in HOSTILE_TEXTS if t != "\ud800" and "\x00" not in t]
    return draw(
        st.one_of(
            st.sampled_from(clean), st.text(st.characters(exclude_characters="\x00"), max_size=12)
        )
    )


# Half of the examples are clean (every argument valid: the result is checked), half hostile
# (each argument wrong now and then): the test draws which and sets this for the draws.
HOSTILE: contextvars.ContextVar[bool] = contextvars.ContextVar("hostile", default=True)


def hostile() -> bool:
    return HOSTILE.get()


def mostly(valid, *hostile_values, weight: int = 3):
    """``valid`` (a value or a strategy) in a clean example; in a hostile one ``weight`` times
    out of ``weight + 1``, else one of ``hostile_values``."""
    good = valid if isinstance(valid, st.SearchStrategy) else st.just(valid)
    if not hostile_values:
        return good
    options = [good] * weight + [st.just(value) for value in hostile_values]
    return _either(good, st.sampled_from(options).flatmap(lambda chosen: chosen))


@st.composite
def _either(draw, good, mixed):
    return draw(mixed if HOSTILE.get() else good)


def first(values: list, valid: int = 1):
    """The first ``valid`` of ``values`` (the good ones, listed first) most of the time, the
    others (the hostile ones) now and then."""
    good = st.sampled_from(values[:valid])
    return mostly(good, *values[valid:]) if len(values) > valid else good


HOSTILE_NUMBERS = (-1, 0, 0.5, -0.0, math.nan, math.inf, -math.inf, True, None, "7", "", 10**12)


def numbers(low: float = 0.0, high: float = 10.0, *, whole: bool = False):
    """A number in range, most of the time; else one of the values that broke checks."""
    valid = st.integers(int(low), int(high)) if whole else st.floats(low, high)
    return mostly(valid, *HOSTILE_NUMBERS)


@st.composite
def keys(draw, n: int):
    kind = draw(st.sampled_from(["ags", "ags", "text", "int"]))
    if kind == "ags":
        return [f"0591{i:04d}" for i in range(n)], "ags"
    if kind == "text":
        return [f"DE_{i:08d}" for i in range(n)], "lau_id"
    return list(range(100, 100 + n)), "cell"


@st.composite
def areas(draw, n_min: int = 1, n_max: int = 12, hostile: bool = True) -> gpd.GeoDataFrame:
    """Squares of 1 km keyed by AGS, LAU-style text or integers, with a value column ``v``,
    a second ``x``, a ``name`` and a group ``kreis``; now and then broken."""
    n = draw(st.integers(n_min, n_max))
    side = max(1, math.ceil(math.sqrt(n)))
    boxes = [
        shapely.box(X0 + (i % side) * SIDE, Y0 + (i // side) * SIDE,
                    X0 + (i % side + 1) * SIDE, Y0 + (i // side + 1) * SIDE)
        for i in range(n)
    ]  # fmt: skip
    names, key_name = draw(keys(n))
    low = -1e3 if HOSTILE.get() else 0.0  # a clean example suits Getis-Ord and Theil too
    values = draw(
        st.lists(mostly(st.floats(low, 1e3), 0.0, 1.0, 50.0, math.nan), min_size=n, max_size=n)
    )
    frame = gpd.GeoDataFrame(
        {
            "v": values,
            "x": np.linspace(0, 1, n) ** 2 + np.arange(n) % 3,
            "name": [f"M{i}" for i in range(n)],
            "kreis": [f"K{i % 2}" for i in range(n)],
            "b": [(i * 7 // 3) % 2 for i in range(n)],  # binary, for join counts
        },
        geometry=boxes,
        crs=25832,
        index=pd.Index(names, name=key_name),
    )
    if hostile and HOSTILE.get() and draw(st.integers(0, 3)) == 0:
        frame = draw(st.sampled_from(BREAKAGES))(frame.copy(), draw)
    return frame


def _duplicate_key(frame, draw):
    return pd.concat([frame, frame.iloc[:1]]) if len(frame) else frame


def _no_crs(frame, draw):
    return frame.set_crs(None, allow_override=True)


def _degrees(frame, draw):
    return frame.set_crs(4326, allow_override=True)


def _empty_geometry(frame, draw):
    if len(frame):
        frame.loc[frame.index[0], "geometry"] = shapely.Polygon()
    return frame


def _bowtie(frame, draw):
    if not len(frame):
        return frame
    frame.loc[frame.index[0], "geometry"] = shapely.Polygon(
        [(X0, Y0), (X0 + 1000, Y0 + 1000), (X0 + 1000, Y0), (X0, Y0 + 1000)]
    )
    return frame


def _points(frame, draw):
    return frame.set_geometry(frame.geometry.centroid)


def _unnamed(frame, draw):
    return frame.rename_axis(None)


def _empty(frame, draw):
    return frame.iloc[:0]


def _text_values(frame, draw):
    frame["v"] = frame["v"].astype(object)
    if len(frame):
        frame.loc[frame.index[0], "v"] = draw(texts())
    return frame


def _hostile_names(frame, draw):
    names = [draw(texts()) for _ in range(len(frame))]
    frame["name"] = pd.Series(names, index=frame.index, dtype=object)  # may hold surrogates
    return frame


def _far_away(frame, draw):
    return frame.set_geometry(frame.geometry.translate(5e6, 5e6))


BREAKAGES = [
    _duplicate_key,
    _no_crs,
    _degrees,
    _empty_geometry,
    _bowtie,
    _points,
    _unnamed,
    _empty,
    _text_values,
    _hostile_names,
    _far_away,
]


@st.composite
def grids(draw, hostile: bool = True) -> Grid:
    """A grid over the areas (10 x 10 cells of 100 m per 1 km area, up to 4 x 4 areas)."""
    rows, cols = draw(st.integers(1, 40)), draw(st.integers(1, 40))
    kind = draw(st.sampled_from(["binary", "percent", "fraction", "count", None]))
    rng = np.random.default_rng(draw(st.integers(0, 100)))
    if kind == "binary":
        values = rng.integers(0, 2, (rows, cols)).astype(draw(st.sampled_from([np.uint8, float])))
    elif kind == "count":
        values = rng.integers(0, 50, (rows, cols)).astype(float)
    elif kind == "fraction":
        values = rng.random((rows, cols))
    else:
        values = rng.integers(0, 101, (rows, cols)).astype(np.uint8)
    if hostile and HOSTILE.get() and draw(st.booleans()):
        values = values.astype(float)
        values[0, 0] = draw(st.sampled_from([math.nan, -9999.0, 255.0, math.inf, 1e300]))
    x0 = X0 + draw(st.sampled_from([0, -250, 50]))
    ytop = Y0 + rows * CELL + draw(st.sampled_from([0, 30]))
    unit = kind if draw(st.booleans()) else None
    try:
        return Grid(values, Affine(CELL, 0, x0, 0, -CELL, ytop), 25832, unit=unit)
    except Exception:
        return Grid(values, Affine(CELL, 0, x0, 0, -CELL, ytop), 25832)


_BASE = Path(tempfile.mkdtemp(prefix="ruhrgeo-fuzz-"))
atexit.register(shutil.rmtree, _BASE, ignore_errors=True)


def folder() -> Path:
    """A fresh folder for one example (hypothesis cannot share pytest's tmp_path), all of them
    in one folder removed when the tests end."""
    return Path(tempfile.mkdtemp(dir=_BASE))


@st.composite
def files(draw, kind: str = "any") -> Path:
    """A path: a real file of the kind, garbage, an empty file, a folder, a missing path, a
    link to nowhere."""
    where = folder()
    choice = draw(
        st.sampled_from(["good", "garbage", "empty", "folder", "missing", "link"])
        if HOSTILE.get()
        else st.just("good")
    )
    suffix = {"tif": ".tif", "csv": ".csv", "gpkg": ".gpkg", "toml": ".toml", "npz": ".npz"}.get(
        kind, draw(st.sampled_from([".tif", ".csv", ".gpkg", ".toml", ".gal", ".npz", ""]))
    )
    stem = "gemeinde_privat_2021_mitte" if kind == "bba" else "f"
    suffix = ".csv" if kind == "bba" else suffix
    path = where / f"{stem}{suffix}"
    if choice == "good":
        write_good(path, draw)
    elif choice == "garbage":
        path.write_bytes(draw(st.binary(min_size=1, max_size=300)))
    elif choice == "empty":
        path.write_bytes(b"")
    elif choice == "folder":
        path.mkdir()
    elif choice == "link":
        os.symlink(where / "nowhere", path)
    return path


def write_good(path: Path, draw) -> None:
    suffix = path.suffix
    if suffix == ".tif":
        values = np.random.default_rng(1).integers(0, 2, (20, 20)).astype(np.uint8)
        with rasterio.open(
            path, "w", driver="GTiff", height=20, width=20, count=1, dtype="uint8",
            crs="EPSG:25832", transform=Affine(CELL, 0, X0, 0, -CELL, Y0 + 2000),
        ) as dst:  # fmt: skip
            dst.write(values, 1)
    elif path.stem.startswith("gemeinde"):
        cells = draw(st.lists(st.sampled_from(["99,5", "100", "0", "-", "12.5"]), min_size=2))
        rows = [f"0591{i:04d};{cell};{cell}" for i, cell in enumerate(cells)]
        header = "AGS;FTTH/B ≥ 1000 Mbit/s;DSL ≥ 16 Mbit/s\n"
        path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    elif suffix == ".csv":
        rows = [
            f"0591{i:04d};{draw(st.sampled_from(['1', '2,5', '-', 'x', '=1+1']))}" for i in range(4)
        ]
        path.write_text("ags;v\n" + "\n".join(rows) + "\n", encoding="utf-8")
    elif suffix == ".gpkg":
        draw(areas(hostile=False)).to_file(path, driver="GPKG")
    elif suffix == ".toml":
        path.write_text(
            "[areas]\nx = 1\n[[indicators]]\nname = 'v'\narea = 'x'\n", encoding="utf-8"
        )
    elif suffix == ".npz":
        from ruhrgeo import Overlay

        lattice = Grid(np.ones((10, 10)), Affine(CELL, 0, X0, 0, -CELL, Y0 + 1000), 25832)
        Overlay(draw(areas(hostile=False)), lattice, progress=False).save(path)
    elif suffix == ".gal":
        path.write_text("2\n05910000 1\n05910001\n05910001 1\n05910000\n", encoding="utf-8")
    else:
        path.write_text("v\n1\n", encoding="utf-8")


@st.composite
def tables(draw, n_min: int = 1, n_max: int = 10) -> pd.DataFrame:
    """Indicator tables: columns a, b, c (numbers, now and then NaN, inf, text or booleans)."""
    n = draw(st.integers(n_min if HOSTILE.get() else max(n_min, 3), max(n_max, 3)))
    rng = np.random.default_rng(draw(st.integers(0, 1000)))
    frame = pd.DataFrame(
        rng.random((n, 3)) * draw(st.sampled_from([1.0, 100.0, 1e-9, 1e12])),
        columns=["a", "b", "c"],
        index=pd.Index([f"0591{i:04d}" for i in range(n)], name="ags"),
    )
    trouble = draw(st.integers(0, 5)) if HOSTILE.get() else -1
    if trouble == 0:
        frame.iloc[0, 0] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
    elif trouble == 1:
        frame["a"] = frame["a"].astype(object)
        frame.iloc[0, 0] = draw(st.sampled_from(["7", True, None, "x"]))
    elif trouble == 2:
        frame["b"] = 1.0  # constant
    elif trouble == 3:
        frame = frame.reset_index()
    return frame


@st.composite
def specs(draw) -> IndicatorSpec:
    """Specs over a, b, c: two levels or three, directions and weights drawn."""
    weights = [draw(st.sampled_from([1.0, 2.0, 0.5])) for _ in range(3)]
    directions = [draw(st.sampled_from(["higher", "lower"])) for _ in range(3)]
    if draw(st.booleans()):
        return IndicatorSpec(
            "s",
            (
                Indicator("a", "x", directions[0], weight=weights[0]),
                Indicator("b", "x", directions[1], weight=weights[1]),
                Indicator("c", "y", directions[2], weight=weights[2]),
            ),
        )
    return IndicatorSpec(
        "t",
        (
            Indicator("a", "p", directions[0], weight=weights[0]),
            Indicator("b", "q", directions[1], weight=weights[1]),
            Indicator("c", "q", directions[2], weight=weights[2]),
        ),
        (Aggregate("p", "top"), Aggregate("q", "top", 2.0), Aggregate("top")),
    )


@st.composite
def sources(draw) -> gpd.GeoDataFrame:
    """Points (campuses) near or far from the areas, with a size column; now and then not
    points, no CRS or missing sizes."""
    n = draw(st.integers(1, 3))
    far = draw(mostly(0.0, 1e6))
    points = [shapely.Point(X0 + 500 + far + 700 * i, Y0 + 500) for i in range(n)]
    sizes = [draw(mostly(st.sampled_from([1.0, 10.0, 0.0]), math.nan, -1.0)) for _ in range(n)]
    frame = gpd.GeoDataFrame({"students": sizes}, geometry=points, crs=25832)
    if HOSTILE.get() and draw(st.integers(0, 3)) == 0:
        frame = frame.set_crs(None, allow_override=True)
    return frame


@st.composite
def graphs(draw):
    """A ``graph=``: kinds, specs with good and bad options, a GAL file, junk."""
    from ruhrgeo.errors import RuhrgeoError
    from ruhrgeo.spatial import GraphSpec

    kind = draw(
        mostly(
            st.sampled_from(["queen", "rook", "knn", "distance", "kernel"]),
            "junk",
            "file",
            weight=6,
        )
    )
    if kind in ("queen", "rook"):
        return kind
    if kind == "junk":
        return draw(st.sampled_from(["hexagon", 5, None, "knn", ["queen"]]))
    if kind == "file":
        return draw(files("gal"))
    option = {"knn": "k", "distance": "threshold_km", "kernel": "bandwidth_km"}[kind]
    good = st.sampled_from([1, 2, 3]) if kind == "knn" else st.sampled_from([1.5, 2.5, 4.0])
    value = draw(mostly(good, -1, 0, math.inf, "2", True))
    try:
        return GraphSpec(kind, **{option: value})
    except RuhrgeoError:
        return kind  # a kind without its option: refused where it is used
