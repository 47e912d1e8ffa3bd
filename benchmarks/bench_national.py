"""The overlay at national scale: the public ruhrgeo.coverage_share next to exactextract.

    python benchmarks/bench_national.py [--runs 3] [--work /tmp/ruhrgeo-bench] [--before DIR]

Builds seeded synthetic national rasters on the BKG UTM lattice (EPSG:25832) over the 10,997
municipalities of ../shared/data/boundaries/germany_municipalities.gpkg (24 layers at 100 m,
12 binary, 12 percent, tiled deflate GeoTIFFs with their unit in the band metadata) and a
Breitbandatlas-style GeoPackage of 3.6 million 100 m cells with 30 value columns, kept in
--work between runs. Measures each job in its own spawned process, in --runs rounds that run
every job once (the Ruhr jobs, a fraction of a second each, three times), so that the
machine's drift falls alike on the jobs compared; medians:

- Germany x 3 and x 24 layers: ``ruhrgeo.coverage_share(munis, layers)`` as a user calls it
  (default arguments: every core this process may use), the same in one process, and
  exactextract (``exact_extract(paths, munis, ["mean"])``);
- a saved national Overlay (made once, outside the timing) applied to one more layer (a
  percent and a binary one: the process's first), and to a percent layer after a first one;
- the 53 Ruhr municipalities x 3 layers cut from the national rasters, ruhrgeo and
  exactextract;
- the cell GeoPackage: one column read with ``read_coverage``, 24 columns read and overlaid
  with ``coverage_share`` over Germany, and geopandas reading the 24 columns as a reference;
  with ``--before DIR`` (a checkout of the previous release's ``src``) also that version's
  ``read_coverage`` of one column.

Memory: the measuring process's peak RSS (VmHWM), its largest child's (workers), and the peak
of the proportional set size (PSS) summed over the process and all its descendants, sampled
every 0.25 s from /proc (Linux): forked workers share their parent's pages, which RSS counts in
every process and PSS once. The sampling may miss a peak shorter than that.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import re
import resource
import statistics
import sys
import time
from pathlib import Path
from queue import Empty

import numpy as np
import rasterio
from affine import Affine
from rasterio.windows import Window

SHARED = Path(__file__).resolve().parents[2] / "shared/data"
GERMANY = SHARED / "boundaries/germany_municipalities.gpkg"
RUHR = SHARED / "boundaries/ruhr_municipalities.geojson"
SMALL_REPEATS = 3  # runs per round of the jobs that take a fraction of a second
SEED = 2025
CELLS_COLUMNS = 30  # value columns of the cell GeoPackage; 24 of them are read


# --- inputs ------------------------------------------------------------------------------------


def municipalities(which: str = "germany"):
    from ruhrgeo import read_municipalities

    if which == "ruhr":
        return read_municipalities(RUHR).to_crs(25832)
    return read_municipalities(GERMANY, layer="municipalities").to_crs(25832)


def make_layers(work: Path) -> list[Path]:
    """Seeded rasters: smooth random fields (1 km blocks of noise, thresholded or scaled)."""
    work.mkdir(parents=True, exist_ok=True)
    x0, y0, x1, y1 = _extent()
    km = (int((y1 - y0) / 1000), int((x1 - x0) / 1000))
    paths = []
    for i in range(24):
        path = work / f"layer_{i:02d}_100m.tif"
        paths.append(path)
        if not path.exists():
            _write(path, km, 10, x0, y1, 100, SEED + i, "binary" if i % 2 == 0 else "percent")
    return paths


def _extent() -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = municipalities().total_bounds
    return (
        np.floor(x0 / 1000) * 1000 - 1000,
        np.floor(y0 / 1000) * 1000 - 1000,
        np.ceil(x1 / 1000) * 1000 + 1000,
        np.ceil(y1 / 1000) * 1000 + 1000,
    )


def _write(path, km, per_km, x0, ytop, cell, seed, kind, crs="EPSG:25832") -> None:
    rng = np.random.default_rng(seed)
    coarse = rng.random(km)
    rows, cols = km[0] * per_km, km[1] * per_km
    profile = {
        "driver": "GTiff",
        "height": rows,
        "width": cols,
        "count": 1,
        "dtype": "uint8",
        "crs": crs,
        "transform": Affine(cell, 0, x0, 0, -cell, ytop),
        "nodata": 255,
        "compress": "deflate",
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
        "BIGTIFF": "IF_SAFER",
    }
    band = 40  # km rows written at a time
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
        dst.units = (kind,)


def make_cells(work: Path, n_cells: int = 3_600_000) -> Path:
    """A Breitbandatlas-style GeoPackage: n_cells 100 m cell polygons drawn from Germany's
    extent (about the count of cells with households), CELLS_COLUMNS percent columns."""
    import geopandas as gpd
    import shapely

    path = work / "cells_100m.gpkg"
    if path.exists():
        return path
    rng = np.random.default_rng(SEED)
    x0, y0, x1, y1 = _extent()
    cols, rows = int((x1 - x0) / 100), int((y1 - y0) / 100)
    flat = np.sort(rng.choice(cols * rows, n_cells, replace=False))
    r, c = np.divmod(flat, cols)
    xmin, ymin = x0 + c * 100.0, y1 - (r + 1) * 100.0
    data = {
        f"down_fn_hh_c{i:02d}": rng.integers(0, 101, n_cells).astype(np.int16)
        for i in range(CELLS_COLUMNS)
    }
    frame = gpd.GeoDataFrame(
        data, geometry=shapely.box(xmin, ymin, xmin + 100, ymin + 100), crs=25832
    )
    frame.to_file(path, layer="cells", engine="pyogrio")
    return path


# --- the measured jobs (each in its own process) -----------------------------------------------


def _scale(paths) -> np.ndarray:
    """100 for binary layers (even numbers), 1 for percent layers: exactextract's mean to %."""
    return np.array([100.0 if int(p.name.split("_")[1]) % 2 == 0 else 1.0 for p in paths])


