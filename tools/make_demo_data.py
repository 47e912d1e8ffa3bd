"""Generate ruhrgeo's embedded demo data in data/ (seeded, reproducible).

    python tools/make_demo_data.py [--universities ../shared/data/universities.csv]

Writes SCHEMATIC boundaries of the 53 Ruhr municipalities and SYNTHETIC coverage and
population grids whose structure follows the Digital-Index Ruhr's findings (FTTB/H best
on the northern edge, weakest in the south and east; gigabit highest in the large
cities; 5G on ~98 % of the area). All structure parameters are in STRUCTURE below.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import rasterio
import shapely
from affine import Affine
from rasterio.features import geometry_mask

ROOT = Path(__file__).resolve().parents[1]
UTM, INSPIRE = 25832, 3035

STRUCTURE = {
    "seed": 2025,
    "cell_m": 100,
    "outline_smoothing_m": 3000,  # buffer out and in: a smooth outline of the region
    "nodata_beyond_m": 1500,  # cells farther outside the outline carry no data
    "fttbh_south": 12.0,  # mean FTTB/H (% of households) on the southern edge ...
    "fttbh_north": 70.0,  # ... and on the northern edge
    "fttbh_east_penalty": 12.0,  # lower towards the south-east
    "gigabit_base": 40.0,  # gigabit (% of households) away from the large cities
    "gigabit_city_boost": 52.0,  # added at a large city's centre
    "gigabit_city_sigma_km": 7.0,
    "large_cities": ["05112000", "05113000", "05911000", "05913000", "05513000", "05119000"],
    "smooth_noise_km": 5.0,  # correlation length of the smooth noise fields
    "smooth_noise_pct": 10.0,
    "cell_noise_pct": 14.0,
    "5g_area_share": 98.3,  # percent of the region's area with 5G
    "population_total": 5_112_050,  # 31.12.2019, sum of the table below
    "population_grid_m": 1000,
    # synthetic tables (data/tables/): what drives the non-infrastructure indicators
    "employees_per_inhabitant": 0.36,
    "it_graduates_per_student": 0.03,  # yearly IT graduates per student, IT/CS campuses only
    "it_share_spillover_km": 20.0,  # planted spill-over radius of the IT employment share
    "it_share_base": 2.0,
    "it_share_per_access": 0.8,
}

# Representative points of the real municipalities (WGS84), official area and population.
POINTS = """ags,name,kreis,lat,lon,area_km2,population
05112000,Duisburg,Duisburg,51.448,6.743,232.8,498686
05113000,Essen,Essen,51.442,7.045,210.3,582760
05117000,Mülheim an der Ruhr,Mülheim an der Ruhr,51.411,6.881,91.3,170632
05119000,Oberhausen,Oberhausen,51.513,6.851,77.1,210764
05170004,Alpen,Kreis Wesel,51.593,6.482,59.6,12479
05170008,Dinslaken,Kreis Wesel,51.57,6.758,47.7,67373
05170012,Hamminkeln,Kreis Wesel,51.754,6.628,164.5,26858
05170016,Hünxe,Kreis Wesel,51.651,6.776,106.9,13598
05170020,Kamp-Lintfort,Kreis Wesel,51.52,6.52,63.1,37596
05170024,Moers,Kreis Wesel,51.458,6.636,67.7,103902
05170028,Neukirchen-Vluyn,Kreis Wesel,51.436,6.55,43.5,27187
05170032,Rheinberg,Kreis Wesel,51.564,6.612,75.2,30854
05170036,Schermbeck,Kreis Wesel,51.69,6.839,110.7,13602
05170040,Sonsbeck,Kreis Wesel,51.617,6.374,55.4,8673
05170044,Voerde (Niederrhein),Kreis Wesel,51.601,6.655,53.5,36017
05170048,Wesel,Kreis Wesel,51.671,6.593,122.6,60230
05170052,Xanten,Kreis Wesel,51.684,6.426,72.4,21607
05512000,Bottrop,Bottrop,51.57,6.889,100.6,117565
05513000,Gelsenkirchen,Gelsenkirchen,51.557,7.081,104.9,259645
05562004,Castrop-Rauxel,Kreis Recklinghausen,51.573,7.292,51.7,73343
05562008,Datteln,Kreis Recklinghausen,51.668,7.333,66.1,34596
05562012,Dorsten,Kreis Recklinghausen,51.71,7.006,171.2,74704
05562014,Gladbeck,Kreis Recklinghausen,51.578,6.975,36.0,75610
05562016,Haltern am See,Kreis Recklinghausen,51.759,7.178,159.0,37850
05562020,Herten,Kreis Recklinghausen,51.593,7.139,37.3,61821
05562024,Marl,Kreis Recklinghausen,51.668,7.112,87.8,84067
05562028,Oer-Erkenschwick,Kreis Recklinghausen,51.663,7.233,38.7,31421
05562032,Recklinghausen,Kreis Recklinghausen,51.603,7.225,66.5,111397
05562036,Waltrop,Kreis Recklinghausen,51.625,7.409,47.1,29328
05911000,Bochum,Bochum,51.471,7.231,145.7,365587
05913000,Dortmund,Dortmund,51.508,7.46,280.7,588250
05914000,Hagen,Hagen,51.341,7.493,160.4,188686
05915000,Hamm,Hamm,51.661,7.814,226.4,179916
05916000,Herne,Herne,51.539,7.212,51.4,156449
05954004,Breckerfeld,Ennepe-Ruhr-Kreis,51.266,7.465,59.1,8943
05954008,Ennepetal,Ennepe-Ruhr-Kreis,51.286,7.373,57.8,30142
05954012,Gevelsberg,Ennepe-Ruhr-Kreis,51.335,7.353,26.3,30701
05954016,Hattingen,Ennepe-Ruhr-Kreis,51.368,7.188,71.7,54438
05954020,Herdecke,Ennepe-Ruhr-Kreis,51.413,7.419,22.4,22755
05954024,Schwelm,Ennepe-Ruhr-Kreis,51.283,7.293,20.5,28537
05954028,Sprockhövel,Ennepe-Ruhr-Kreis,51.34,7.264,47.9,24739
05954032,Wetter (Ruhr),Ennepe-Ruhr-Kreis,51.379,7.354,31.5,27392
05954036,Witten,Ennepe-Ruhr-Kreis,51.429,7.345,72.4,96459
05978004,Bergkamen,Kreis Unna,51.624,7.634,44.9,48740
05978008,Bönen,Kreis Unna,51.594,7.767,38.0,18171
05978012,Fröndenberg/Ruhr,Kreis Unna,51.498,7.769,56.2,20760
05978016,Holzwickede,Kreis Unna,51.486,7.634,22.4,17076
05978020,Kamen,Kreis Unna,51.582,7.671,41.0,43023
05978024,Lünen,Kreis Unna,51.615,7.514,59.4,86348
05978028,Schwerte,Kreis Unna,51.43,7.567,56.2,46195
05978032,Selm,Kreis Unna,51.688,7.494,60.4,25925
05978036,Unna,Kreis Unna,51.535,7.733,88.6,58936
05978040,Werne,Kreis Unna,51.678,7.638,76.1,29717
"""

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


def points() -> gpd.GeoDataFrame:
    table = pd.read_csv(io.StringIO(POINTS), dtype={"ags": str})
    pts = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table.lon, table.lat), crs=4326)
    return pts.to_crs(UTM)


def schematic_boundaries(pts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Voronoi polygons around the points, clipped to a smooth outline of the region."""
    radius = np.sqrt(pts["area_km2"].to_numpy() * 1e6 / np.pi)
    blobs = shapely.union_all(shapely.buffer(pts.geometry.to_numpy(), radius * 1.25))
    smooth = STRUCTURE["outline_smoothing_m"]
    outline = blobs.buffer(smooth).buffer(-smooth).simplify(100)
    cells = shapely.voronoi_polygons(
        shapely.MultiPoint(pts.geometry.to_numpy()), extend_to=outline.envelope, ordered=True
    )
    polygons = [
        shapely.set_precision(cell.intersection(outline), 1.0) for cell in shapely.get_parts(cells)
    ]
    out = pts.drop(columns=["lat", "lon"]).assign(
        status="SCHEMATIC demo boundaries, not official (Voronoi around representative points)"
    )
    out = out.set_geometry(gpd.GeoSeries(polygons, crs=UTM))
    out["geometry"] = out.geometry.apply(
        lambda g: g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g])
    )
    assert out.geometry.is_valid.all() and (~out.geometry.is_empty).all()
    return out


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


