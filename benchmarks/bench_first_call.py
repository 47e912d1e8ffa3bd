"""The first local Moran of a fresh process: ruhrgeo vs esda, and where NumPy stops paying.

    python benchmarks/bench_first_call.py [--runs 3]

1. Each run starts a new Python process that imports ruhrgeo (or esda), reads the 53 real
   Ruhr municipalities with the Breitbandatlas mid-2021 FTTB/H share, builds the queen
   graph and times the first ``local_moran`` (or ``esda.Moran_Local``) with 9,999
   permutations, seed 0, after the imports. Medians of ``--runs`` processes.
2. It checks that ruhrgeo's p-values equal those of esda's compiled (numba) kernels on
   the same data, graph and seed, for the Ruhr (53) and NRW (396 municipalities).
3. Sizes: on lattices of n units, the NumPy engine against esda's compiled kernels
   (compiled before timing), 9,999 permutations: where the NumPy path stops paying off.

Reads ../shared/data beside the checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

PREPARE = f"""
import time, warnings
start = time.perf_counter()
import numpy as np, pandas as pd, esda
from ruhrgeo import read_municipalities, spatial
imported = time.perf_counter()
warnings.simplefilter("ignore")
munis = read_municipalities({str(SHARED / "boundaries" / "ruhr_municipalities.geojson")!r})
table = pd.read_csv({str(SHARED / "coverage" / "ruhr_breitband_2021-06.csv")!r},
                    dtype={{"ags": str}}).set_index("ags")
gdf = munis.join(table[["ftthb_ge1000"]])
graph = spatial.build_graph(gdf, "queen")
y = gdf.loc[graph.unique_ids, "ftthb_ge1000"].to_numpy()
ready = time.perf_counter()
"""

RUHRGEO = (
    PREPARE
    + """
lisa = spatial.local_moran(gdf, "ftthb_ge1000", graph=graph, permutations=9999, seed=0)
done = time.perf_counter()
print(done - ready, imported - start)
"""
)

ESDA = (
    PREPARE
    + """
lm = esda.Moran_Local(y, graph, transformation="r", permutations=9999, seed=0, n_jobs=1)
done = time.perf_counter()
print(done - ready, imported - start)
"""
)

SAME = """
import json, sys, warnings
import numpy as np, pandas as pd, esda
from ruhrgeo import read_municipalities, spatial
warnings.simplefilter("ignore")
path, column_table = sys.argv[1], sys.argv[2]
munis = read_municipalities(path)
out = {}
if column_table:
    table = pd.read_csv(column_table, dtype={"ags": str}).set_index("ags")
    munis = munis.join(table[["ftthb_ge1000"]])
    column = "ftthb_ge1000"
else:
    munis["log_area"] = np.log(munis.to_crs(25832).area)
    column = "log_area"
graph = spatial.build_graph(munis, "queen")
y = munis.loc[graph.unique_ids, column].to_numpy()
for seed in (0, 1):
    ours = spatial.local_moran(munis, column, graph=graph, permutations=9999, seed=seed)
    lm = esda.Moran_Local(y, graph, transformation="r", permutations=9999, seed=seed, n_jobs=1)
    gi = spatial.getis_ord(munis, column, graph=graph, permutations=9999, seed=seed)
    g = esda.G_Local(y, graph, transform="B", star=True, permutations=9999, seed=seed, n_jobs=1)
    count = lambda p: np.rint(np.asarray(p, float) * 10000).astype(int)
    out[seed] = {
        "n": len(y),
        "lisa_same_p": bool((count(ours.loc[graph.unique_ids, "p_sim"]) == count(lm.p_sim)).all()),
        "lisa_max_z_sim_diff": float(np.abs(ours.loc[graph.unique_ids, "z_sim"] - lm.z_sim).max()),
        "gi_same_p": bool((count(gi.loc[graph.unique_ids, "p_sim"]) == count(g.p_sim)).all()),
    }
print(json.dumps(out))
"""


def fresh(code: str, runs: int) -> tuple[list[float], list[float]]:
    first, imports = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        first.append(float(out[0]))
        imports.append(float(out[1]))
    return first, imports


def sizes(ns: list[int]) -> list[dict]:
    import esda
    import geopandas as gpd
    import numpy as np
    import shapely

    from ruhrgeo import spatial
    from ruhrgeo.spatial import _crand

    rows = []
    warnings.simplefilter("ignore")
    for n in ns:
        side = int(np.ceil(np.sqrt(n)))
        cells = [shapely.box(i % side, i // side, i % side + 1, i // side + 1) for i in range(n)]
        y = np.random.default_rng(0).normal(size=n).cumsum()
        gdf = gpd.GeoDataFrame({"v": y}, geometry=cells, crs=25832)
        gdf.index = [f"{i:08d}" for i in range(n)]
        graph = spatial.build_graph(gdf, "queen")
        esda.Moran_Local(y[:9], spatial.build_graph(gdf.iloc[:9], "queen"), permutations=9)
        start = time.perf_counter()
        esda.Moran_Local(y, graph, permutations=9999, seed=0, keep_simulations=False, n_jobs=1)
        compiled = time.perf_counter() - start
        limit, _crand.NUMPY_WORK = _crand.NUMPY_WORK, 10**12
        start = time.perf_counter()
        spatial.local_moran(gdf, "v", graph=graph, permutations=9999, keep_simulations=False)
        numpy = time.perf_counter() - start
        _crand.NUMPY_WORK = limit
        rows.append({"n": n, "esda_compiled_s": compiled, "ruhrgeo_numpy_s": numpy})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="53,396,1000,2000,4000")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    ours, ours_imports = fresh(textwrap.dedent(RUHRGEO), args.runs)
    theirs, theirs_imports = fresh(textwrap.dedent(ESDA), args.runs)
    print("first local Moran in a fresh process, 53 Ruhr municipalities, 9,999 permutations:")
    for name, times, imports in (
        ("ruhrgeo", ours, ours_imports),
        ("esda", theirs, theirs_imports),
    ):
        print(
            f"  {name:8s} median {statistics.median(times):6.2f} s after imports "
            f"(runs {[round(t, 2) for t in times]}; imports {statistics.median(imports):.1f} s)"
        )
    print(f"  target: ruhrgeo <= 2 s: {'met' if statistics.median(ours) <= 2 else 'NOT met'}")
    table = str(SHARED / "coverage" / "ruhr_breitband_2021-06.csv")
    for label, path, column_table in (
        ("Ruhr FTTB/H", SHARED / "boundaries" / "ruhr_municipalities.geojson", table),
        ("NRW log(area)", SHARED / "boundaries" / "nrw_municipalities.geojson", ""),
    ):
        same = subprocess.run(
            [sys.executable, "-c", SAME, str(path), column_table],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        print(f"same p-values as esda's compiled kernels, {label}: {json.loads(same)}")
    print("NumPy engine vs esda's compiled kernels (compiled beforehand), 9,999 permutations:")
    for row in sizes([int(n) for n in args.sizes.split(",")]):
        print(
            f"  n = {row['n']:5d}: esda {row['esda_compiled_s']:6.2f} s, ruhrgeo NumPy "
            f"{row['ruhrgeo_numpy_s']:6.2f} s"
        )


if __name__ == "__main__":
    main()
