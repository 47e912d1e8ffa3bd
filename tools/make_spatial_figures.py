"""Draw docs/img/spatial_moran_ruhr_2021.png, the Moran scatterplots of docs/spatial.md.

    python tools/make_spatial_figures.py

The real 2021 Breitbandatlas shares of the 53 Ruhr municipalities (shipped with ruhrgeo),
queen weights, 9,999 permutations, seed 0: FTTB/H (top) and gigabit (bottom), global
(left) and local with the LISA clusters at unadjusted p <= 0.05 (right).
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from ruhrgeo import datasets, spatial

OUT = Path(__file__).resolve().parents[1] / "docs" / "img" / "spatial_moran_ruhr_2021.png"
COLUMNS = {"ftthb_ge1000": "FTTB/H", "all_ge1000": "gigabit (any technology)"}


def main() -> None:
    shares = datasets.breitbandatlas_2021()[list(COLUMNS)]
    gdf = datasets.ruhr_municipalities().join(shares)
    fig = Figure(figsize=(10, 10), layout="constrained")
    axes = fig.subplots(2, 2)
    for row, (column, label) in zip(axes, COLUMNS.items(), strict=True):
        spatial.moran_scatterplot(spatial.moran(gdf, column), ax=row[0])
        row[0].set_title(f"{label}: Moran's I = {row[0].get_title().split('= ')[1]}")
        lisa = spatial.local_moran(gdf, column, fdr=False)
        spatial.moran_scatterplot(lisa, ax=row[1])
        row[1].set_title(f"{label}: LISA, p <= 0.05 unadjusted")
        row[1].set_xlabel(f"{column} (standardized)")
        row[1].set_ylabel(f"neighbors' {column}")
    OUT.parent.mkdir(exist_ok=True)
    fig.savefig(OUT, dpi=80)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
