"""local_moran on all German municipalities vs calling esda directly, in one run.

    python benchmarks/bench_local_moran.py [--runs 3] [--permutations 9999]

Reads ../shared/data/boundaries/germany_municipalities.gpkg (layer `municipalities`,
10,997 features, VG5000 2021), builds one queen graph (islands joined to their nearest
neighbor), and times `ruhrgeo.spatial.local_moran` and `esda.Moran_Local` on the same graph,
variable, permutations, seed, n_jobs=1 and keep_simulations=False, interleaved; reports
medians and the ratio. Above ruhrgeo's NumPy size (units x permutations > 20 million) ruhrgeo
runs esda's compiled kernels, compiled here before the timings as the first call of a
process would (bench_first_call.py measures that first call).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings
from pathlib import Path

import esda
import numpy as np

from ruhrgeo import read_municipalities, spatial

GERMANY = Path(__file__).resolve().parents[2] / "shared/data/boundaries/germany_municipalities.gpkg"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--permutations", type=int, default=9999)
    args = parser.parse_args()
    gdf = read_municipalities(GERMANY, layer="municipalities").to_crs(25832)
    gdf["log_area"] = np.log(gdf["area_km2"])
    with warnings.catch_warnings(record=True) as islands:
        warnings.simplefilter("always")
        graph = spatial.build_graph(gdf, "queen")
    y = gdf.loc[graph.unique_ids, "log_area"].to_numpy()  # in the graph's order
    # compile esda's numba kernels once, outside the timings
    esda.Moran_Local(y, graph, permutations=9, seed=0, n_jobs=1, keep_simulations=False)

    def ours() -> None:
        spatial.local_moran(
            gdf,
            "log_area",
            graph=graph,
            permutations=args.permutations,
            seed=0,
            keep_simulations=False,
        )

    def theirs() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            esda.Moran_Local(
                y,
                graph,
                transformation="r",
                permutations=args.permutations,
                seed=0,
                n_jobs=1,
                keep_simulations=False,
            )

    times: dict[str, list[float]] = {"ruhrgeo": [], "esda": []}
    for _ in range(args.runs):
        for name, run in (("esda", theirs), ("ruhrgeo", ours)):
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    med = {name: statistics.median(values) for name, values in times.items()}
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"{len(gdf)} municipalities, {graph.n_edges} queen links, {len(islands)} island warning(s)"
    )
    for name, values in times.items():
        print(f"{name:8s} median {med[name]:7.2f} s  runs {[round(v, 2) for v in values]}")
    print(f"ratio ruhrgeo / esda = {med['ruhrgeo'] / med['esda']:.3f} (target <= 1.1)")


if __name__ == "__main__":
    main()
