"""Generate ruhrgeo's SYNTHETIC demo data in data/ (seeded, reproducible).

    python tools/make_demo_data.py [--universities ../shared/data/universities.csv]

Writes SYNTHETIC coverage grids (FTTB/H and gigabit in percent of households, 5G binary;
100 m, BKG UTM EPSG:25832) and a Zensus-style population grid (1 km INSPIRE, EPSG:3035) over
the REAL boundaries of the 53 Ruhr municipalities (the shipped DVG2 extract, see
tools/make_package_data.py), and synthetic indicator and IT-graduate tables. The grids are
smooth random fields with round, arbitrary parameters (STRUCTURE below): nothing is tuned to
a published figure, and they carry no north/south structure; the demo takes its findings
from the real Breitbandatlas values instead. The population grid spreads each municipality's
real population (31.12.2019) evenly over its area.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from affine import Affine
from rasterio.features import geometry_mask

ROOT = Path(__file__).resolve().parents[1]
UTM, INSPIRE = 25832, 3035

STRUCTURE = {
    "seed": 2025,
    "cell_m": 100,
    "margin_m": 2000,  # the grids reach this far beyond the region ...
    "nodata_beyond_m": 1500,  # ... but carry data only this far beyond it
    "fttbh_mean": 30.0,  # percent of households, before clipping to 0-100
    "gigabit_mean": 60.0,
    "smooth_noise_km": 5.0,  # correlation length of the smooth random fields
    "smooth_noise_pct": 15.0,
    "cell_noise_pct": 10.0,
    "5g_cut_sd": -1.5,  # 5G where a smooth random field lies above this many sd (about 93 %)
    "population_grid_m": 1000,
    # synthetic tables (data/tables/): what drives the non-infrastructure indicators
    "employees_per_inhabitant": 0.36,
    "it_graduates_per_student": 0.03,  # yearly IT graduates per student, IT/CS campuses only
    "it_share_spillover_km": 20.0,  # planted spill-over radius of the synthetic IT share
    "it_share_base": 2.0,
    "it_share_per_access": 0.8,
}

UNIVERSITY_COLUMNS = [
    "institution",
    "short_name",
    "type",
    "site",
    "city",
    "ags",
    "latitude",
    "longitude",
    "students",
    "it_cs_programme",
]


def smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cells: float) -> np.ndarray:
    """Gaussian-ish noise with correlation length ``cells``: bilinear upsampling of coarse noise."""
    coarse = rng.standard_normal((int(shape[0] / cells) + 3, int(shape[1] / cells) + 3))
    rows = np.linspace(1, coarse.shape[0] - 2, shape[0])
    cols = np.linspace(1, coarse.shape[1] - 2, shape[1])
    by_row = np.array([np.interp(cols, np.arange(coarse.shape[1]), line) for line in coarse])
    field = np.array(
        [np.interp(rows, np.arange(coarse.shape[0]), by_row[:, j]) for j in range(shape[1])]
    ).T
    return (field - field.mean()) / field.std()


def coverage_grids(munis: gpd.GeoDataFrame) -> dict[str, object]:
    s, rng = STRUCTURE, np.random.default_rng(STRUCTURE["seed"])
    cell = s["cell_m"]
    outline = shapely.union_all(munis.geometry.to_numpy())
    x0, y0, x1, y1 = outline.bounds
    margin = s["margin_m"]
    x0, y0 = np.floor((x0 - margin) / 1000) * 1000, np.floor((y0 - margin) / 1000) * 1000
    x1, y1 = np.ceil((x1 + margin) / 1000) * 1000, np.ceil((y1 + margin) / 1000) * 1000
    shape = (int((y1 - y0) / cell), int((x1 - x0) / cell))
    transform = Affine(cell, 0, x0, 0, -cell, y1)
    noise_cells = s["smooth_noise_km"] * 1000 / cell

    def percent(mean: float) -> np.ndarray:
        field = (
            mean
            + s["smooth_noise_pct"] * smooth_noise(rng, shape, noise_cells)
            + s["cell_noise_pct"] * rng.standard_normal(shape)
        )
        return np.rint(np.clip(field, 0, 100))

    fttbh = percent(s["fttbh_mean"])
    gigabit = np.maximum(percent(s["gigabit_mean"]), fttbh)  # FTTB/H is gigabit too
    five_g = (smooth_noise(rng, shape, noise_cells / 2) > s["5g_cut_sd"]).astype(np.uint8)
    data_area = ~geometry_mask([outline.buffer(s["nodata_beyond_m"])], shape, transform)
    layers = {
        "fttbh_percent.tif": fttbh,
        "gigabit_percent.tif": gigabit,
        "5g_binary.tif": five_g,
    }
    return {
        "transform": transform,
        "layers": {
            name: np.where(data_area, arr, 255).astype(np.uint8) for name, arr in layers.items()
        },
    }


def write_tif(path: Path, array: np.ndarray, transform: Affine, description: str) -> None:
    profile = {
        "driver": "GTiff",
        "height": array.shape[0],
        "width": array.shape[1],
        "count": 1,
        "dtype": "uint8",
        "crs": f"EPSG:{UTM}",
        "transform": transform,
        "nodata": 255,
        "compress": "deflate",
        "predictor": 2,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)
        dst.units = ("binary" if "binary" in path.name else "percent",)  # read by ruhrgeo
        dst.update_tags(DESCRIPTION=description, STATUS="SYNTHETIC demo data (ruhrgeo)")


def population_csv(munis: gpd.GeoDataFrame) -> pd.DataFrame:
    """Zensus-style 1 km INSPIRE grid: each municipality's real population spread evenly over
    its area (exact cell fractions by ruhrgeo itself), whole inhabitants, totals kept."""
    from ruhrgeo import GridSpec, Overlay  # the installed package

    size = STRUCTURE["population_grid_m"]
    inspire = munis.to_crs(INSPIRE)
    x0, y0, x1, y1 = inspire.total_bounds
    x0, y0 = np.floor(x0 / size) * size, np.floor(y0 / size) * size
    x1, y1 = np.ceil(x1 / size) * size, np.ceil(y1 / size) * size
    spec = GridSpec(
        Affine(size, 0, x0, 0, -size, y1), (int((y1 - y0) / size), int((x1 - x0) / size)), INSPIRE
    )
    cells = Overlay(inspire, spec, progress=False).weighted_cells()
    area = cells.groupby("ags")["weight"].transform("sum")
    exact = cells["weight"] / area * cells["ags"].map(munis["population"])
    people = np.floor(exact).astype(int)
    remainder = exact - people
    for ags, rows in cells.groupby("ags").groups.items():  # largest remainders get the rest
        short = int(munis.loc[ags, "population"] - people[rows].sum())
        people[remainder[rows].nlargest(short).index] += 1
    per_cell = pd.DataFrame({"x": cells["x"], "y": cells["y"], "people": people})
    per_cell = per_cell.groupby(["y", "x"], as_index=False)["people"].sum()
    west = (per_cell["x"] - size / 2).astype(int)
    south = (per_cell["y"] - size / 2).astype(int)
    table = pd.DataFrame(
        {
            "GITTER_ID_1km": [
                f"CRS3035RES{size}mN{n}E{e}" for n, e in zip(south, west, strict=True)
            ],
            "x_mp_1km": per_cell["x"].astype(int),
            "y_mp_1km": per_cell["y"].astype(int),
            "Einwohner": per_cell["people"],
        }
    )
    return table[table["Einwohner"] > 0]


def synthetic_tables(
    munis: gpd.GeoDataFrame, unis: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SYNTHETIC indicator table per municipality and IT graduates per campus."""
    from ruhrgeo import spillover  # the installed package; the tables depend on its kernels

    s, rng = STRUCTURE, np.random.default_rng(STRUCTURE["seed"] + 1)
    pop = munis["population"].to_numpy(dtype=float)
    size = (np.log(pop) - np.log(pop).mean()) / np.log(pop).std()
    sites = gpd.GeoDataFrame(
        unis, geometry=gpd.points_from_xy(unis.longitude, unis.latitude), crs=4326
    )
    reach = spillover.access(munis, sites, radius_km=s["it_share_spillover_km"]).to_numpy()
    latent = 0.6 * size + 0.5 * reach / reach.max() + 0.4 * rng.standard_normal(len(munis))
    on_site = munis.index.to_series().map(unis["ags"].value_counts()).fillna(0).to_numpy()
    table = pd.DataFrame(
        {
            "ags": munis.index,
            "name": munis["name"].to_numpy(),
            "employees_workplace": np.rint(
                pop * s["employees_per_inhabitant"] * np.exp(0.25 * latent)
            ).astype(int),
            "research_institutions": (on_site + rng.poisson(np.exp(0.8 * latent))).astype(int),
            "research_funding_eur_per_inhabitant": np.round(np.exp(2.5 + 0.9 * latent), 1),
            "digital_patents_per_100k": np.round(np.exp(1.5 + 0.7 * latent), 1),
            "it_employment_share": np.round(
                s["it_share_base"]
                + s["it_share_per_access"] * reach
                + 0.3 * rng.standard_normal(len(munis)),
                2,
            ),
            "ai_job_ads_share": np.round(np.clip(1.5 + 0.6 * latent, 0.1, None), 2),
            "digital_companies_share": np.round(np.clip(35 + 8 * latent, 5, 95), 1),
            "ai_companies_per_10k": np.round(np.exp(1.2 + 0.6 * latent), 1),
            "digital_startups_per_10k": np.round(np.exp(0.3 + 0.7 * latent), 2),
            "status": "SYNTHETIC demo values",
        }
    )
    it = unis["it_cs_programme"].isin(["yes", "partial"]).to_numpy()
    graduates = unis[
        ["institution", "short_name", "site", "city", "ags", "latitude", "longitude"]
    ].copy()
    graduates["it_graduates"] = np.where(
        it, np.rint(unis["students"].fillna(0).to_numpy() * s["it_graduates_per_student"]), 0
    ).astype(int)
    graduates["status"] = "SYNTHETIC demo values"
    return table, graduates


