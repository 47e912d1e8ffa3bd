"""Every warning class of ruhrgeo, raised through a public entry point, points at the caller's
line (this file), not at ruhrgeo's own code."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from affine import Affine
from conftest import munis_frame, square

import ruhrgeo
from ruhrgeo import errors, index, spatial, spillover
from ruhrgeo.grid import Grid


def _city_districts(tmp_path):
    path = tmp_path / "gemeinde_bezirke_privat_2021_mitte.csv"
    path.write_text(
        '"AGS","FTTH/B ≥ 1000 Mbit/s"\n"11000000",30\n"11000001",10\n', encoding="utf-8"
    )
    ruhrgeo.read_breitbandatlas(path)


def _region_match(tmp_path):
    df = pd.DataFrame({"v": [1.0, 2.0]}, index=["05913000", "05911000"])
    index.region_means(df, {"05913000": "A", "05911000": "A", "05999000": "A"}, weighted_by=None)


def _unit(tmp_path):
    grid = Grid(np.array([[1.0, 0.0]]), Affine(100, 0, 0, 0, -100, 100), 25832)
    ruhrgeo.coverage_share(munis_frame([square(0, 0, 200, 100)]), {"c": grid})


def _no_data(tmp_path):
    grid = Grid(np.array([[1.0, np.nan]]), Affine(100, 0, 0, 0, -100, 100), 25832, unit="binary")
    munis = munis_frame([square(0, 0, 100, 100), square(100, 0, 200, 100)])
    ruhrgeo.coverage_share(munis, {"c": grid})


def _island(tmp_path):
    cells = [shapely.box(i, 0, i + 1, 1) for i in range(8)] + [shapely.box(20, 0, 21, 1)]
    gdf = gpd.GeoDataFrame(
        {"v": np.arange(9.0)},
        geometry=cells,
        crs=25832,
        index=pd.Index(list("abcdefghi"), name="id"),
    )
    spatial.build_graph(gdf, "rook")


def _missing_values(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("ags;v\n05913000;1\n05911000;-\n", encoding="utf-8")
    ruhrgeo.read_indicators(path)


def _totals(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("ags;name;v\n05913000;Dortmund;1\n00000000;Deutschland;9\n", encoding="utf-8")
    ruhrgeo.read_indicators(path)


def _index(tmp_path):
    spec = index.IndicatorSpec("s", (index.Indicator("a", "x"), index.Indicator("b", "x")))
    df = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [2.0, 1.0, 0.0]}, index=list("pqr"))
    index.composite(df, spec, missing="skip")


def _spillover(tmp_path):
    munis = munis_frame([square(0, 0, 1000, 1000)])
    far = gpd.GeoDataFrame({"n": [5.0]}, geometry=[shapely.Point(1e6, 1e6)], crs=25832)
    spillover.allocate(munis, far, "n", radius_km=1)


TRIGGERS = {
    errors.CityDistrictsWarning: _city_districts,
    errors.RegionMatchWarning: _region_match,
    errors.UnitWarning: _unit,
    errors.NoDataWarning: _no_data,
    errors.IslandWarning: _island,
    errors.MissingValuesWarning: _missing_values,
    errors.TotalsRowWarning: _totals,
    errors.IndexWarning: _index,
    errors.SpilloverWarning: _spillover,
}


def test_every_warning_class_has_a_trigger():
    classes = {
        c
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, errors.RuhrgeoWarning)
    }
    assert classes - {errors.RuhrgeoWarning} == set(TRIGGERS)


@pytest.mark.parametrize("category", list(TRIGGERS), ids=lambda c: c.__name__)
def test_a_warning_points_at_the_callers_line(category, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        TRIGGERS[category](tmp_path)
    ours = [w for w in caught if issubclass(w.category, category)]
    assert ours, f"{category.__name__} was not raised"
    for w in ours:
        assert w.filename == __file__, f"{category.__name__} points at {w.filename}:{w.lineno}"
