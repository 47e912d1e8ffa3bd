"""The contract of every public callable, by construction: a valid result or a RuhrgeoError,
never another exception, never an output left behind by a failure.

Every name in the ``__all__`` of ruhrgeo and its packages that can be called has a case here
that draws its arguments (mostly valid, now and then hostile: see ``fuzz.py``); a public name
without a case fails :func:`test_every_public_callable_has_a_case`, so a new surface is fuzzed
from the day it is exported. CI runs ``FUZZ_EXAMPLES`` examples per case, derandomized (the
``ci`` profile of conftest.py); ``RUHRGEO_FUZZ=long`` runs 300 locally.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import math
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from affine import Affine
from fuzz import (
    CELL,
    HOSTILE,
    X0,
    Y0,
    areas,
    files,
    first,
    folder,
    graphs,
    grids,
    hostile,
    mostly,
    numbers,
    sources,
    specs,
    tables,
    texts,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ruhrgeo
from ruhrgeo import datasets, index, maps, spatial, spillover
from ruhrgeo.errors import RuhrgeoError

FUZZ_EXAMPLES = int(
    os.environ.get("RUHRGEO_FUZZ_EXAMPLES", 300 if os.environ.get("RUHRGEO_FUZZ") == "long" else 12)
)
PACKAGES = [
    "ruhrgeo",
    "ruhrgeo.datasets",
    "ruhrgeo.index",
    "ruhrgeo.io",
    "ruhrgeo.maps",
    "ruhrgeo.overlay",
    "ruhrgeo.spatial",
    "ruhrgeo.spillover",
]
# result objects: made by the functions that return them, not by users
RESULTS = {
    "AuditResult",
    "BivariateMoranResult",
    "CorrelogramResult",
    "GearyResult",
    "Imputed",
    "JoinCountResult",
    "LocalResult",
    "ModelResult",
    "MoranResult",
    "NorthSouthResult",
    "RadiusEstimate",
    "ReachResult",
    "SensitivityResult",
    "TheilResult",
    "Treated",
    "UncertaintyResult",
    "DurbinResult",
    "MarkovResult",
    "RegionsResult",
    "Screened",
}

Call = tuple[Callable[..., Any], tuple, dict, list[Path]]
Draw = Callable[[st.SearchStrategy], Any]


def public_callables() -> dict[str, Any]:
    """Every callable public name (each object once, under its first package)."""
    found: dict[int, str] = {}
    out = {}
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            if not callable(value) or inspect.ismodule(value) or name in RESULTS:
                continue
            if id(value) in found:
                continue
            found[id(value)] = name
            out[f"{package}.{name}"] = value
            for method in ("load", "from_coinr"):  # constructors from files and tables
                if inspect.isclass(value) and isinstance(vars(value).get(method), classmethod):
                    out[f"{package}.{name}.{method}"] = getattr(value, method)
    return out


def column(draw: Draw, frame: pd.DataFrame) -> Any:
    return draw(first(["v", "x", "name", "nope", 3, None]))


def area_frame(draw: Draw) -> Any:
    return draw(areas())


def _out(draw: Draw, suffix: str) -> Path:
    where = folder()
    return where / draw(first([f"out{suffix}", "sub/out" + suffix, "out.txt", ""]))


# --- the cases: name -> draw -> (callable, args, kwargs, outputs) ---------------------------------


def _coverage(draw: Draw) -> Call:
    layers = draw(
        mostly(
            st.one_of(
                st.dictionaries(first(["a", "b", "a_nodata", ""]), grids(), min_size=1, max_size=3),
                st.fixed_dictionaries({"t": files("tif")}),
            ),
            "not a mapping",
            {},
        )
    )
    kwargs = {
        "weighted_by": draw(st.one_of(st.none(), grids(), files("csv"))),
        "by": draw(first([None, "kreis", "nope"])),
        "workers": draw(first([None, 1, 0, "2"])),
        "tile_size": draw(first([2048, 7, 0])),
        "max_cells": draw(first([10**10, 10, -1])),
        "progress": False,
    }
    return ruhrgeo.coverage_share, (area_frame(draw), layers), kwargs, []


def _overlay(draw: Draw) -> Call:
    grid = draw(grids())

    def build_and_share(frame, grid, layer, weighted_by, save):
        overlay = ruhrgeo.Overlay(frame, grid, progress=False)
        shares = overlay.share({"l": layer}, weighted_by=weighted_by)
        overlay.weighted_cells(weighted_by)
        loaded = ruhrgeo.Overlay.load(overlay.save(save), areas=frame, grid=grid)
        pd.testing.assert_frame_equal(loaded.share({"l": layer}, weighted_by=weighted_by), shares)
        return shares

    layer = draw(st.one_of(st.just(grid), grids()))
    weights = draw(st.one_of(st.none(), grids()))
    return build_and_share, (area_frame(draw), grid, layer, weights, _out(draw, ".npz")), {}, []


def _overlay_load(draw: Draw) -> Call:
    return ruhrgeo.Overlay.load, (draw(files("npz")),), {}, []


def _regrid(draw: Draw) -> Call:
    from ruhrgeo.grid import GridSpec

    shape = (draw(st.integers(1, 30)), draw(st.integers(1, 30)))
    size = draw(first([50.0, 100.0, 333.0]))
    target = GridSpec(Affine(size, 0, X0, 0, -size, Y0 + 2000), shape, 25832)
    return (
        ruhrgeo.regrid,
        (draw(grids()), target),
        {"subdivisions": draw(numbers(1, 8, whole=True))},
        [],
    )


def _grid(draw: Draw) -> Call:
    values = draw(first([np.ones((2, 2)), np.array([[1, 2]]), np.zeros((0, 2)), [[1]], "x"]))
    return (
        ruhrgeo.Grid,
        (values, Affine(CELL, 0, X0, 0, -CELL, Y0), draw(first([25832, None, "x"]))),
        {"unit": draw(first([None, "binary", "percent", "ratio"]))},
        [],
    )


def _grid_spec(draw: Draw) -> Call:
    transform = draw(
        first([Affine(1, 0, 0, 0, -1, 0), Affine(1, 0.5, 0, 0, -1, 0), Affine(-1, 0, 0, 0, 1, 0)])
    )
    return (
        ruhrgeo.GridSpec,
        (
            transform,
            (draw(mostly(st.integers(1, 3), -1, 0)), 2),
            draw(first([25832, None, "nonsense"])),
        ),
        {},
        [],
    )


def _grid_source(draw: Draw) -> Call:
    kwargs = {
        "column": draw(first([None, "v", "", 3])),
        "threshold": draw(st.one_of(st.none(), numbers())),
        "unit": draw(first([None, "binary", "ratio"])),
        "band": draw(numbers(1, 3, whole=True)),
        "nodata": draw(st.one_of(st.none(), numbers())),
    }
    return ruhrgeo.GridSource, (draw(files()),), kwargs, []


def _read_areas(draw: Draw) -> Call:
    source = draw(st.one_of(areas(), files("gpkg"), st.just(42)))
    kwargs = {
        "id_col": draw(first([None, "v", "name", "nope", 3])),
        "name_col": draw(first([None, "name", "nope"])),
    }
    return ruhrgeo.read_areas, (source,), kwargs, []


def _read_municipalities(draw: Draw) -> Call:
    return (
        ruhrgeo.read_municipalities,
        (draw(st.one_of(areas(), files("gpkg"), st.just(pd.DataFrame({"a": [1]})))),),
        {},
        [],
    )


def _read_coverage(draw: Draw) -> Call:
    return (
        ruhrgeo.read_coverage,
        (draw(files()),),
        {"threshold": draw(st.one_of(st.none(), numbers()))},
        [],
    )


def _read_indicators(draw: Draw) -> Call:
    kwargs = {
        "id_col": draw(first([None, "v", "AGS"])),
        "key": draw(first(["ags", "text", "x"])),
        "decimal": draw(first([None, ",", ";"])),
    }
    return ruhrgeo.read_indicators, (draw(files("csv")),), kwargs, []


def _read_breitbandatlas(draw: Draw) -> Call:
    return ruhrgeo.read_breitbandatlas, (draw(files("bba")),), {}, []


def _no_arguments(function: Callable[..., Any]) -> Callable[[Draw], Call]:
    return lambda draw: (function, (), {}, [])


def _fetch(draw: Draw) -> Call:
    source = draw(files())

    def copy(url, out, pooch):
        Path(out).write_bytes(Path(source).read_bytes())

    right = None
    if source.is_file():
        right = "sha256:" + hashlib.sha256(source.read_bytes()).hexdigest()
    digest = draw(first([right, "sha256:" + "0" * 64, "md5:1", None, 3]))
    return (
        datasets.fetch_vg250,
        (),
        {"known_hash": digest, "cache_dir": folder(), "downloader": copy},
        [],
    )


# --- spatial ---


def _spatial(
    function: Callable[..., Any], *, bivariate: bool = False, permutations: bool = True
) -> Callable[[Draw], Call]:
    def case(draw: Draw) -> Call:
        frame = draw(areas(n_min=draw(mostly(8, 1, 3)), n_max=16))
        args = (frame, column(draw, frame), "x") if bivariate else (frame, column(draw, frame))
        kwargs: dict[str, Any] = {"graph": draw(graphs())}
        if function is spatial.join_counts:
            args = (frame, draw(first(["b", "v", "x"])))
        if permutations:
            kwargs["permutations"] = draw(first([0, 19, 99, -1, 1.5, "9", 10**9], valid=3))
            kwargs["seed"] = draw(numbers(0, 5, whole=True))
        return function, args, kwargs, []

    return case


def _models(function: Callable[..., Any]) -> Callable[[Draw], Call]:
    def case(draw: Draw) -> Call:
        frame = draw(areas(n_min=draw(mostly(8, 1, 3)), n_max=16))
        covariates = draw(first([["x"], [], "x", ["v"], ["nope"]], valid=2))
        kwargs = {
            "graph": draw(graphs()),
            "regimes": draw(first([None, "kreis", "nope"])),
        }
        return function, (frame, column(draw, frame), covariates), kwargs, []

    return case


def _divide(function: Callable[..., Any], **extra: Any) -> Callable[[Draw], Call]:
    def case(draw: Draw) -> Call:
        frame = draw(areas(n_min=draw(mostly(8, 1, 3)), n_max=16))
        kwargs = {
            "divide": draw(first([None, 5_701_500.0, 51.4633, "north", math.nan, 0.0], valid=3)),
            **extra,
        }
        if function is not spatial.theil_divide:
            kwargs["graph"] = draw(graphs())
        if function in (spatial.north_south, spatial.compare_divide, spatial.theil_divide):
            kwargs["permutations"] = draw(first([0, 19, -1]))
        args = (frame, column(draw, frame))
        if function is spatial.divide_regimes:
            args = (*args, draw(first([["x"], [], ["v"]])))
        return function, args, kwargs, []

    return case


def _correlogram(draw: Draw) -> Call:
    frame = draw(areas(n_min=draw(mostly(8, 1, 3)), n_max=16))
    kwargs = {
        "distances_km": draw(first([None, [1.0, 2.0], [0], "2", [math.inf]])),
        "permutations": draw(first([0, 19, -3])),
    }
    return spatial.correlogram, (frame, column(draw, frame)), kwargs, []


def _build_graph(draw: Draw) -> Call:
    return spatial.build_graph, (draw(areas()), draw(graphs())), {}, []


def _read_graph(draw: Draw) -> Call:
    where = folder()
    path = where / "w.gwt"
    text = draw(
        first(
            [
                "0 2 shp id\n05910000 05910001 1\n05910001 05910000 1\n",
                "0 2 shp id\n05910000 05910001 nan\n05910001 05910000 1\n",
                "0 2 shp id\n05910000 05910001 -1\n05910001 05910000 1\n",
                "0 2 shp id\n05910000 05910001 inf\n",
                "garbage",
            ]
        )
    )
    path.write_text(text, encoding="utf-8")
    return spatial.read_graph, (draw(first([path, draw(files("gal"))])),), {}, []


def _graph_spec(draw: Draw) -> Call:
    kind = draw(first(["knn", "distance", "kernel", "queen", "hexagon"], valid=4))
    option = {"knn": "k", "distance": "threshold_km", "kernel": "bandwidth_km"}.get(kind)
    option = draw(first([option, "k", "threshold_km", "kernel"])) if option else None
    kwargs = {}
    if option == "k":
        kwargs["k"] = draw(numbers(1, 5, whole=True))
    elif option is not None:
        kwargs[option] = draw(numbers(0.5, 5) if option != "kernel" else first(["gaussian", "no"]))
    return spatial.GraphSpec, (kind,), kwargs, []


def _scatterplot(draw: Draw) -> Call:
    frame = draw(areas(n_min=8, n_max=12, hostile=False))
    frame["v"] = np.arange(len(frame), dtype=float)
    result = draw(
        st.sampled_from(
            [
                lambda: spatial.moran(frame, "v", permutations=9),
                lambda: spatial.local_moran(frame, "v", permutations=9),
                lambda: "not a result",
            ]
        )
    )()
    return spatial.moran_scatterplot, (result,), {}, []


def _durbin(draw: Draw) -> Call:
    frame = draw(areas(n_min=draw(mostly(12, 1, 3)), n_max=16))
    kwargs = {
        "graph": draw(graphs()),
        "model": draw(first(["durbin", "slx", "sdm"], valid=2)),
        "draws": draw(first([100, 200, 10, "100"], valid=2)),
        "seed": draw(numbers(0, 5, whole=True)),
    }
    covariates = draw(first([["x"], ["x", "b"], [], ["v"]], valid=2))
    return spatial.spatial_durbin, (frame, column(draw, frame), covariates), kwargs, []


def _rates(function: Callable[..., Any]) -> Callable[[Draw], Call]:
    def case(draw: Draw) -> Call:
        frame = draw(areas(n_min=draw(mostly(8, 1, 3)), n_max=16))
        frame["events"] = np.arange(len(frame), dtype=float) % 4
        frame["base"] = draw(first([1000.0, 0.0, -5.0, math.nan]))
        kwargs: dict[str, Any] = {"graph": draw(graphs())}
        if function is spatial.smooth_rates:
            kwargs["method"] = draw(first([*spatial.RATE_METHODS, "kriging"], valid=4))
            kwargs["per"] = draw(numbers(1, 1000))
        else:
            kwargs["permutations"] = draw(first([0, 19, -1]))
        events = draw(first(["events", "v", "x", "nope", "base"], valid=2))
        return function, (frame, events, "base"), kwargs, []

    return case


def _spatial_regions(draw: Draw) -> Call:
    frame = draw(areas(n_min=draw(mostly(8, 1, 3)), n_max=16))
    method = draw(first(["maxp", "skater", "ward", "kmeans"], valid=3))
    kwargs = {
        "method": method,
        "graph": draw(graphs()),
        "n_regions": draw(st.one_of(st.none(), numbers(1, 4, whole=True))),
        "floor": draw(st.one_of(st.none(), numbers(1, 5))),
        "floor_column": draw(first(["x", None, "nope"])),
        "seed": draw(numbers(0, 5, whole=True)),
    }
    columns = draw(first([["x"], ["x", "b"], [], "x", ["nope"]], valid=2))
    return spatial.regions, (frame, columns), kwargs, []


# --- spill-over ---


def _spillover(function: Callable[..., Any]) -> Callable[[Draw], Call]:
    def case(draw: Draw) -> Call:
        frame = draw(areas(n_min=1, n_max=9))
        kwargs: dict[str, Any] = {"radius_km": draw(numbers(0.1, 20))}
        if function is spillover.allocate:
            args = (frame, draw(sources()), draw(first(["students", "nope"])))
        else:
            args = (frame, draw(sources()))
        if function is spillover.reach:
            kwargs["threshold"] = draw(numbers(0.01, 1))
        if function in (spillover.access, spillover.allocate):
            kwargs["kernel"] = draw(first(["linear", "gaussian", "nope"]))
        return function, args, kwargs, []

    return case


def _distances(draw: Draw) -> Call:
    frame = draw(areas(n_min=1, n_max=9))
    kwargs = {
        "to": draw(first(["centroid", "population", "moon"])),
        "population": draw(st.one_of(st.none(), grids())),
    }
    return spillover.distances_km, (frame, draw(sources())), kwargs, []


def _estimate(draw: Draw) -> Call:
    frame = draw(areas(n_min=draw(mostly(8, 1, 3)), n_max=16))
    kwargs = {
        "radii_km": draw(first([[1.0, 2.0, 3.0], [1], "5", [0, 1], [math.inf, 1.0]])),
        "n_boot": draw(first([19, 18, True, "50"])),
        "seed": draw(numbers(0, 3, whole=True)),
    }
    return spillover.estimate_radius, (frame, column(draw, frame), draw(sources())), kwargs, []


def _kernel_weight(draw: Draw) -> Call:
    distances = draw(first([np.array([0.0, 1.0, 5.0]), np.array([math.nan]), "3"]))
    return (
        spillover.kernel_weight,
        (distances, draw(numbers(0.1, 10)), draw(first(["linear", "uniform", "nope"]))),
        {},
        [],
    )


# --- the index ---


def _index_call(
    function: Callable[..., Any], **extra: Callable[[Draw], Any]
) -> Callable[[Draw], Call]:
    def case(draw: Draw) -> Call:
        kwargs = {name: make(draw) for name, make in extra.items()}
        return function, (draw(tables()), draw(specs())), kwargs, []

    return case


def _choice_kwargs(draw: Draw) -> dict[str, Any]:
    return {
        "normalization": draw(first(["minmax", "zscore", "rank", "goalposts", "nope"], valid=3)),
        "aggregation": draw(
            first(["amean", "gmean", "copeland", {"areas": "gmean"}, {"level 2": "hmean"}, "x"], 3)
        ),
        "missing": draw(first(["error", "skip", "median", "drop"], valid=3)),
        "weights": draw(
            first([None, "equal", {"a": 2.0}, "pca", {"a": -1}, {"zz": 1.0}, 3], valid=3)
        ),
        "treatment": draw(first([None, "log", "winsorize", "trim"], valid=3)),
    }


def _need_ranking(draw: Draw) -> Call:
    spec = draw(specs())
    aggregate = draw(first([spec.aggregate_names()[0], "index", "nope", ["x"]]))
    kwargs = {"aggregate": aggregate, "top": draw(numbers(1, 3, whole=True))}
    return index.need_ranking, (draw(tables()), spec), kwargs, []


def _composite(draw: Draw) -> Call:
    return index.composite, (draw(tables()), draw(specs())), _choice_kwargs(draw), []


def _audit(draw: Draw) -> Call:
    kwargs = _choice_kwargs(draw) | {"correlation": draw(first(["pearson", "kendall", "x"]))}
    return index.audit, (draw(tables()), draw(specs())), kwargs, []


def _uncertainty(draw: Draw) -> Call:
    kwargs = {
        "n": draw(first([4, 8, 3, 2.5, "8"])),
        "seed": draw(numbers(0, 3, whole=True)),
        "normalizations": draw(first([["minmax", "rank"], ["minmax"], "minmax", [], ["nope"]])),
        "aggregations": draw(first([["amean"], ["amean", "gmean"], [("genmean", {"p": 0.5})]])),
        "treatments": draw(first([[None], [None, "log"]])),
        "weight_noise": draw(numbers(0, 0.9)),
        "bootstrap": draw(first([2, 10, 1])),
    }
    return index.uncertainty, (draw(tables(n_min=1, n_max=8)), draw(specs())), kwargs, []


def _sensitivity(draw: Draw) -> Call:
    vary = draw(
        st.sampled_from(
            [
                None,
                {"normalization": ["minmax", "rank"]},
                {"missing": ["skip", "median"], "treatment": [None, "log"]},
                {"weights": {"spec": None, "equal": "equal"}},
                {"method": ["x"]},
                [1],
                {"normalization": "minmax"},
            ]
        )
    )
    return index.sensitivity, (draw(tables()), draw(specs())), {"vary": vary}, []


def _frame_call(
    function: Callable[..., Any], *args: Callable[[Draw], Any], **kwargs: Callable[[Draw], Any]
) -> Callable[[Draw], Call]:
    def case(draw: Draw) -> Call:
        return (
            function,
            (draw(tables()), *(make(draw) for make in args)),
            {k: make(draw) for k, make in kwargs.items()},
            [],
        )

    return case


def _regions(function: Callable[..., Any]) -> Callable[[Draw], Call]:
    def case(draw: Draw) -> Call:
        frame = draw(tables(n_min=4, n_max=8))
        if "ags" in frame.columns:
            frame = frame.set_index("ags")
        frame["population"] = draw(first([1.0, 0.0, math.nan, -1.0]))
        membership = draw(
            first(
                [
                    {"05910000": "A", "05910001": "B", "05910002": "C", "05910003": "A"},
                    {"05910000": "A", "05910001": "B", "05910002": "A"},
                    {"05910": "R"},
                    {"05910000": "A", "05910001": "B", "05999999": "C"},
                    pd.DataFrame({"region": ["R", "R"], "kreis_ags": ["05910", "05910"]}),
                    pd.DataFrame(
                        {
                            "region": ["R"],
                            "kreis_ags": ["05910"],
                            "membership": ["partial"],
                            "member_municipalities_ags": ["05910000;05910000"],
                        }
                    ),
                    pd.DataFrame({"region": ["R", "E"], "kreis_ags": ["05910", "09999"]}),
                    "kreis",
                    {},
                ],
                valid=2,
            )
        )
        kwargs = {"weighted_by": draw(first(["population", None, "nope"], valid=2))}
        if function is index.compare_regions:
            return function, (frame, membership, draw(specs())), kwargs, []
        return (
            function,
            (frame, membership),
            kwargs | {"columns": draw(first([None, ["a"], ["zz"]]))},
            [],
        )

    return case


def _region_members(draw: Draw) -> Call:
    return (
        index.region_members,
        (
            draw(first([{"05910": "R"}, {"123": "R"}, "kreis", {}])),
            pd.Index(["05910000", "05910001"]),
        ),
        {},
        [],
    )


def _releases(draw: Draw) -> Call:
    old, new = draw(tables()), draw(tables())
    if draw(st.booleans()):
        new = new.rename(index=lambda k: "X" + str(k))
    return (
        index.compare_releases,
        (old, new),
        {"columns": draw(first([None, ["a"], ["zz"], "a"]))},
        [],
    )


def _spec_file(function: Callable[..., Any]) -> Callable[[Draw], Call]:
    def case(draw: Draw) -> Call:
        if function is index.save_spec:
            target = _out(draw, ".toml")
            return function, (draw(st.one_of(specs(), st.just("spec"))), target), {}, [target]
        return function, (draw(st.one_of(files("toml"), st.none())),), {}, []

    return case


def _spec_classes(draw: Draw) -> Call:
    kind = draw(st.sampled_from(["indicator", "aggregate", "spec", "choices"]))
    if kind == "indicator":
        return (
            index.Indicator,
            (draw(texts()), draw(texts())),
            {"weight": draw(numbers(0.1)), "direction": draw(first(["higher", "up"]))},
            [],
        )
    if kind == "aggregate":
        return (
            index.Aggregate,
            (draw(texts()),),
            {"parent": draw(st.one_of(st.none(), texts())), "weight": draw(numbers(0.1))},
            [],
        )
    if kind == "choices":
        return (
            index.Choices,
            (),
            _choice_kwargs(draw) | {"p": draw(st.one_of(st.none(), numbers()))},
            [],
        )
    return (
        index.IndicatorSpec,
        (draw(texts()), draw(first([(), (index.Indicator("a", "x"),), ("a",)]))),
        {"aggregates": draw(first([(), {"x": 1}, {"y": 1}, (index.Aggregate("x", "x"),)]))},
        [],
    )


def _from_coinr(draw: Draw) -> Call:
    spec = draw(specs())
    imeta = spec.to_coinr().astype(object)
    if hostile():
        row = draw(st.integers(0, len(imeta) - 1))
        column = draw(st.sampled_from(list(imeta.columns)))
        imeta.loc[row, column] = draw(st.one_of(texts(), numbers(-2, 5)))
    source = draw(first([imeta, files("csv"), 3]))
    return index.IndicatorSpec.from_coinr, (source,), {}, []


def _release_values(draw: Draw) -> pd.DataFrame:
    n = draw(st.integers(3 if hostile() else 6, 12))
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    values = pd.DataFrame(
        rng.random((n, draw(st.integers(1 if hostile() else 2, 5)))).cumsum(axis=1) * 10,
        index=pd.Index([f"0591{i:04d}" for i in range(n)], name="ags"),
    )
    values.columns = [f"20{18 + i}" for i in range(values.shape[1])]
    if hostile() and draw(st.booleans()):
        values = values.astype(object)
        values.iloc[0, 0] = draw(st.sampled_from([math.nan, math.inf, "x"]))
    return values


def _markov(draw: Draw) -> Call:
    values = _release_values(draw)
    kwargs: dict[str, Any] = {"k": draw(first([3, 4, 1, 11, "3"], valid=2))}
    if draw(st.booleans()):
        frame = draw(areas(n_min=len(values), n_max=len(values), hostile=False))
        kwargs["gdf"] = frame.set_axis(values.index)
        kwargs["graph"] = draw(graphs())
    return index.markov, (values,), kwargs, []


def _rank_mobility(draw: Draw) -> Call:
    values = _release_values(draw)
    regimes = draw(
        first([None, pd.Series(["n", "s"] * 10, index=[f"0591{i:04d}" for i in range(20)]), "x"])
    )
    kwargs = {"regimes": regimes, "permutations": draw(first([0, 19, -1]))}
    return index.rank_mobility, (values,), kwargs, []


def _releases_table(function: Callable[..., Any]) -> Callable[[Draw], Call]:
    def case(draw: Draw) -> Call:
        releases = {f"r{i}": draw(tables(n_min=3, n_max=6)) for i in range(draw(st.integers(1, 3)))}
        if hostile() and draw(st.booleans()):
            releases = draw(st.sampled_from([{}, {"": releases["r0"]}, {"r": "table"}, [1]]))
        if function is index.stack_releases:
            return function, (releases,), {"columns": draw(first([None, ["a"], ["zz"], "a"]))}, []
        if function is index.unstack_releases:
            try:
                long = index.stack_releases(releases)
            except RuhrgeoError:
                long = pd.DataFrame({"a": [1]})
            return function, (long,), {"indicator": draw(first([None, "a", "zz"]))}, []
        kwargs = {"bounds": draw(first(["each", "pooled", "mixed"], valid=2))}
        return function, (releases, draw(specs())), kwargs, []

    return case


def _preparation(function: Callable[..., Any]) -> Callable[[Draw], Call]:
    def case(draw: Draw) -> Call:
        table, spec = draw(tables(n_min=2, n_max=8)), draw(specs())
        if function is index.denominate:
            keys = table.index if "ags" not in table.columns else table["ags"]
            denominators = pd.DataFrame({"pop": draw(first([100.0, 0.0, math.nan]))}, index=keys)
            by = draw(first([{"a": "pop"}, {"a": "zz"}, {}, "pop"], valid=1))
            kwargs = {"per": draw(first([1000, 0, {"a": 10}], valid=1))}
            return function, (table, denominators, by), kwargs, []
        if function is index.screen:
            kwargs = {
                "min_availability": draw(numbers(0, 1)),
                "by": draw(first(["units", "indicators", "both", "cells"], valid=3)),
            }
            return function, (table, spec), kwargs, []
        if function is index.strengths_weaknesses:
            return function, (table, spec), {"top": draw(numbers(1, 4, whole=True))}, []
        target = _out(draw, ".xlsx")
        return function, (table, target, spec), {}, [target]

    return case


def _plot_transitions(draw: Draw) -> Call:
    values = pd.DataFrame({"r1": [1.0, 2, 3, 4, 5, 6], "r2": [2.0, 1, 4, 3, 6, 5]})
    result = draw(first([lambda: index.markov(values, k=3), lambda: "result"]))()
    return index.plot_transitions, (result,), {"title": draw(st.one_of(st.none(), texts()))}, []


def _plot_effects(draw: Draw) -> Call:
    frame = draw(areas(n_min=12, n_max=12, hostile=False))
    result = draw(
        first([lambda: spatial.spatial_durbin(frame, "x", ["b"], model="slx"), lambda: 3])
    )()
    return spatial.plot_effects, (result,), {"title": draw(st.one_of(st.none(), texts()))}, []


def _category_map(draw: Draw) -> Call:
    frame = draw(areas())
    labels = draw(first([["a", "b"], [1, 2, 3], [None], list(range(25))]))
    categories = pd.Series((labels * len(frame))[: len(frame)], index=frame.index)
    colors = draw(first([None, {"a": "#ff0000", "b": "#00ff00"}, {"a": "nope"}]))
    kwargs = {"colors": colors, "title": draw(st.one_of(st.none(), texts()))}
    return maps.category_map, (frame, draw(first([categories, "x"]))), kwargs, []


def _plot_correlations(draw: Draw) -> Call:
    result = index.audit(
        pd.DataFrame(np.random.default_rng(0).random((6, 3)), columns=list("abc")), draw(specs())
    )
    return (
        index.plot_correlations,
        (draw(first([result, "x"])),),
        {"title": draw(st.one_of(st.none(), texts()))},
        [],
    )


def _plot_rank_intervals(draw: Draw) -> Call:
    table = pd.DataFrame(np.random.default_rng(1).random((6, 3)), columns=list("abc"))
    result = index.uncertainty(
        table,
        draw(specs()),
        n=4,
        normalizations=["minmax", "rank"],
        aggregations=["amean"],
        treatments=[None],
    )
    names = draw(
        st.one_of(st.none(), st.dictionaries(st.sampled_from(list(range(6))), texts(), max_size=6))
    )
    return (
        index.plot_rank_intervals,
        (draw(first([result, 3])),),
        {"names": names, "title": draw(st.one_of(st.none(), texts()))},
        [],
    )


# --- maps ---


def _choropleth(draw: Draw) -> Call:
    frame = draw(areas())
    kwargs = {
        "scheme": draw(first(["quantiles", "fisher_jenks", "user_defined", "natural_breaks", 3])),
        "k": draw(numbers(1, 6, whole=True)),
        "title": draw(st.one_of(st.none(), texts())),
        "units": draw(first([None, {"v": "%"}, {"zz": "%"}])),
        "place_names": draw(first([False, True, 2, -1, "all"])),
        "attribution": draw(st.one_of(st.none(), texts())),
    }
    return maps.choropleth, (frame, column(draw, frame)), kwargs, []


def _plot_map(draw: Draw) -> Call:
    frame = draw(areas())
    kwargs = {
        "title": draw(st.one_of(st.none(), texts())),
        "k": draw(numbers(1, 5, whole=True)),
        "place_names": draw(first([False, True, 3])),
    }
    return maps.plot, (frame, column(draw, frame)), kwargs, []


def _cluster_map(draw: Draw) -> Call:
    frame = draw(areas())
    labels = draw(first([["High-High"], ["Low-Low", "Not significant"], ["Hot"], [None]]))
    clusters = pd.Series((labels * len(frame))[: len(frame)], index=frame.index)
    return (
        maps.cluster_map,
        (frame, draw(first([clusters, clusters.iloc[:1], "x"]))),
        {"title": draw(st.one_of(st.none(), texts()))},
        [],
    )


def _spillover_map(draw: Draw) -> Call:
    frame = draw(areas())
    return (
        maps.spillover_map,
        (frame, draw(sources())),
        {
            "radius_km": draw(numbers(0.5, 5)),
            "values": draw(first([None, "students", "nope"])),
        },
        [],
    )


def _save_html(draw: Draw) -> Call:
    frame = draw(areas(hostile=False))
    target = _out(draw, ".html")
    page = draw(first([lambda: maps.choropleth(frame, "x"), lambda: "page"]))()
    return maps.save_html, (page, target), {}, [target]


def _save_png(draw: Draw) -> Call:
    frame = draw(areas(hostile=False))
    target = _out(draw, ".png")
    figure = draw(first([lambda: maps.plot(frame, "x"), lambda: "figure"]))()
    return (
        maps.save_png,
        (figure, target),
        {"dpi": draw(first([72, 5, "100", True]))},
        [target],
    )


def _atlas(draw: Draw) -> Call:
    frame = draw(areas(hostile=False))
    pages = draw(first([(maps.choropleth(frame, "x"), maps.choropleth(frame, "b")), (), ("x",)]))
    return maps.atlas, pages, {"title": draw(st.one_of(st.none(), texts()))}, []


def _simplify(draw: Draw) -> Call:
    return (
        maps.simplify,
        (draw(areas()),),
        {
            "tolerance_m": draw(st.one_of(st.none(), numbers())),
            "decimals": draw(st.one_of(st.none(), numbers(0, 6, whole=True))),
        },
        [],
    )


def _map_classes(draw: Draw) -> Call:
    frame = draw(areas(hostile=False))
    if draw(st.booleans()):
        return (
            maps.Map,
            (draw(first([maps.choropleth(frame, "x").layers[0], "layer"])),),
            {"title": draw(st.one_of(st.none(), texts()))},
            [],
        )
    return (
        maps.MapLayer,
        (
            draw(texts()),
            draw(first(["polygons", "points", "labels", "lines"], 3)),
            True,
            {},
            (0, 0, 1, 1),
        ),
        {},
        [],
    )


CASES: dict[str, Callable[[Draw], Call]] = {
    "ruhrgeo.Grid": _grid,
    "ruhrgeo.GridSource": _grid_source,
    "ruhrgeo.GridSpec": _grid_spec,
    "ruhrgeo.Overlay": _overlay,
    "ruhrgeo.Overlay.load": _overlay_load,
    "ruhrgeo.coverage_share": _coverage,
    "ruhrgeo.read_areas": _read_areas,
    "ruhrgeo.read_breitbandatlas": _read_breitbandatlas,
    "ruhrgeo.read_coverage": _read_coverage,
    "ruhrgeo.read_indicators": _read_indicators,
    "ruhrgeo.read_municipalities": _read_municipalities,
    "ruhrgeo.regrid": _regrid,
    "ruhrgeo.datasets.fetch_vg250": _fetch,
    **{
        f"ruhrgeo.datasets.{name}": _no_arguments(getattr(datasets, name))
        for name in datasets.__all__
        if callable(getattr(datasets, name)) and name != "fetch_vg250"
    },
    "ruhrgeo.index.Aggregate": _spec_classes,
    "ruhrgeo.index.Choices": _spec_classes,
    "ruhrgeo.index.Indicator": _spec_classes,
    "ruhrgeo.index.IndicatorSpec": _spec_classes,
    "ruhrgeo.index.IndicatorSpec.from_coinr": _from_coinr,
    "ruhrgeo.index.aggregate": _frame_call(
        index.aggregate,
        lambda d: d(first(["amean", "gmean", "copeland", "genmean", "x"])),
        weights=lambda d: d(first([None, {"a": 2}, {"zz": 1}, {"a": math.nan}])),
        p=lambda d: d(st.one_of(st.none(), numbers())),
    ),
    "ruhrgeo.index.audit": _audit,
    "ruhrgeo.index.compare_regions": _regions(index.compare_regions),
    "ruhrgeo.index.compare_releases": _releases,
    "ruhrgeo.index.composite": _composite,
    "ruhrgeo.index.impute": _frame_call(
        index.impute,
        lambda d: d(first(["median", "group_mean", "x"])),
        by=lambda d: d(first([None, {}, {"05910000": "K"}])),
    ),
    "ruhrgeo.index.load_spec": _spec_file(index.load_spec),
    "ruhrgeo.index.need_ranking": _need_ranking,
    "ruhrgeo.index.normalize": _frame_call(
        index.normalize,
        lambda d: d(first(["minmax", "zscore", "goalposts", "dist2ref", "prank", "x"])),
        directions=lambda d: d(first([None, {"a": "lower"}, {"a": "down"}])),
        params=lambda d: d(
            first(
                [
                    None,
                    {"bounds": (1, 100)},
                    {"bounds": (5, 1)},
                    {"goalposts": (0, 1)},
                    {"reference": "05910000"},
                    {"zz": 1},
                ]
            )
        ),
    ),
    "ruhrgeo.index.optimize_weights": _index_call(
        index.optimize_weights,
        level=lambda d: d(first([1, 2, "areas", "index", "level 2", 9])),
    ),
    "ruhrgeo.index.pca_weights": _index_call(index.pca_weights),
    "ruhrgeo.index.plot_correlations": _plot_correlations,
    "ruhrgeo.index.plot_rank_intervals": _plot_rank_intervals,
    "ruhrgeo.index.region_means": _regions(index.region_means),
    "ruhrgeo.index.region_members": _region_members,
    "ruhrgeo.index.remove_indicators": _index_call(index.remove_indicators),
    "ruhrgeo.index.save_spec": _spec_file(index.save_spec),
    "ruhrgeo.index.sensitivity": _sensitivity,
    "ruhrgeo.index.treat": _frame_call(
        index.treat,
        transform=lambda d: d(first([None, "log", "boxcox", "x"])),
        winmax=lambda d: d(numbers(0, 5, whole=True)),
        skew=lambda d: d(numbers()),
    ),
    "ruhrgeo.index.uncertainty": _uncertainty,
    "ruhrgeo.index.markov": _markov,
    "ruhrgeo.index.rank_mobility": _rank_mobility,
    "ruhrgeo.index.stack_releases": _releases_table(index.stack_releases),
    "ruhrgeo.index.unstack_releases": _releases_table(index.unstack_releases),
    "ruhrgeo.index.index_panel": _releases_table(index.index_panel),
    "ruhrgeo.index.denominate": _preparation(index.denominate),
    "ruhrgeo.index.screen": _preparation(index.screen),
    "ruhrgeo.index.strengths_weaknesses": _preparation(index.strengths_weaknesses),
    "ruhrgeo.index.export_workbook": _preparation(index.export_workbook),
    "ruhrgeo.spatial.spatial_durbin": _durbin,
    "ruhrgeo.spatial.smooth_rates": _rates(spatial.smooth_rates),
    "ruhrgeo.spatial.local_moran_rate": _rates(spatial.local_moran_rate),
    "ruhrgeo.spatial.regions": _spatial_regions,
    "ruhrgeo.maps.Map": _map_classes,
    "ruhrgeo.maps.MapLayer": _map_classes,
    "ruhrgeo.maps.atlas": _atlas,
    "ruhrgeo.maps.category_map": _category_map,
    "ruhrgeo.index.plot_transitions": _plot_transitions,
    "ruhrgeo.spatial.plot_effects": _plot_effects,
    "ruhrgeo.maps.choropleth": _choropleth,
    "ruhrgeo.maps.cluster_map": _cluster_map,
    "ruhrgeo.maps.plot": _plot_map,
    "ruhrgeo.maps.save_html": _save_html,
    "ruhrgeo.maps.save_png": _save_png,
    "ruhrgeo.maps.simplify": _simplify,
    "ruhrgeo.maps.spillover_map": _spillover_map,
    "ruhrgeo.spatial.GraphSpec": _graph_spec,
    "ruhrgeo.spatial.build_graph": _build_graph,
    "ruhrgeo.spatial.compare_divide": _divide(spatial.compare_divide),
    "ruhrgeo.spatial.correlogram": _correlogram,
    "ruhrgeo.spatial.divide_regimes": _divide(spatial.divide_regimes),
    "ruhrgeo.spatial.geary": _spatial(spatial.geary),
    "ruhrgeo.spatial.getis_ord": _spatial(spatial.getis_ord),
    "ruhrgeo.spatial.join_counts": _spatial(spatial.join_counts),
    "ruhrgeo.spatial.local_moran": _spatial(spatial.local_moran),
    "ruhrgeo.spatial.local_moran_bv": _spatial(spatial.local_moran_bv, bivariate=True),
    "ruhrgeo.spatial.moran": _spatial(spatial.moran),
    "ruhrgeo.spatial.moran_bv": _spatial(spatial.moran_bv, bivariate=True),
    "ruhrgeo.spatial.moran_scatterplot": _scatterplot,
    "ruhrgeo.spatial.north_south": _divide(spatial.north_south),
    "ruhrgeo.spatial.ols": _models(spatial.ols),
    "ruhrgeo.spatial.read_graph": _read_graph,
    "ruhrgeo.spatial.spatial_error": _models(spatial.spatial_error),
    "ruhrgeo.spatial.spatial_lag": _models(spatial.spatial_lag),
    "ruhrgeo.spatial.theil_divide": _divide(spatial.theil_divide),
    "ruhrgeo.spillover.access": _spillover(spillover.access),
    "ruhrgeo.spillover.allocate": _spillover(spillover.allocate),
    "ruhrgeo.spillover.distances_km": _distances,
    "ruhrgeo.spillover.estimate_radius": _estimate,
    "ruhrgeo.spillover.kernel_weight": _kernel_weight,
    "ruhrgeo.spillover.reach": _spillover(spillover.reach),
}


def test_every_public_callable_has_a_case():
    missing = sorted(set(public_callables()) - set(CASES))
    assert not missing, f"public callables without a fuzz case: {missing}"


def check(name: str, call: Call) -> None:
    """The contract: a result or a RuhrgeoError, and no output left by a failure."""
    function, args, kwargs, outputs = call
    before = {path: path.exists() for path in outputs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = function(*args, **kwargs)
        except RuhrgeoError:
            for path, existed in before.items():
                assert path.exists() == existed, f"{name}: a failed call left {path}"
                leftovers = (
                    [p for p in path.parent.glob(".ruhrgeo-*")] if path.parent.exists() else []
                )
                assert not leftovers, f"{name}: a failed call left {leftovers}"
            return
    if isinstance(result, pd.DataFrame) and name.endswith(("coverage_share", "Overlay")):
        values = result.to_numpy(dtype=float)
        assert np.all(np.isnan(values) | ((values >= -1e-9) & (values <= 100 + 1e-9))), name
    if isinstance(result, pd.DataFrame):
        assert result.index.is_unique, f"{name}: a result with a repeated key"
    p_sim = np.asarray(getattr(result, "p_sim", 0.5) if result is not None else 0.5, dtype=float)
    assert np.all(np.isnan(p_sim) | ((p_sim > 0) & (p_sim <= 1))), f"{name}: p_sim {p_sim}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_contract_holds(name):
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(hostile=st.booleans(), data=st.data())
    def run(hostile, data):
        token = HOSTILE.set(hostile)
        try:
            call = CASES[name](data.draw)
        finally:
            HOSTILE.reset(token)
        check(name, call)

    run()