def coverage_grids(munis: gpd.GeoDataFrame, pts: gpd.GeoDataFrame) -> dict[str, object]:
    s, rng = STRUCTURE, np.random.default_rng(STRUCTURE["seed"])
    cell = s["cell_m"]
    outline = shapely.union_all(munis.geometry.to_numpy())
    x0, y0, x1, y1 = outline.bounds
    margin = 2000
    x0, y0 = np.floor((x0 - margin) / 1000) * 1000, np.floor((y0 - margin) / 1000) * 1000
    x1, y1 = np.ceil((x1 + margin) / 1000) * 1000, np.ceil((y1 + margin) / 1000) * 1000
    shape = (int((y1 - y0) / cell), int((x1 - x0) / cell))
    transform = Affine(cell, 0, x0, 0, -cell, y1)
    cols, rows = np.meshgrid(np.arange(shape[1]), np.arange(shape[0]))
    xc, yc = transform @ (cols + 0.5, rows + 0.5)
    ox0, oy0, ox1, oy1 = outline.bounds
    north = np.clip((yc - oy0) / (oy1 - oy0), 0, 1)
    east = np.clip((xc - ox0) / (ox1 - ox0), 0, 1)
    noise_cells = s["smooth_noise_km"] * 1000 / cell

    fttbh = (
        s["fttbh_south"]
        + (s["fttbh_north"] - s["fttbh_south"]) * north**1.5
        - s["fttbh_east_penalty"] * east * (1 - north)
        + s["smooth_noise_pct"] * smooth_noise(rng, shape, noise_cells)
        + s["cell_noise_pct"] * rng.standard_normal(shape)
    )
    cities = pts.set_index("ags").loc[s["large_cities"]].geometry
    dist2 = np.min([(xc - p.x) ** 2 + (yc - p.y) ** 2 for p in cities], axis=0)
    sigma = s["gigabit_city_sigma_km"] * 1000
    gigabit = (
        s["gigabit_base"]
        + s["gigabit_city_boost"] * np.exp(-dist2 / (2 * sigma**2))
        + s["smooth_noise_pct"] * smooth_noise(rng, shape, noise_cells)
        + s["cell_noise_pct"] * rng.standard_normal(shape)
    )
    fttbh = np.rint(np.clip(fttbh, 0, 100))
    gigabit = np.maximum(np.rint(np.clip(gigabit, 0, 100)), fttbh)  # FTTB/H is gigabit too

    inside = ~geometry_mask([outline], shape, transform)
    gaps = smooth_noise(rng, shape, noise_cells / 2) + 1.5 * (1 - north) * east
    cut = np.quantile(gaps[inside], s["5g_area_share"] / 100)
    five_g = (gaps <= cut).astype(np.uint8)

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


