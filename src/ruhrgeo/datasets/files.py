"""Where the shipped data lie, and the credit lines every loader attaches."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ruhrgeo.errors import DataFileNotFoundError
from ruhrgeo.io.breitbandatlas import ATTRIBUTION

__all__ = [
    "BOUNDARIES_SOURCE",
    "BREITBANDATLAS_SOURCE",
    "DEMO_LAYERS",
    "GERMANY_SOURCE",
    "REGIONS_SOURCE",
    "data_dir",
]

_DESTATIS = "Einwohner 31.12.2019: © Statistisches Bundesamt (Destatis), 2021, dl-de/by-2-0"
BOUNDARIES_SOURCE = (
    f"Verwaltungsgrenzen: © Land NRW (2022), dl-de/zero-2-0; {_DESTATIS}; Daten verändert"
)
BREITBANDATLAS_SOURCE = f"{ATTRIBUTION}, Daten verändert"
GERMANY_SOURCE = (
    f"Gemeinden: © GeoBasis-DE / BKG (2021), dl-de/by-2-0; {_DESTATIS}; Daten verändert"
)
REGIONS_SOURCE = (
    "Metropolitan regions: compiled for ruhrgeo from the regions' public pages "
    "(the study's delineation is not published)"
)

DEMO_LAYERS = {
    "fttbh": "fttbh_percent.tif",
    "gigabit": "gigabit_percent.tif",
    "5g": "5g_binary.tif",
}


def data_dir() -> Path:
    """The folder of the shipped data (inside the wheel, or ``data/`` of a checkout).

    Returns
    -------
    pathlib.Path
        The folder holding ``dvg2_nrw/``, ``breitbandatlas/``, ``coverage/`` and the rest.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        The shipped data are missing (a broken install): reinstall ruhrgeo.

    Examples
    --------
    >>> (data_dir() / "dvg2_nrw" / "ruhr_municipalities.gpkg").is_file()
    True
    """
    for candidate in (
        Path(str(resources.files("ruhrgeo"))) / "data",
        Path(__file__).resolve().parents[3] / "data",
    ):
        if (candidate / "dvg2_nrw").is_dir():
            return candidate
    raise DataFileNotFoundError(
        "the ruhrgeo shipped data are missing; reinstall ruhrgeo (`pip install .`)"
    )
