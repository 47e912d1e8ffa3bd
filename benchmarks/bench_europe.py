"""The overlay at Europe scale: 100,000 areas x 3 layers of 400 million cells each.

    python benchmarks/bench_europe.py [--runs 3] [--work /tmp/ruhrgeo-europe] [--only REGEX]

Builds, seeded and kept in --work between runs:

- 100,000 synthetic areas (the size of the LAU set): a Voronoi tessellation of seeded points
  over a 2,000 x 2,000 km square of Europe in EPSG:3035 (x 3,500-5,500 km, y 2,000-4,000 km),
  denser in the middle, clipped to the square, keyed by LAU-style strings (``DE_00012345``,
  the prefix a country of a 4 x 4 grid) in a column ``lau_id``, written as a GeoPackage;
- three 100 m rasters over the square (20,000 x 20,000 = 400 million cells each, tiled
  deflate GeoTIFFs with their unit in the band metadata, nodata 255): one binary layer and two
  percent layers of smooth random fields (1 km blocks of noise), like the national benchmark.

Measures, each job in its own spawned process, in --runs interleaved rounds (medians):
``ruhrgeo.coverage_share(areas, layers)`` as a user calls it (default arguments: every core),
exactextract (``exact_extract(paths, areas, ["mean"])``) and ``coverage_share`` on a local
Dask cluster (``dask.distributed.LocalCluster``, one worker process per core, one thread
each; the cluster's start is not timed). Memory: the peak PSS summed over the job's process
and all its descendants (the Dask workers are the cluster's processes: their PSS is sampled
with the job's). Values: the largest difference of each ruhrgeo result from exactextract's
means, and between ruhrgeo's runners (must be 0).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_national import _pss, _write, run_once

X0, Y0, SIDE = 3_500_000.0, 2_000_000.0, 2_000_000.0  # EPSG:3035, meters
AREAS = 100_000
SEED = 2026
KINDS = ("binary", "percent", "percent")


def make_areas(work: Path) -> Path:
    import geopandas as gpd
    import shapely

    path = work / "areas_100k.gpkg"
    if path.exists():
        return path
    rng = np.random.default_rng(SEED)
    # denser in the middle (as cities are): a mix of uniform points and a broad bump
    uniform = rng.random((AREAS // 2, 2)) * SIDE
    bump = np.clip(rng.normal(0.5, 0.18, (AREAS - AREAS // 2, 2)), 0.001, 0.999) * SIDE
    points = np.vstack([uniform, bump]) + np.array([X0, Y0])
    box = shapely.box(X0, Y0, X0 + SIDE, Y0 + SIDE)
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=box)
    polygons = shapely.intersection(np.asarray(shapely.get_parts(cells)), box)
    countries = [
        "AT",
        "BE",
        "CH",
        "CZ",
        "DE",
        "DK",
        "FR",
        "HU",
        "IT",
        "LU",
        "NL",
        "PL",
        "SI",
        "SK",
        "HR",
        "LI",
    ]
    center = shapely.centroid(polygons)
    col = np.minimum(((shapely.get_x(center) - X0) / SIDE * 4).astype(int), 3)
    row = np.minimum(((shapely.get_y(center) - Y0) / SIDE * 4).astype(int), 3)
    prefix = np.array(countries)[row * 4 + col]
    keys = [f"{p}_{i:08d}" for i, p in enumerate(prefix)]
    frame = gpd.GeoDataFrame({"lau_id": keys}, geometry=polygons, crs=3035)
    frame.to_file(path, layer="areas", engine="pyogrio")
    return path


def make_layers(work: Path) -> list[Path]:
    km = (int(SIDE / 1000), int(SIDE / 1000))
    paths = []
    for i, kind in enumerate(KINDS):
        path = work / f"europe_{i}_{kind}_100m.tif"
        paths.append(path)
        if not path.exists():
            _write(path, km, 10, X0, Y0 + SIDE, 100, SEED + i, kind, crs="EPSG:3035")
    return paths


def _areas(path):
    from ruhrgeo import read_areas

    return read_areas(path, id_col="lau_id")


def job_ruhrgeo(areas, paths):
    from ruhrgeo import coverage_share  # imported before the clock, as exact_extract is

    frame = _areas(areas)
    layers = {f"l{i}": str(p) for i, p in enumerate(paths)}
    start = time.perf_counter()
    result = coverage_share(frame, layers, progress=False)
    elapsed = time.perf_counter() - start
    return elapsed, result[list(layers)].to_numpy().tolist()


def job_dask(areas, paths):
    from dask.distributed import Client, LocalCluster

    from ruhrgeo import coverage_share

    frame = _areas(areas)
    layers = {f"l{i}": str(p) for i, p in enumerate(paths)}
    cores = len(os.sched_getaffinity(0))
    with (
        LocalCluster(n_workers=cores, threads_per_worker=1, processes=True) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: None)  # the workers are up
        start = time.perf_counter()
        result = coverage_share(frame, layers, client=client, progress=False)
        elapsed = time.perf_counter() - start
    return elapsed, result[list(layers)].to_numpy().tolist()


def job_exactextract(areas, paths):
    from exactextract import exact_extract

    frame = _areas(areas)
    start = time.perf_counter()
    table = exact_extract([str(p) for p in paths], frame, ["mean"], output="pandas")
    elapsed = time.perf_counter() - start
    scale = np.array([100.0 if kind == "binary" else 1.0 for kind in KINDS])
    return elapsed, (table.to_numpy(dtype=float) * scale).tolist()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default="/tmp/ruhrgeo-europe")
    parser.add_argument("--out", default="benchmarks/europe.json")
    parser.add_argument("--only", help="run only the jobs whose label matches this regex")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    areas, paths = make_areas(work), make_layers(work)
    print(f"inputs ready in {time.perf_counter() - started:.0f} s", flush=True)
    plan = {
        "exactextract, 100,000 areas x 3": ("bench_europe:job_exactextract", areas, paths),
        "ruhrgeo default call, 100,000 areas x 3": ("bench_europe:job_ruhrgeo", areas, paths),
        "ruhrgeo on a local Dask cluster, 100,000 areas x 3": (
            "bench_europe:job_dask",
            areas,
            paths,
        ),
    }
    if args.only:
        plan = {label: job for label, job in plan.items() if re.search(args.only, label)}
    runs: dict[str, list[dict]] = {label: [] for label in plan}
    for _ in range(args.runs):
        for label, (job, *job_args) in plan.items():
            runs[label].append(run_once(job, *job_args))
            last = runs[label][-1]
            print(f"  {label}: {last['time']:.1f} s, PSS {last['pss'] / 1e9:.2f} GB", flush=True)
    summary = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "date": time.strftime("%Y-%m-%d"),
        "runs": args.runs,
        "areas": AREAS,
        "cells_per_layer": int((SIDE / 100) ** 2),
        "results": {},
    }
    reference = runs.get("exactextract, 100,000 areas x 3")
    ruhrgeo_values = runs.get("ruhrgeo default call, 100,000 areas x 3")
    for label, done in runs.items():
        times = [r["time"] for r in done]
        row = {
            "median_s": statistics.median(times),
            "runs_s": times,
            "peak_pss_total_gb": max(r["pss"] for r in done) / 1e9,
        }
        values = np.array(done[-1]["values"], float)
        if reference and label != "exactextract, 100,000 areas x 3":
            ee = np.array(reference[-1]["values"], float)
            row["ratio_to_exactextract"] = row["median_s"] / statistics.median(
                r["time"] for r in reference
            )
            row["max_abs_diff_from_exactextract_pp"] = float(np.nanmax(np.abs(values - ee)))
            row["areas_without_value_here_or_there"] = int(
                (np.isnan(values) != np.isnan(ee)).any(axis=1).sum()
            )
        if ruhrgeo_values and label.startswith("ruhrgeo on"):
            base = np.array(ruhrgeo_values[-1]["values"], float)
            row["max_abs_diff_from_default_call"] = (
                float(np.nanmax(np.abs(values - base))) if np.isfinite(base).any() else None
            )
            row["identical_to_default_call"] = bool(np.array_equal(values, base, equal_nan=True))
        summary["results"][label] = row
        print(f"{label:55s} {row['median_s']:8.1f} s  PSS {row['peak_pss_total_gb']:.2f} GB")
    Path(args.out).write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    _ = _pss  # the memory sampling of run_once
    main()
