"""Shipped data: real open data of the Ruhr and of Germany, the synthetic demo data, and
optional, cached downloads of official data.

Every real dataset carries its attribution in ``attrs["source"]``; show it wherever the data
are shown (maps use it as their credit line).
"""

from __future__ import annotations

from ruhrgeo.datasets.demo import (
    demo_coverage,
    demo_indicators,
    demo_it_graduates,
    demo_population,
    universities,
)
from ruhrgeo.datasets.files import (
    BOUNDARIES_SOURCE,
    BREITBANDATLAS_SOURCE,
    GERMANY_SOURCE,
    REGIONS_SOURCE,
    data_dir,
)
from ruhrgeo.datasets.real import (
    breitbandatlas_2021,
    breitbandatlas_kreise_2021,
    breitbandatlas_releases,
    germany_municipalities,
    metropolitan_regions,
    ruhr_kreise,
    ruhr_kreise_path,
    ruhr_municipalities,
    ruhr_municipalities_path,
)
from ruhrgeo.io.download import VG250_URL, fetch_vg250

__all__ = [
    "BOUNDARIES_SOURCE",
    "BREITBANDATLAS_SOURCE",
    "GERMANY_SOURCE",
    "REGIONS_SOURCE",
    "VG250_URL",
    "breitbandatlas_2021",
    "breitbandatlas_kreise_2021",
    "breitbandatlas_releases",
    "data_dir",
    "demo_coverage",
    "demo_indicators",
    "demo_it_graduates",
    "demo_population",
    "fetch_vg250",
    "germany_municipalities",
    "metropolitan_regions",
    "ruhr_kreise",
    "ruhr_kreise_path",
    "ruhr_municipalities",
    "ruhr_municipalities_path",
    "universities",
]