def job_ruhrgeo(paths, which="germany", workers=None):
    # imported before the clock starts, as the peer's exact_extract is (ruhrgeo's names load
    # on first use: the attribute would import the overlay's modules inside the timing)
    from ruhrgeo import coverage_share

    munis = municipalities(which)
    layers = {f"l{i}": str(p) for i, p in enumerate(paths)}
    start = time.perf_counter()
    result = coverage_share(munis, layers, workers=workers, progress=False)
    elapsed = time.perf_counter() - start
    return elapsed, result[list(layers)].to_numpy().tolist()


def job_exactextract(paths, which="germany"):
    from exactextract import exact_extract

    munis = municipalities(which)
    start = time.perf_counter()
    table = exact_extract([str(p) for p in paths], munis, ["mean"], output="pandas")
    elapsed = time.perf_counter() - start
    return elapsed, (table.to_numpy(dtype=float) * _scale(paths)).tolist()


def job_saved_overlay(saved, path, before=None):
    """The first layer the process applies a loaded Overlay to; with ``before``, the layer
    after that one (GDAL already set up in the process)."""
    from ruhrgeo import Overlay

    overlay = Overlay.load(saved)
    if before is not None:
        overlay.share({"before": str(before)}, progress=False)
    start = time.perf_counter()
    result = overlay.share({"more": str(path)}, progress=False)
    elapsed = time.perf_counter() - start
    return elapsed, result[["more"]].to_numpy().tolist()


def job_read_one_column(cells, src=None):
    if src:  # the previous release's reader
        sys.path.insert(0, src)
    from ruhrgeo import read_coverage

    start = time.perf_counter()
    read_coverage(cells, column="down_fn_hh_c00")
    return time.perf_counter() - start, []


def job_cells_overlay(cells):
    from ruhrgeo import coverage_share

    munis = municipalities()
    layers = {f"c{i:02d}": (str(cells), f"down_fn_hh_c{i:02d}") for i in range(24)}
    start = time.perf_counter()
    result = coverage_share(munis, layers, progress=False)
    elapsed = time.perf_counter() - start
    return elapsed, result[list(layers)].to_numpy().tolist()


def job_geopandas_columns(cells):
    import geopandas as gpd

    start = time.perf_counter()
    gpd.read_file(cells, columns=[f"down_fn_hh_c{i:02d}" for i in range(24)], engine="pyogrio")
    return time.perf_counter() - start, []


def _peak_rss() -> tuple[int, int]:
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024, children
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, children


def _child(queue, name, args):
    """Run job ``name`` (a function of this module, or ``module:function``)."""
    if ":" in name:
        import importlib

        module, _, function = name.partition(":")
        job = getattr(importlib.import_module(module), function)
    else:
        job = globals()[name]
    result = job(*args)
    queue.put((result, _peak_rss()))


def _pss(pid: int) -> int:
    """Proportional set size of ``pid`` and its descendants (bytes): shared pages (a forked
    worker's inherited data) are counted once, split between the processes that share them."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:  # the fields after the command's closing parenthesis: state, ppid, ...
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
            except (FileNotFoundError, ProcessLookupError):
                continue  # ended meanwhile
    family, total = {pid}, 0
    grown = True
    while grown:
        more = {p for p, parent in parents.items() if parent in family} - family
        family |= more
        grown = bool(more)
    for member in family:
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def run_once(name, *args) -> dict:
    """One run of job ``name`` in a fresh spawned process: its time, memory and values."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    proc = context.Process(target=_child, args=(queue, name, args))
    proc.start()
    peak = 0
    while True:  # sampled from here: a thread in the measured process would change it
        peak = max(peak, _pss(proc.pid))
        try:
            (elapsed, values), (own, child_peak) = queue.get(timeout=0.25)
            break
        except Empty:
            continue
    proc.join()
    return {"time": elapsed, "rss": own, "child_rss": child_peak, "pss": peak, "values": values}


