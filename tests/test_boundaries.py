"""read_municipalities: VG250 and simple schemas, AGS normalization, validation errors."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from conftest import munis_frame, square
from geopandas.testing import assert_geodataframe_equal
from hypothesis import given, settings
from hypothesis import strategies as st

from ruhrgeo import read_municipalities
from ruhrgeo.errors import (
    CRSMissingError,
    DataFileNotFoundError,
    DuplicateIdError,
    EmptyGeometryError,
    FileFormatError,
    InvalidGeometryError,
    MissingColumnError,
    MissingIdError,
    RuhrgeoError,
    UnusableCRSError,
)

BOWTIE = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])


def vg250_frame() -> gpd.GeoDataFrame:
    """VG250 schema: two land parts of Dortmund, a water duplicate (GF 2), Bochum as int AGS."""
    return gpd.GeoDataFrame(
        {
            "AGS": ["05913000", "05913000", "05913000", 5911000],
            "GEN": ["Dortmund", "Dortmund", "Dortmund", "Bochum"],
            "BEZ": ["Stadt"] * 4,
            "GF": [4, 4, 2, 4],
            "EWZ": [588250, 588250, 588250, 365587],
        },
        geometry=[
            square(0, 0, 10, 10),
            square(10, 0, 20, 10),
            square(0, 0, 20, 10),
            square(0, 10, 10, 20),
        ],
        crs=25832,
    )


def test_vg250_keeps_gf4_dissolves_by_ags_and_renames():
    munis = read_municipalities(vg250_frame())
    assert munis.index.tolist() == ["05913000", "05911000"]
    assert munis.index.name == "ags"
    assert munis.loc["05913000", "geometry"].area == pytest.approx(200.0)
    assert munis.loc["05913000", "population"] == 588250
    assert munis.loc["05911000", "name"] == "Bochum"
    assert munis.crs.to_epsg() == 25832


def test_vg250_from_a_zipped_geopackage_layer(tmp_path):
    gpkg = tmp_path / "DE_VG250.gpkg"
    vg250_frame().to_file(gpkg, layer="vg250_gem", driver="GPKG")
    vg250_frame().dissolve("GF").reset_index().to_file(gpkg, layer="vg250_lan", driver="GPKG")
    archive = tmp_path / "vg250_01-01.utm32s.gpkg.ebenen.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(gpkg, "vg250_01-01.utm32s.gpkg.ebenen/vg250_ebenen_0101/DE_VG250.gpkg")
    munis = read_municipalities(archive, layer="vg250_gem")
    assert sorted(munis.index) == ["05911000", "05913000"]
    # without `layer`, the municipality layer is found by its VG250 name
    assert len(read_municipalities(gpkg)) == 2


def test_simple_file_with_lowercase_columns_and_int_ags(tmp_path):
    frame = munis_frame([square(0, 0, 1, 1), square(1, 0, 2, 1)]).assign(ags=[5913000, 5112000])
    path = tmp_path / "m.geojson"
    frame.to_crs(4326).to_file(path)
    munis = read_municipalities(path)
    assert munis.index.tolist() == ["05913000", "05112000"]
    assert munis.crs.to_epsg() == 4326


def test_custom_id_and_name_columns():
    frame = munis_frame([square(0, 0, 1, 1)]).rename(columns={"ags": "KN", "name": "GN"})
    munis = read_municipalities(frame, id_col="KN", name_col="GN")
    assert munis.index.tolist() == ["05910000"] and munis["name"].tolist() == ["M0"]


def test_input_is_not_modified():
    frame = vg250_frame()
    before = frame.copy()
    read_municipalities(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_make_valid_repairs_and_keeps_polygonal_parts():
    frame = munis_frame([BOWTIE, square(2, 0, 3, 1)])
    munis = read_municipalities(frame, make_valid=True)
    assert munis.geometry.is_valid.all()
    assert munis.geometry.iloc[0].area == pytest.approx(0.5)


def test_real_ruhr_file_reads_53_municipalities(ruhr_real):
    assert len(ruhr_real) == 53
    assert ruhr_real.loc["05913000", "name"] == "Dortmund"
    assert (ruhr_real.index.str.len() == 8).all()


@settings(max_examples=40, deadline=None)
@given(
    ags=st.lists(st.integers(1_000_000, 99_999_999), min_size=1, max_size=6, unique=True),
    names=st.data(),
    extra=st.sampled_from([None, "population", "Kreis"]),
)
def test_a_normalized_frame_reads_as_the_full_normalization_gives_it(ags, names, extra):
    """Frames already normalized take a short way (only their geometries are checked); it
    must give what the full normalization (forced by naming `id_col`) gives."""
    texts = names.draw(st.lists(st.text(max_size=5), min_size=len(ags), max_size=len(ags)))
    columns = {} if extra is None else {extra: list(range(len(ags)))}
    geoms = [square(i, 0, i + 1, 1) for i in range(len(ags))]
    once = read_municipalities(munis_frame(geoms, ags=ags, name=texts, **columns))
    twice = read_municipalities(once)
    assert_geodataframe_equal(twice, read_municipalities(once, id_col="ags"))
    assert_geodataframe_equal(twice, once)
    assert twice is not once


def test_a_normalized_frame_is_still_checked(ruhr_real):
    broken = ruhr_real.copy()
    broken.loc["05913000", "geometry"] = BOWTIE
    with pytest.raises(InvalidGeometryError, match="05913000"):
        read_municipalities(broken)
    repaired = read_municipalities(broken, make_valid=True)
    assert repaired.geometry.is_valid.all()
    assert repaired.loc["05913000", "geometry"].area == pytest.approx(0.5)
    seven = ruhr_real.set_axis(ruhr_real.index.str.lstrip("0").rename("ags"))
    assert_geodataframe_equal(read_municipalities(seven), ruhr_real)
    with pytest.raises(EmptyGeometryError, match="no municipality"):
        read_municipalities(ruhr_real.iloc[:0])


# --- errors -----------------------------------------------------------------------------


def test_no_crs():
    with pytest.raises(CRSMissingError, match=r"has no CRS; set one with `gdf.set_crs\(25832\)`"):
        read_municipalities(munis_frame([square(0, 0, 1, 1)], crs=None))


def test_invalid_geometry_names_the_ags():
    with pytest.raises(
        InvalidGeometryError, match=r"05910000 \(M0\).*Self-intersection.*make_valid=True"
    ):
        read_municipalities(munis_frame([BOWTIE]))


def test_empty_and_missing_geometry():
    with pytest.raises(EmptyGeometryError, match=r"05910001 \(M1\)"):
        read_municipalities(munis_frame([square(0, 0, 1, 1), shapely.Polygon()]))
    with pytest.raises(EmptyGeometryError, match=r"05910000 \(M0\)"):
        read_municipalities(munis_frame([None]))


def test_points_are_not_municipalities():
    with pytest.raises(InvalidGeometryError, match=r"must be polygons.*05910000"):
        read_municipalities(munis_frame([shapely.Point(0, 0)]))


def test_duplicate_ags_names_them():
    frame = munis_frame([square(0, 0, 1, 1), square(1, 0, 2, 1)], ags=["05913000", "5913000"])
    with pytest.raises(DuplicateIdError, match=r"1 duplicated id\(s\): 05913000"):
        read_municipalities(frame)


def test_missing_and_malformed_ags():
    frame = munis_frame([square(0, 0, 1, 1), square(1, 0, 2, 1)], ags=["05913000", None])
    with pytest.raises(MissingIdError, match=r"missing in 1 row\(s\) \(positions \[1\]\)"):
        read_municipalities(frame)
    frame = munis_frame([square(0, 0, 1, 1)], ags=["5913"])
    with pytest.raises(MissingIdError, match=r"not an AGS of 7 or 8 digits, e.g. \['5913'\]"):
        read_municipalities(frame)


def test_missing_id_column():
    frame = munis_frame([square(0, 0, 1, 1)]).rename(columns={"ags": "key"})
    with pytest.raises(MissingColumnError, match=r"no column 'ags'.*`id_col=`"):
        read_municipalities(frame)
    with pytest.raises(MissingColumnError, match=r"no column 'kreis'.*`id_col=`"):
        read_municipalities(frame, id_col="kreis")


def test_file_errors(tmp_path):
    with pytest.raises(DataFileNotFoundError, match="no file at"):
        read_municipalities(tmp_path / "absent.gpkg")
    bad = tmp_path / "broken.gpkg"
    bad.write_text("not a geopackage")
    with pytest.raises(FileFormatError, match="cannot be read as vector data"):
        read_municipalities(bad)
    notzip = tmp_path / "x.zip"
    notzip.write_text("nope")
    with pytest.raises(FileFormatError, match="not a valid zip file"):
        read_municipalities(notzip)


def test_several_layers_need_a_layer_name(tmp_path):
    path = tmp_path / "two.gpkg"
    munis_frame([square(0, 0, 1, 1)]).to_file(path, layer="a")
    munis_frame([square(0, 0, 1, 1)]).to_file(path, layer="b")
    with pytest.raises(FileFormatError, match=r"has 2 layers \['a', 'b'\]; name one with `layer=`"):
        read_municipalities(path)


def test_unusable_crs_argument():
    from ruhrgeo._validate import as_crs

    with pytest.raises(UnusableCRSError, match="not a CRS pyproj understands"):
        as_crs("EPSG:99999999", "crs")


def test_errors_subclass_builtins():
    assert issubclass(InvalidGeometryError, ValueError)
    assert issubclass(DataFileNotFoundError, FileNotFoundError)
    assert all(issubclass(e, RuhrgeoError) for e in (MissingColumnError, DuplicateIdError))
    assert str(MissingColumnError("plain")) == "plain"


def test_vg250_without_land_features_and_ambiguous_zip(tmp_path):
    water_only = vg250_frame().assign(GF=2)
    with pytest.raises(
        EmptyGeometryError, match=r"holds no municipality \(after keeping GF == 4\)"
    ):
        read_municipalities(water_only)
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.geojson", "{}")
        zf.writestr("b.geojson", "{}")
    with pytest.raises(FileFormatError, match=r"holds 2 candidate vector files.*`layer=`"):
        read_municipalities(archive)
