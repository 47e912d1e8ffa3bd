"""Germany-wide overlay: ruhrgeo vs exactextract vs rasterstats, in one run on the same inputs.

    python benchmarks/bench_national.py [--runs 3] [--work /tmp/ruhrgeo-bench] [--skip-25m]

Builds seeded synthetic national rasters on the BKG UTM lattice (EPSG:25832) over the
10,997 municipalities of ../shared/data/boundaries/germany_municipalities.gpkg: 24 layers
at 100 m (12 binary, 12 percent) and one binary layer at 25 m, as tiled, deflate-compressed
GeoTIFFs (kept in --work between runs). Every measurement runs in its own process (so peak
RSS is its own) and is repeated --runs times; the table reports medians, the ratio to
exactextract and the largest difference from exactextract's means in percentage points.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import statistics
import time
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.windows import Window

GERMANY = Path(__file__).resolve().parents[2] / "shared/data/boundaries/germany_municipalities.gpkg"
SEED = 2025


def municipalities():
    from ruhrgeo import read_municipalities

    return read_municipalities(GERMANY, layer="municipalities").to_crs(25832)


def make_layers(work: Path, with_25m: bool) -> dict[str, list[Path]]:
    """Seeded rasters: smooth random fields (1 km blocks of noise, thresholded or scaled)."""
    work.mkdir(parents=True, exist_ok=True)
    x0, y0, x1, y1 = municipalities().total_bounds
    x0, y0 = np.floor(x0 / 1000) * 1000 - 1000, np.floor(y0 / 1000) * 1000 - 1000
    x1, y1 = np.ceil(x1 / 1000) * 1000 + 1000, np.ceil(y1 / 1000) * 1000 + 1000
    km = (int((y1 - y0) / 1000), int((x1 - x0) / 1000))
    out: dict[str, list[Path]] = {"100m": [], "25m": []}
    for i in range(24):
        path = work / f"layer_{i:02d}_100m.tif"
        out["100m"].append(path)
        if not path.exists():
            kind = "binary" if i % 2 == 0 else "percent"
            _write(path, km, 10, x0, y1, 100, SEED + i, kind)
    if with_25m:
        path = work / "binary_25m.tif"
        out["25m"].append(path)
        if not path.exists():
            _write(path, km, 40, x0, y1, 25, SEED + 99, "binary")
    return out


def _write(path, km, per_km, x0, ytop, cell, seed, kind) -> None:
    rng = np.random.default_rng(seed)
    coarse = rng.random(km)
    rows, cols = km[0] * per_km, km[1] * per_km
    profile = {
        "driver": "GTiff",
        "height": rows,
        "width": cols,
        "count": 1,
        "dtype": "uint8",
        "crs": "EPSG:25832",
        "transform": Affine(cell, 0, x0, 0, -cell, ytop),
        "nodata": 255,
        "compress": "deflate",
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
        "BIGTIFF": "IF_SAFER",
    }
    band = 40  # km rows written at a time: bounded memory even at 25 m
    with rasterio.open(path, "w", **profile) as dst:
        for k0 in range(0, km[0], band):
            block = coarse[k0 : k0 + band]
            fine = np.kron(block, np.ones((per_km, per_km)))
            noise = rng.random(fine.shape)
            if kind == "binary":
                data = (0.7 * fine + 0.3 * noise > 0.3).astype(np.uint8)
            else:
                data = np.rint(100 * (0.7 * fine + 0.3 * noise)).astype(np.uint8)
            dst.write(data, 1, window=Window(0, k0 * per_km, cols, data.shape[0]))


# --- the measured jobs (each in its own process) ----------------------------------------------


def _percent_scale(paths) -> np.ndarray:
    """100 for binary layers (even numbers, the 25 m one), 1 for percent layers."""
    return np.array(
        [100.0 if "binary" in p.name or int(p.name.split("_")[1]) % 2 == 0 else 1.0 for p in paths]
    )


def job_ruhrgeo(paths, scheduler_workers=None, workers=1):
    from ruhrgeo import tiles

    munis = municipalities()
    layers = {f"l{i}": str(p) for i, p in enumerate(paths)}
    if scheduler_workers:
        from dask.distributed import Client, LocalCluster

        from ruhrgeo import distributed

        with (
            LocalCluster(
                n_workers=scheduler_workers, threads_per_worker=1, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            start = time.perf_counter()
            result = distributed.coverage_share(munis, layers, client=client)
            elapsed = time.perf_counter() - start
    else:
        start = time.perf_counter()
        result = tiles.coverage_share_tiled(munis, layers, workers=workers)
        elapsed = time.perf_counter() - start
    shares = result[[c for c in result.columns if not c.endswith("_nodata")]]
    return elapsed, shares.to_numpy().tolist()


def job_exactextract(paths):
    from exactextract import exact_extract

    munis = municipalities()
    start = time.perf_counter()
    table = exact_extract([str(p) for p in paths], munis, ["mean"], output="pandas")
    elapsed = time.perf_counter() - start
    return elapsed, (table.to_numpy(dtype=float) * _percent_scale(paths)).tolist()


def job_rasterstats(paths):
    from rasterstats import zonal_stats

    munis = municipalities()
    start = time.perf_counter()
    means = [[s["mean"] for s in zonal_stats(munis, str(p), stats=["mean"])] for p in paths]
    elapsed = time.perf_counter() - start
    return elapsed, (np.array(means, dtype=float).T * _percent_scale(paths)).tolist()


def _peak_rss() -> tuple[int, int]:
    """Peak resident memory in bytes of this process (VmHWM; ru_maxrss would include the
    parent's, which survives fork and exec on Linux) and of its largest child process
    (pool or Dask workers; forked children share pages with this one, so adding the two
    overstates)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024, children
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, children


def _child(queue, name, args):
    result = globals()[name](*args)
    queue.put((result, _peak_rss()))


def measure(name, *args, runs):
    times, rss, child_rss, values = [], [], [], None
    for _ in range(runs):
        queue = mp.get_context("spawn").Queue()
        proc = mp.get_context("spawn").Process(target=_child, args=(queue, name, args))
        proc.start()
        (elapsed, values), (peak, child_peak) = queue.get()
        proc.join()
        times.append(elapsed)
        rss.append(peak)
        child_rss.append(child_peak)
    return {
        "median_s": statistics.median(times),
        "runs_s": times,
        "peak_rss_gb": max(rss) / 1e9,
        "peak_rss_largest_child_gb": max(child_rss) / 1e9,
        "values": values,
    }


def floor(work: Path) -> None:
    """What one process cannot go below: exact fractions for Germany, and reading the 24
    layers' tile windows (decompression only, native dtype)."""
    import shapely

    from ruhrgeo import tiles

    munis = municipalities()
    paths = make_layers(work, with_25m=False)["100m"]
    spec = tiles.describe_layers({"a": str(paths[0])})["a"].spec
    window, row_off, col_off = spec.covering(tuple(munis.total_bounds))
    geometries = munis.geometry.to_numpy()
    tree = shapely.STRtree(geometries)
    work_tiles = tiles.tiles(window, origin=(row_off, col_off))
    start, entries = time.perf_counter(), 0
    for tile in work_tiles:
        entries += len(tiles.tile_fractions(geometries, tree, window, tile)[2])
    fractions = time.perf_counter() - start
    start = time.perf_counter()
    for path in paths:
        for tile in work_tiles:
            with rasterio.open(path) as ds:
                r0, c0 = max(tile.row0 + row_off, 0), max(tile.col0 + col_off, 0)
                r1 = min(tile.row0 + row_off + tile.rows, ds.height)
                c1 = min(tile.col0 + col_off + tile.cols, ds.width)
                ds.read(1, window=Window(c0, r0, c1 - c0, r1 - r0))
    reading = time.perf_counter() - start
    print(
        f"exact fractions: {fractions:.1f} s ({entries / 1e6:.1f} M entries); "
        f"reading {len(paths)} layers by tiles: {reading:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default="/tmp/ruhrgeo-bench")
    parser.add_argument("--skip-25m", action="store_true")
    parser.add_argument("--skip-rasterstats", action="store_true")
    parser.add_argument("--out", default="benchmarks/national.json")
    parser.add_argument("--floor", action="store_true", help="only the floor of the design")
    args = parser.parse_args()
    if args.floor:
        floor(Path(args.work))
        return
    layers = make_layers(Path(args.work), not args.skip_25m)
    three, all24 = layers["100m"][:3], layers["100m"]
    plan = {
        "exactextract, 3 layers 100 m": ("job_exactextract", three),
        "ruhrgeo cold 1 process, 3 layers 100 m": ("job_ruhrgeo", three),
        "ruhrgeo cold 2 processes, 3 layers 100 m": ("job_ruhrgeo", three, None, 2),
        "exactextract, 24 layers 100 m": ("job_exactextract", all24),
        "ruhrgeo cold 1 process, 24 layers 100 m": ("job_ruhrgeo", all24),
        "ruhrgeo cold 2 processes, 24 layers 100 m": ("job_ruhrgeo", all24, None, 2),
    }
    if not args.skip_rasterstats:
        plan["rasterstats, 3 layers 100 m"] = ("job_rasterstats", three)
    if not args.skip_25m:
        plan["exactextract, 1 layer 25 m"] = ("job_exactextract", layers["25m"])
        plan["ruhrgeo 1 process, 1 layer 25 m"] = ("job_ruhrgeo", layers["25m"])
        plan["ruhrgeo 2 processes, 1 layer 25 m"] = ("job_ruhrgeo", layers["25m"], None, 2)
        plan["ruhrgeo Dask 1 worker, 1 layer 25 m"] = ("job_ruhrgeo", layers["25m"], 1)
        plan["ruhrgeo Dask 2 workers, 1 layer 25 m"] = ("job_ruhrgeo", layers["25m"], 2)
    results = {}
    for label, (job, *job_args) in plan.items():
        results[label] = measure(job, *job_args, runs=args.runs)
        row = results[label]
        print(
            f"{label:44s} {row['median_s']:8.1f} s  {row['peak_rss_gb']:.2f} GB "
            f"(largest child {row['peak_rss_largest_child_gb']:.2f} GB)",
            flush=True,
        )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB"
    summary = {
        "machine": machine,
        "date": time.strftime("%Y-%m-%d"),
        "runs": args.runs,
        "results": {},
    }
    for label, r in results.items():
        ee = results.get(f"exactextract, {label.split(', ', 1)[1]}")
        row = {k: v for k, v in r.items() if k != "values"}
        if ee and ee is not r:
            row["ratio_to_exactextract"] = r["median_s"] / ee["median_s"]
            diff = np.abs(np.array(r["values"], float) - np.array(ee["values"], float))
            row["max_abs_diff_pp"] = float(np.nanmax(diff))
        summary["results"][label] = row
    Path(args.out).write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
