"""read_breitbandatlas: every raw release as published, the header vocabulary, city districts,
values above 100, and generated headers and numbers."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruhrgeo import datasets, read_breitbandatlas
from ruhrgeo.errors import CityDistrictsWarning, MissingValuesWarning, ParameterError
from ruhrgeo.io.breitbandatlas import TECHNOLOGIES, breitbandatlas_column, breitbandatlas_release

RELEASES = {
    "gemeinde_privat_2018_ende.csv": ("2018-12", 45, 0),
    "gemeinde_privat_2019_mitte.csv": ("2019-06", 45, 0),
    "gemeinde_bezirke_privat_2019_ende.csv": ("2019-12", 42, 58),
    "gemeinde_bezirke_privat_2020_mitte.csv": ("2020-06", 45, 58),
    "gemeinde_bezirke_privat_2021_mitte.csv": ("2021-06", 53, 58),
}
CITIES = {"02000", "04011", "05315", "09162", "11000"}  # Hamburg, Bremen, Köln, München, Berlin


def test_the_mapping_table_is_the_code(shared_data):
    mapping = pd.read_csv(shared_data / "coverage" / "breitbandatlas_column_mapping.csv")
    for original, short in mapping[["original_column", "column"]].itertuples(index=False):
        expected = None if short == "ags" else short
        assert breitbandatlas_column(original) == expected, original


@pytest.mark.parametrize("name", list(RELEASES))
def test_every_release_reads_unchanged(shared_data, name):
    path = shared_data / "coverage" / "releases" / name
    release, columns, districts = RELEASES[name]
    kept = read_breitbandatlas(path, city_districts="keep")
    # an independent read: pandas with the separator and headers of the file
    sep = ";" if name.endswith(("2018_ende.csv", "2019_mitte.csv", "2020_mitte.csv")) else ","
    raw = pd.read_csv(path, sep=sep, dtype={"AGS": str}).set_index("AGS")
    assert kept.index.tolist() == raw.index.tolist() and kept.shape == (len(raw), columns)
    np.testing.assert_array_equal(kept.to_numpy(), raw.to_numpy(dtype=float))
    assert [breitbandatlas_column(c) for c in raw.columns] == list(kept.columns)
    assert kept.attrs["release"] == release and len(kept.attrs["city_districts"]) == districts
    assert set(pd.Index(kept.attrs["city_districts"]).str[:5]) == (CITIES if districts else set())
    assert len(raw) - districts == 11_330
    assert kept.attrs["source"].startswith("Breitbandatlas | Gigabit-Grundbuch")
    # the source's rounding: a few values a little above 100, kept as published
    assert 100 <= float(kept.max().max()) <= 100.39
    # the shipped Ruhr extract of this release reads like the original
    extract = read_breitbandatlas(datasets.breitbandatlas_releases()[release])
    assert sorted(extract.index) == sorted(datasets.ruhr_municipalities().index)
    pd.testing.assert_frame_equal(extract, kept.loc[extract.index])
    assert extract.attrs["release"] == release


def test_city_districts_are_reported_not_mixed_in(tmp_path):
    path = tmp_path / "gemeinde_bezirke_privat_2021_mitte.csv"
    path.write_text(
        '"AGS","FTTH/B ≥ 1000 Mbit/s"\n"11000000",30\n"11000001",10\n"11000002",50\n'
        '"05170004",5\n"05170000",1\n',
        encoding="utf-8",
    )
    # Berlin's districts go; 05170004 is a municipality of Kreis Wesel beside a row 05170000
    with pytest.warns(
        CityDistrictsWarning, match=r"3 rows are city districts .*05170000: 1, 11000000: 2"
    ):
        table = read_breitbandatlas(path)
    assert table.index.tolist() == ["11000000", "05170000"]
    assert table.attrs["city_districts"] == ["05170004", "11000001", "11000002"]
    assert read_breitbandatlas(path, city_districts="keep")["ftthb_ge1000"].tolist() == [
        30.0,
        10.0,
        50.0,
        5.0,
        1.0,
    ]
    with pytest.raises(ParameterError, match="`city_districts` must be"):
        read_breitbandatlas(path, city_districts="yes")


def test_missing_cells_and_decimal_commas(tmp_path):
    path = tmp_path / "gemeinde_privat_2019_mitte.csv"
    path.write_text(
        "AGS;DSL ≥ 16 Mbit/s;CATV ≥ 400 Mbit/s\n05913000;99,5;-\n05911000;100,39;80\n",
        encoding="utf-8",
    )
    with pytest.warns(MissingValuesWarning, match=r"catv_ge400: 1 \(05913000\)"):
        table = read_breitbandatlas(path)
    assert table["dsl_ge16"].tolist() == [99.5, 100.39] and np.isnan(table.iloc[0, 1])


@pytest.mark.parametrize(
    ("name", "release"),
    [
        ("gemeinde_privat_2018_ende.csv", "2018-12"),
        ("GEMEINDE_2020_MITTE.CSV", None),  # the published names are lower case
        ("breitband_2022-11.csv", "2022-11"),
        ("breitband_2022-13.csv", None),
        ("v12021_mitte.csv", None),
        ("haushalte.csv", None),
    ],
)
def test_release_from_the_file_name(name, release):
    assert breitbandatlas_release(name) == release


# --- generated headers and numbers ------------------------------------------------------------


def _cased(draw, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if f else c for c, f in zip(text, flips, strict=True))


@st.composite
def headers(draw):
    label = draw(st.sampled_from(sorted(TECHNOLOGIES)))
    mbits = draw(st.integers(1, 10_000))
    space = st.sampled_from([" ", "  ", "\u00a0", ""])
    sign = draw(st.sampled_from(["≥", ">="]))
    unit = _cased(draw, "mbit/s")
    text = f"{_cased(draw, label)}{draw(space)}{sign}{draw(space)}{mbits}{draw(space)}{unit}"
    return text, f"{TECHNOLOGIES[label]}_ge{mbits}"


@given(header=headers())
def test_generated_headers_map_to_short_names(header):
    text, expected = header
    assert breitbandatlas_column(text) == expected


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(st.integers(0, 10_039), min_size=1, max_size=6),
    decimals=st.sampled_from([0, 1, 2]),
    comma=st.booleans(),
    quoted=st.booleans(),
    sep=st.sampled_from([";", ","]),
)
def test_generated_percentages_read_back(tmp_path, values, decimals, comma, quoted, sep):
    sep = ";" if comma else sep
    cells = [f"{v / 100:.{decimals}f}" for v in values]
    if comma:
        cells = [c.replace(".", ",") for c in cells]
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=sep,
        lineterminator="\n",
        quoting=csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL,
    )
    writer.writerow(["AGS", "alle Technologien ≥ 1000 Mbit/s"])
    keys = [f"0591{i + 1:04d}" for i in range(len(values))]  # no "...000": no city districts
    writer.writerows(zip(keys, cells, strict=True))
    path = tmp_path / "generated.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    table = read_breitbandatlas(path)
    expected = [float(c.replace(",", ".")) for c in cells]
    np.testing.assert_allclose(table["all_ge1000"], expected, atol=1e-9)
    assert table.index.tolist() == keys