def population_csv(munis: gpd.GeoDataFrame, pts: gpd.GeoDataFrame) -> pd.DataFrame:
    """Zensus-style 1 km INSPIRE grid: inhabitants around each municipality's point."""
    size = STRUCTURE["population_grid_m"]
    outline = shapely.union_all(munis.geometry.to_numpy())
    to_inspire = pyproj.Transformer.from_crs(UTM, INSPIRE, always_xy=True)
    to_utm = pyproj.Transformer.from_crs(INSPIRE, UTM, always_xy=True)
    bx0, by0, bx1, by1 = to_inspire.transform_bounds(*outline.bounds)
    e = np.arange(np.floor(bx0 / size) * size, bx1, size)
    n = np.arange(np.floor(by0 / size) * size, by1, size)
    ee, nn = (a.ravel() for a in np.meshgrid(e, n))
    ux, uy = to_utm.transform(ee + size / 2, nn + size / 2)
    keep = shapely.contains_xy(outline.buffer(500), ux, uy)
    ee, nn, ux, uy = ee[keep], nn[keep], ux[keep], uy[keep]
    density = np.zeros(ee.size)
    for p, area, pop in zip(pts.geometry, pts["area_km2"], pts["population"], strict=True):
        sigma = np.sqrt(area * 1e6) / 3
        density += pop * np.exp(-((ux - p.x) ** 2 + (uy - p.y) ** 2) / (2 * sigma**2)) / sigma**2
    exact = density / density.sum() * STRUCTURE["population_total"]
    people = np.floor(exact).astype(int)
    short = STRUCTURE["population_total"] - people.sum()  # largest remainders get the rest
    people[np.argsort(exact - people)[::-1][:short]] += 1
    ids = [f"CRS3035RES{size}mN{int(a)}E{int(b)}" for a, b in zip(nn, ee, strict=True)]
    table = pd.DataFrame(
        {
            "GITTER_ID_1km": ids,
            "x_mp_1km": (ee + size / 2).astype(int),
            "y_mp_1km": (nn + size / 2).astype(int),
            "Einwohner": people,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--universities", default=str(ROOT.parent / "shared/data/universities.csv"))
    args = parser.parse_args()
    pts = points()
    munis = schematic_boundaries(pts)
    (ROOT / "data/boundaries").mkdir(parents=True, exist_ok=True)
    (ROOT / "data/coverage").mkdir(parents=True, exist_ok=True)
    target = ROOT / "data/boundaries/ruhr_schematic_municipalities.gpkg"
    target.unlink(missing_ok=True)
    munis.to_file(target, layer="municipalities", driver="GPKG")
    grids = coverage_grids(munis, pts)
    descriptions = {
        "fttbh_percent.tif": "FTTB/H availability, percent of households per 100 m cell",
        "gigabit_percent.tif": "Gigabit availability, percent of households per 100 m cell",
        "5g_binary.tif": "5G coverage, 1 = covered, per 100 m cell",
    }
    for name, array in grids["layers"].items():
        write_tif(ROOT / "data/coverage" / name, array, grids["transform"], descriptions[name])
    population_csv(munis, pts).to_csv(
        ROOT / "data/coverage/population_inspire_1km.csv", sep=";", index=False
    )
    unis = pd.read_csv(args.universities, dtype={"ags": str})[UNIVERSITY_COLUMNS]
    unis.to_csv(ROOT / "data/universities.csv", index=False)
    (ROOT / "data/tables").mkdir(exist_ok=True)
    table, graduates = synthetic_tables(munis.set_index("ags"), unis)
    table.to_csv(ROOT / "data/tables/indicators_synthetic.csv", index=False)
    graduates.to_csv(ROOT / "data/tables/it_graduates_synthetic.csv", index=False)
    print(
        f"wrote {len(munis)} municipalities, {len(grids['layers'])} grids, {len(unis)} universities"
    )


if __name__ == "__main__":
    main()