def summarize(runs: list[dict]) -> dict:
    times = [r["time"] for r in runs]
    return {
        "median_s": statistics.median(times),
        "runs_s": times,
        "peak_rss_gb": max(r["rss"] for r in runs) / 1e9,
        "peak_rss_largest_child_gb": max(r["child_rss"] for r in runs) / 1e9,
        "peak_pss_total_gb": max(r["pss"] for r in runs) / 1e9,
        "values": runs[-1]["values"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default="/tmp/ruhrgeo-bench")
    parser.add_argument("--before", help="src folder of the previous release, for its reader")
    parser.add_argument("--skip-cells", action="store_true", help="leave out the GeoPackage jobs")
    parser.add_argument("--out", default="benchmarks/national.json")
    parser.add_argument("--only", help="run only the jobs whose label matches this regex")
    args = parser.parse_args()
    work = Path(args.work)
    paths = make_layers(work)
    three, all24 = paths[:3], paths
    saved = work / "germany_overlay.npz"
    if not saved.exists():
        from ruhrgeo import Overlay

        Overlay(municipalities(), str(paths[0]), progress=False).save(saved)
    plan = {
        "exactextract, Germany x 3": ("job_exactextract", three),
        "ruhrgeo default call, Germany x 3": ("job_ruhrgeo", three),
        "ruhrgeo 1 process, Germany x 3": ("job_ruhrgeo", three, "germany", 1),
        "exactextract, Germany x 24": ("job_exactextract", all24),
        "ruhrgeo default call, Germany x 24": ("job_ruhrgeo", all24),
        "ruhrgeo 1 process, Germany x 24": ("job_ruhrgeo", all24, "germany", 1),
        "saved Overlay + 1 percent layer, Germany": ("job_saved_overlay", saved, paths[3]),
        "saved Overlay + 1 binary layer, Germany": ("job_saved_overlay", saved, paths[4]),
        "saved Overlay + a second percent layer, Germany": (
            "job_saved_overlay",
            saved,
            paths[5],
            paths[4],
        ),
        "exactextract, Ruhr x 3": ("job_exactextract", three, "ruhr"),
        "ruhrgeo default call, Ruhr x 3": ("job_ruhrgeo", three, "ruhr"),
    }
    if not args.skip_cells:
        cells = make_cells(work)
        plan["read_coverage 1 column, 3.6 M cells"] = ("job_read_one_column", cells)
        if args.before:
            plan["previous release: read_coverage 1 column, 3.6 M cells"] = (
                "job_read_one_column",
                cells,
                args.before,
            )
        plan["geopandas read 24 columns, 3.6 M cells"] = ("job_geopandas_columns", cells)
        plan["ruhrgeo 24 columns read + overlaid, 3.6 M cells"] = ("job_cells_overlay", cells)
    if args.only:
        plan = {label: job for label, job in plan.items() if re.search(args.only, label)}
    # rounds: every job once per round, so that the machine's drift (+-20 % here over
    # minutes) falls alike on the jobs compared; the short Ruhr jobs run SMALL_REPEATS times
    # per round
    runs: dict[str, list[dict]] = {label: [] for label in plan}
    for _ in range(args.runs):
        for label, (job, *job_args) in plan.items():
            for _ in range(SMALL_REPEATS if "Ruhr" in label else 1):
                runs[label].append(run_once(job, *job_args))
    results = {}
    for label in plan:
        results[label] = row = summarize(runs[label])
        print(
            f"{label:52s} {row['median_s']:8.2f} s  {row['peak_rss_gb']:.2f} GB "
            f"(largest child {row['peak_rss_largest_child_gb']:.2f} GB, "
            f"all processes' PSS {row['peak_pss_total_gb']:.2f} GB)",
            flush=True,
        )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    summary = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB",
        "date": time.strftime("%Y-%m-%d"),
        "runs": args.runs,
        "results": {},
    }
    for label, r in results.items():
        row = {k: v for k, v in r.items() if k != "values"}
        ee = results.get("exactextract, " + label.split(", ", 1)[-1])
        if ee is not None and ee is not r:
            row["ratio_to_exactextract"] = r["median_s"] / ee["median_s"]
            diff = np.abs(np.array(r["values"], float) - np.array(ee["values"], float))
            row["max_abs_diff_pp"] = float(np.nanmax(diff))
        summary["results"][label] = row
    Path(args.out).write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
