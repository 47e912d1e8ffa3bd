"""Areas keyed by anything but the AGS, through the whole pipeline: the Ruhr's 15 Kreise by
their 5-digit key, the 53 municipalities by a LAU-style text key and by whole numbers. Each
result equals the AGS-keyed one (or the municipal overlay aggregated with ``by=``), with the
key's values and name kept."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruhrgeo import Overlay, coverage_share, datasets, index, maps, read_areas, spatial, spillover
from ruhrgeo.cli import main
from ruhrgeo.errors import DuplicateIdError, MissingColumnError, MissingIdError, RuhrgeoError

MUNIS = datasets.ruhr_municipalities()
KREISE = datasets.ruhr_kreise()
LAYERS = datasets.demo_coverage()


@pytest.fixture(scope="module")
def municipal() -> pd.DataFrame:
    return coverage_share(MUNIS, LAYERS, progress=False)


def lau(frame):
    """The municipalities keyed LAU-style (``DE_05913000``)."""
    return frame.rename(index=lambda ags: f"DE_{ags}").rename_axis("lau_id")


def numbered(frame):
    """The municipalities keyed by whole numbers (the AGS as a number)."""
    return frame.set_axis(pd.Index(frame.index.astype("int64"), name="id"))


def test_the_shipped_kreise_are_the_union_of_their_municipalities():
    dissolved = MUNIS.dissolve("kreis_ags").geometry
    assert KREISE.index.tolist() == sorted(dissolved.index)
    assert KREISE.index.name == "kreis_ags"
    for key, outline in KREISE.geometry.items():
        assert shapely.symmetric_difference(outline, dissolved[key]).area < 1e-6 * outline.area
    assert KREISE["population"].sum() == MUNIS["population"].sum() == 5_112_050


def test_kreis_overlay_equals_the_municipal_one_aggregated_by_kreis(municipal):
    kreise = coverage_share(KREISE, LAYERS, progress=False)
    by_kreis = coverage_share(MUNIS, LAYERS, by="kreis_ags", progress=False)
    assert kreise.index.name == "kreis_ags" and kreise.index.tolist() == KREISE.index.tolist()
    pd.testing.assert_frame_equal(kreise, by_kreis.loc[kreise.index], atol=1e-8, rtol=0)
    # and the area-weighted mean of the municipal shares (exact by construction)
    weights = MUNIS.geometry.area
    fttbh = (municipal["fttbh"] * weights).groupby(MUNIS["kreis_ags"]).sum()
    expected = fttbh / weights.groupby(MUNIS["kreis_ags"]).sum()
    np.testing.assert_allclose(kreise["fttbh"], expected.loc[kreise.index], atol=1e-6)


def test_kreis_overlay_weighted_by_population_and_a_saved_overlay():
    population = datasets.demo_population()
    kreise = coverage_share(KREISE, LAYERS, weighted_by=population, progress=False)
    by_kreis = coverage_share(MUNIS, LAYERS, weighted_by=population, by="kreis_ags", progress=False)
    pd.testing.assert_frame_equal(kreise, by_kreis.loc[kreise.index], atol=1e-8, rtol=0)
    overlay = Overlay(KREISE, LAYERS["5g"], progress=False)
    kept = overlay.share({"5g": LAYERS["5g"]})
    assert kept.index.name == "kreis_ags"
    area = coverage_share(KREISE, {"5g": LAYERS["5g"]}, progress=False)
    np.testing.assert_allclose(kept["5g"], area["5g"], atol=1e-9)
    weighted = overlay.share({"5g": LAYERS["5g"]}, weighted_by=population)
    np.testing.assert_allclose(weighted["5g"], kreise["5g"], atol=1e-9)


@pytest.mark.parametrize("rekey", [lau, numbered], ids=["lau", "integer"])
def test_other_keys_give_the_municipal_shares_under_their_own_key(rekey, municipal):
    shares = coverage_share(rekey(MUNIS), LAYERS, progress=False)
    expected = rekey(municipal)
    assert shares.index.name == expected.index.name
    pd.testing.assert_frame_equal(shares, expected, atol=1e-12, rtol=0)


@pytest.mark.parametrize("rekey", [lau, numbered], ids=["lau", "integer"])
def test_other_keys_through_statistics_and_spillover(rekey, municipal):
    gdf, same = rekey(MUNIS.join(municipal)), MUNIS.join(municipal)
    options = {"permutations": 99, "seed": 7}
    moran, reference = (
        spatial.moran(gdf, "fttbh", **options),
        spatial.moran(same, "fttbh", **options),
    )
    assert moran.I == pytest.approx(reference.I, abs=1e-12) and moran.p_sim == reference.p_sim
    local = spatial.local_moran(gdf, "fttbh", **options)
    assert local.index.equals(gdf.index)
    expected = spatial.local_moran(same, "fttbh", **options)
    np.testing.assert_allclose(local["Is"], expected["Is"])
    assert local["cluster"].tolist() == expected["cluster"].tolist()
    spots = spatial.getis_ord(gdf, "fttbh", **options)
    assert spots.index.equals(gdf.index)
    fit = spatial.spatial_lag(gdf, "fttbh", ["gigabit"])
    pd.testing.assert_frame_equal(fit.table, spatial.spatial_lag(same, "fttbh", ["gigabit"]).table)
    unis = datasets.universities()
    access = spillover.access(gdf, unis, radius_km=20)
    assert access.index.equals(gdf.index)
    np.testing.assert_allclose(access, spillover.access(same, unis, radius_km=20))


@pytest.mark.parametrize("rekey", [lau, numbered], ids=["lau", "integer"])
def test_other_keys_through_the_index_and_regions(rekey, municipal):
    spec = index.IndicatorSpec(
        "infrastructure",
        (
            index.Indicator("fttbh", "wired"),
            index.Indicator("gigabit", "wired"),
            index.Indicator("5g", "mobile"),
        ),
    )
    table = municipal[["fttbh", "gigabit", "5g"]]
    scores = index.composite(rekey(table), spec)
    assert scores.index.name == rekey(table).index.name
    pd.testing.assert_frame_equal(scores, rekey(index.composite(table, spec)))
    with_population = rekey(table.join(MUNIS["population"]))
    regions = {key: kreis for key, kreis in zip(with_population.index, MUNIS["kreis"], strict=True)}
    means = index.region_means(with_population, regions)
    expected = index.region_means(table.join(MUNIS["population"]), MUNIS["kreis"].to_dict())
    pd.testing.assert_frame_equal(means, expected)
    with pytest.raises(MissingIdError, match="keyed by"):
        index.region_means(with_population, datasets.metropolitan_regions())


@pytest.mark.parametrize("rekey", [lau, numbered], ids=["lau", "integer"])
def test_other_keys_on_the_maps(rekey, municipal):
    gdf = rekey(MUNIS.join(municipal))
    html = maps.choropleth(gdf, "fttbh").get_root().render()
    first = str(gdf.index[0])
    assert first in html and "05913000" not in html.replace("DE_05913000", "")
    figure = maps.plot(gdf, "fttbh", place_names=3)
    assert figure.axes
    clusters = spatial.local_moran(gdf, "fttbh", permutations=99, seed=1)["cluster"]
    assert maps.cluster_map(gdf, clusters).get_root().render()


def test_read_areas_keeps_kreis_keys_as_written(tmp_path):
    path = tmp_path / "kreise.gpkg"
    KREISE.reset_index().to_file(path)
    read = read_areas(path, id_col="kreis_ags", name_col="name")
    assert read.index.tolist() == KREISE.index.tolist() and read.index.name == "kreis_ags"
    with pytest.raises(MissingColumnError, match="nope"):
        read_areas(path, id_col="nope")
    twice = pd.concat([KREISE, KREISE.iloc[:1]])
    with pytest.raises(DuplicateIdError, match="05112"):
        read_areas(twice.reset_index(), id_col="kreis_ags")


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    keys=st.one_of(
        st.lists(st.text(min_size=1, max_size=8), min_size=53, max_size=53),
        st.lists(st.integers(-(2**40), 2**40), min_size=53, max_size=53),
    )
)
def test_any_unique_key_is_kept_and_a_repeated_or_blank_one_refused(keys):
    frame = MUNIS.set_axis(pd.Index(keys, name="key"))
    fine = len(set(keys)) == 53 and all(not isinstance(k, str) or k.strip() for k in keys)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not fine:
            with pytest.raises(RuhrgeoError):
                coverage_share(frame, {"5g": LAYERS["5g"]}, progress=False)
            return
        shares = coverage_share(frame, {"5g": LAYERS["5g"]}, progress=False)
    assert shares.index.tolist() == list(keys) and shares.index.name == "key"


def test_cli_overlay_stats_map_and_spillover_on_kreise(tmp_path):
    kreise = datasets.ruhr_kreise_path()
    out = tmp_path / "kreise.csv"
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["overlay", str(kreise), "--id-col", "kreis_ags", "--layer", f"5g={LAYERS['5g']}",
         "--layer", f"fttbh={LAYERS['fttbh']}", "--out", str(out), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, dtype={"kreis_ags": str}).set_index("kreis_ags")
    expected = coverage_share(KREISE, {k: LAYERS[k] for k in ("5g", "fttbh")}, progress=False)
    np.testing.assert_allclose(written[["5g", "fttbh"]], expected[["5g", "fttbh"]], atol=1e-9)
    assert written["name"].tolist() == KREISE["name"].tolist()

    local = tmp_path / "local.csv"
    args = ["--id-col", "kreis_ags", "--table", str(out), "--column", "fttbh"]
    result = runner.invoke(
        main,
        ["stats", str(kreise), *args, "--graph", "knn", "--k", "3", "--permutations", "99",
         "--out", str(local)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lisa = pd.read_csv(local, dtype={"kreis_ags": str}).set_index("kreis_ags")
    joined = KREISE.join(expected)
    direct = spatial.local_moran(
        joined, "fttbh", graph=spatial.GraphSpec("knn", k=3), permutations=99, seed=0
    )
    np.testing.assert_allclose(lisa["lisa_Is"], direct["Is"], atol=1e-5)  # CSV: 6 decimals

    page = tmp_path / "kreise.html"
    result = runner.invoke(main, ["map", str(kreise), *args, "--out", str(page)])
    assert result.exit_code == 0, result.output
    assert "Kreis Unna" in page.read_text(encoding="utf-8")

    spread, sources = tmp_path / "spread.csv", tmp_path / "graduates.gpkg"
    graduates = datasets.demo_it_graduates()
    graduates.drop(columns="ags").to_file(sources)
    result = runner.invoke(
        main,
        ["spillover", "allocate", str(kreise), "--id-col", "kreis_ags", "--sources",
         str(sources), "--value", "it_graduates", "--radius-km", "15", "--out", str(spread)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    spread_table = pd.read_csv(spread, dtype={"kreis_ags": str}).set_index("kreis_ags")
    direct = spillover.allocate(KREISE, graduates, "it_graduates", radius_km=15)
    np.testing.assert_allclose(spread_table["it_graduates_allocated"], direct, rtol=1e-6)
    assert spread_table.index.tolist() == KREISE.index.tolist()

    mismatched = tmp_path / "other.csv"
    mismatched.write_text("kreis_ags;fttbh\n09162;1\n09163;2\n", encoding="utf-8")
    result = runner.invoke(
        main,
        ["stats", str(kreise), "--id-col", "kreis_ags", "--table", str(mismatched),
         "--column", "fttbh", "--out", str(local)],
    )  # fmt: skip
    assert result.exit_code == 2 and "no key of --table" in result.stderr


def test_cli_index_on_a_table_keyed_by_kreis(tmp_path):
    shares = coverage_share(KREISE, LAYERS, progress=False)[["fttbh", "gigabit"]]
    ruhr = shares.join(datasets.breitbandatlas_kreise_2021()["5g_ge2"])
    path, spec, out = tmp_path / "kreise.csv", tmp_path / "spec.toml", tmp_path / "index.csv"
    ruhr.to_csv(path, sep=";")
    spec.write_text(
        "[areas]\nwired = 1\nmobile = 1\n"
        "[[indicators]]\nname = 'fttbh'\narea = 'wired'\n"
        "[[indicators]]\nname = 'gigabit'\narea = 'wired'\n"
        "[[indicators]]\nname = '5g_ge2'\narea = 'mobile'\n",
        encoding="utf-8",
    )
    args = ["index", str(path), "--spec", str(spec), "--id-col", "kreis_ags", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, dtype={"kreis_ags": str}).set_index("kreis_ags")
    expected = index.composite(ruhr, index.load_spec(spec))
    assert written.index.tolist() == expected.index.tolist() == KREISE.index.tolist()
    np.testing.assert_allclose(written["index"], expected["index"], atol=1e-6)