def with_all_indicators(
    table: pd.DataFrame, graduates: pd.DataFrame, munis: gpd.GeoDataFrame
) -> pd.DataFrame:
    """The table with the four indicators the demo derives, so that the default spec's twelve
    are all there: IT graduates incl. spill-over per 1,000 employees (SYNTHETIC graduates
    spread from the real campuses, linear 25 km) and the REAL infrastructure of mid 2021
    (Breitbandatlas: FTTB/H, gigabit, and the Kreis' 5G household share for the 5G area)."""
    from ruhrgeo import datasets, spillover
    from ruhrgeo.cli.demo import DEMO_SPILLOVER_KM

    sites = gpd.GeoDataFrame(
        graduates, geometry=gpd.points_from_xy(graduates.longitude, graduates.latitude), crs=4326
    )
    spread = spillover.allocate(munis, sites, "it_graduates", radius_km=DEMO_SPILLOVER_KM)
    keyed = table.set_index("ags")
    real = datasets.breitbandatlas_2021().loc[munis.index]
    kreise = datasets.breitbandatlas_kreise_2021()["5g_ge2"]
    keyed["it_graduates_per_1000_employees"] = 1000 * spread / keyed["employees_workplace"]
    keyed["5g_area_share"] = munis["kreis_ags"].map(kreise)
    keyed["fttbh_household_share"] = real["ftthb_ge1000"]
    keyed["gigabit_household_share"] = real["all_ge1000"]
    keyed["status"] = "infrastructure: Breitbandatlas mid 2021 (REAL); the rest SYNTHETIC"
    columns = [c for c in keyed.columns if c != "status"] + ["status"]
    return keyed[columns].reset_index()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--universities", default=str(ROOT.parent / "shared/data/universities.csv"))
    args = parser.parse_args()
    from ruhrgeo import datasets  # the installed package with its shipped real boundaries

    munis = datasets.ruhr_municipalities()
    (ROOT / "data/coverage").mkdir(parents=True, exist_ok=True)
    grids = coverage_grids(munis)
    descriptions = {
        "fttbh_percent.tif": "FTTB/H availability, percent of households per 100 m cell",
        "gigabit_percent.tif": "Gigabit availability, percent of households per 100 m cell",
        "5g_binary.tif": "5G coverage, 1 = covered, per 100 m cell",
    }
    for name, array in grids["layers"].items():
        write_tif(ROOT / "data/coverage" / name, array, grids["transform"], descriptions[name])
    population_csv(munis).to_csv(
        ROOT / "data/coverage/population_inspire_1km.csv", sep=";", index=False
    )
    unis = pd.read_csv(args.universities, dtype={"ags": str})[UNIVERSITY_COLUMNS]
    unis.to_csv(ROOT / "data/universities.csv", index=False)
    (ROOT / "data/tables").mkdir(exist_ok=True)
    table, graduates = synthetic_tables(munis, unis)
    table = with_all_indicators(table, graduates, munis)
    table.to_csv(ROOT / "data/tables/indicators_synthetic.csv", index=False)
    graduates.to_csv(ROOT / "data/tables/it_graduates_synthetic.csv", index=False)
    print(
        f"wrote {len(grids['layers'])} grids over {len(munis)} municipalities, "
        f"{len(unis)} universities"
    )


if __name__ == "__main__":
    main()
