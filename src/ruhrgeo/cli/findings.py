"""The demo's real findings: the study's statements checked on the shipped real data
(Breitbandatlas mid 2021 and five releases, the real Ruhr boundaries, the twelve regions),
each in plain words with its numbers, source and date."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from ruhrgeo import datasets, spatial
from ruhrgeo.errors import CityDistrictsWarning, RegionMatchWarning
from ruhrgeo.index import Indicator, IndicatorSpec, compare_regions
from ruhrgeo.io import read_breitbandatlas

__all__ = ["REAL_COLUMNS", "Finding", "divide", "five_g", "real_values", "regions", "releases"]

# FTTB/H (>= 1000 Mbit/s on fibre to the building or home) and gigabit of any technology
REAL_COLUMNS = {"ftthb_ge1000": "FTTB/H", "all_ge1000": "gigabit"}
SOURCE_2021 = "Breitbandatlas mid 2021, % of households"


@dataclass(frozen=True)
class Finding:
    """One statement of the study, what the data say, and the numbers behind it."""

    claim: str
    verdict: str
    detail: str
    numbers: dict[str, Any]

    def line(self) -> str:
        return f"{self.claim}: {self.verdict}. {self.detail}"


def real_values(munis: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The 53 municipalities with their real 2021 FTTB/H and gigabit household shares."""
    table = datasets.breitbandatlas_2021()[list(REAL_COLUMNS)]
    return munis.join(table, how="left")


def divide(real: gpd.GeoDataFrame, column: str, *, seed: int = 0) -> Finding:
    """Is ``column`` higher on the northern edge? Every divide method, one verdict."""
    table = spatial.compare_divide(real, column, permutations=999, seed=seed)
    test = spatial.north_south(real, column, permutations=0, seed=seed)
    step, gradient = table.loc["step"], table.loc["gradient"]
    holds = step["p"] < 0.05 and step["north_higher"]
    label = REAL_COLUMNS[column]
    agree = sorted(m for m in table.index if (table.loc[m, "p"] < 0.05) == holds)
    return Finding(
        claim=f"the northern edge is better served with {label} than the south",
        verdict="holds in 2021" if holds else "does not hold in 2021",
        detail=(
            f"north {test.north_mean:.1f} % vs south {test.south_mean:.1f} % of households "
            f"(step {step['estimate']:+.1f} points, p = {step['p']:.2g}; "
            f"{gradient['estimate']:+.2f} points per 10 km northward, p = {gradient['p']:.2g}; "
            f"methods agreeing: {', '.join(agree)}; {SOURCE_2021})"
        ),
        numbers={
            "north_mean": test.north_mean,
            "south_mean": test.south_mean,
            "step": float(step["estimate"]),
            "step_p": float(step["p"]),
            "gradient_per_10km": float(gradient["estimate"]),
            "gradient_p": float(gradient["p"]),
            "methods": table.reset_index().to_dict(orient="records"),
        },
    )


def five_g(munis: gpd.GeoDataFrame) -> Finding:
    """The 5G statement (98.3 % of the area): only Kreis household shares are shipped."""
    kreise = datasets.breitbandatlas_kreise_2021()["5g_ge2"]
    per_muni = munis["kreis_ags"].map(kreise)
    population = munis["population"]
    share = float((per_muni * population).sum() / population.sum())
    return Finding(
        claim="5G covers 98.3 % of the Ruhr's area (2025)",
        verdict="not testable with the shipped data",
        detail=(
            f"municipal 5G area data are not open; by Kreis, 5G (>= 2 Mbit/s) reached "
            f"{share:.1f} % of the Ruhr's households in mid 2021 (Breitbandatlas, Kreis values "
            "weighted by population); the overlay step below shows how an area share is computed "
            "from a 5G grid"
        ),
        numbers={"households_5g_2021": share},
    )


def regions() -> tuple[Finding, pd.DataFrame]:
    """The twelve metropolitan regions on the real 2021 FTTB/H and gigabit shares."""
    spec = IndicatorSpec(
        "infrastructure 2021",
        tuple(Indicator(column, "infrastructure") for column in REAL_COLUMNS),
    )
    population = datasets.germany_municipalities()["population"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RegionMatchWarning)  # reported in the README.txt
        table = compare_regions(
            datasets.breitbandatlas_2021(),
            datasets.metropolitan_regions(),
            spec,
            weighted_by=population,
        )
    ruhr = "Metropole Ruhr"
    places = {
        label: int(table[column].rank(ascending=False, method="min")[ruhr])
        for column, label in REAL_COLUMNS.items()
    }
    combined = int(table.loc[ruhr, "rank"])
    finding = Finding(
        claim="the Ruhr ranks 10th of the twelve metropolitan regions (whole index, 2025)",
        verdict="a different question in these data",
        detail=(
            f"on the 2021 infrastructure alone the Ruhr is {_ordinal(places['FTTB/H'])} of 12 on "
            f"FTTB/H ({table.loc[ruhr, 'ftthb_ge1000']:.1f} %), "
            f"{_ordinal(places['gigabit'])} on gigabit ({table.loc[ruhr, 'all_ge1000']:.1f} %, "
            f"mostly cable) and {_ordinal(combined)} on both (population-weighted; Duisburg and "
            "Kreis Wesel count in the Ruhr and in Rheinland)"
        ),
        numbers={"places": places, "combined": combined},
    )
    return finding, table


def releases(munis: gpd.GeoDataFrame) -> tuple[Finding, pd.DataFrame]:
    """FTTB/H and gigabit of the Ruhr and the north/south gap in FTTB/H, release by release."""
    population = munis["population"]
    rows = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CityDistrictsWarning)  # no city districts in the Ruhr
        tables = {r: read_breitbandatlas(p) for r, p in datasets.breitbandatlas_releases().items()}
    for release, table in tables.items():
        values = munis.join(table[list(REAL_COLUMNS)], how="left")
        test = spatial.north_south(values, "ftthb_ge1000", permutations=0)
        rows[release] = {
            **{
                label: float((values[column] * population).sum() / population.sum())
                for column, label in REAL_COLUMNS.items()
            },
            "fttbh_north_minus_south": test.difference,
            "fttbh_step_p": test.difference_p_value,
        }
    series = pd.DataFrame(rows).T.rename_axis("release")
    first, last = series.iloc[0], series.iloc[-1]
    widened = last["fttbh_north_minus_south"] > first["fttbh_north_minus_south"]
    finding = Finding(
        claim="the measurement is to be repeated regularly",
        verdict="done here for five releases",
        detail=(
            f"FTTB/H in the Ruhr {first['FTTB/H']:.1f} % (end 2018) -> {last['FTTB/H']:.1f} % "
            f"(mid 2021), gigabit {first['gigabit']:.1f} % -> {last['gigabit']:.1f} %; the "
            f"north/south gap in FTTB/H {'widened' if widened else 'narrowed'} from "
            f"{first['fttbh_north_minus_south']:+.1f} (p = {first['fttbh_step_p']:.2g}) to "
            f"{last['fttbh_north_minus_south']:+.1f} points (p = {last['fttbh_step_p']:.2g}) "
            "(Breitbandatlas releases; methods changed between them: indicative, not a strict "
            "time series)"
        ),
        numbers=series.to_dict(orient="index"),
    )
    return finding, series


def _ordinal(n: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n if n < 20 else n % 10, "th")
    return f"{n}{suffix}"
