"""read_indicators: German and English tables, workbooks, the decimal separator read off the
cells (or refused when they cannot tell), and round trips of generated tables."""

from __future__ import annotations

import csv
import io
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruhrgeo import read_indicators
from ruhrgeo.errors import MissingValuesWarning, NumberFormatError, ParameterError

AMBIGUOUS = re.compile(r"^-?[1-9]\d{0,2}[.,]\d{3}$")  # 1.234 or 1,234: 1234 or 1.234
INTEGER = re.compile(r"^-?\d+$")


def write(tmp_path, text: str, name: str = "t.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_german_table_with_thousands_decimal_commas_markers_and_kreis_keys(tmp_path):
    path = write(
        tmp_path,
        "AGS;Name;Beschäftigte;Quote\n"
        "5913000;Dortmund;245.123;3,5\n"
        "05911000;Bochum;-;2,25\n"
        "05112;Duisburg;1.002;.\n",
    )
    with pytest.warns(MissingValuesWarning, match=r"Beschäftigte: 1 \(05911000\)"):
        table = read_indicators(path, kreis_lookup={"05112": "05112000"})
    assert table.index.tolist() == ["05913000", "05911000", "05112000"]
    np.testing.assert_array_equal(table["Beschäftigte"], [245123.0, np.nan, 1002.0])
    np.testing.assert_array_equal(table["Quote"], [3.5, 2.25, np.nan])
    assert table["Name"].tolist() == ["Dortmund", "Bochum", "Duisburg"]
    assert table.attrs["missing"] == {"Beschäftigte": ["05911000"], "Quote": ["05112000"]}


def test_english_table_and_decimal_point_in_a_semicolon_file(tmp_path):
    english = write(tmp_path, 'ags,jobs,share\n5913000,"1,234",0.5\n5911000,980,0.25\n')
    table = read_indicators(english)
    assert table["jobs"].tolist() == [1234.0, 980.0] and table["share"].tolist() == [0.5, 0.25]
    # 0.125 is no German number (no thousands group starts with 0): the file is English
    semicolon = write(tmp_path, "ags;share\n05913000;0.125\n05911000;2\n", "s.csv")
    assert read_indicators(semicolon)["share"].tolist() == [0.125, 2.0]


def test_ambiguous_numbers_are_refused_unless_the_separator_is_given(tmp_path):
    path = write(tmp_path, "ags;jobs\n05913000;1.234\n05911000;980\n")
    with pytest.raises(NumberFormatError, match=r"'1\.234'.* may be 1234 .*or 1\.234 .*decimal="):
        read_indicators(path)
    assert read_indicators(path, decimal=",")["jobs"].tolist() == [1234.0, 980.0]
    assert read_indicators(path, decimal=".")["jobs"].tolist() == [1.234, 980.0]
    # another cell decides: 3,5 is German, so 1.234 is 1234
    decided = write(tmp_path, "ags;jobs;q\n05913000;1.234;3,5\n05911000;980;1\n", "d.csv")
    assert read_indicators(decided)["jobs"].tolist() == [1234.0, 980.0]


def test_two_formats_in_one_table_are_refused(tmp_path):
    path = write(tmp_path, "ags;a;b\n05913000;0.125;3,5\n05911000;2;1\n")
    with pytest.raises(NumberFormatError, match=r"two formats: '3,5' .*'0\.125'"):
        read_indicators(path)
    with pytest.raises(NumberFormatError, match=r"'0\.125' .*no number with decimal comma"):
        read_indicators(path, decimal=",")
    with pytest.raises(ParameterError, match="`decimal` must be"):
        read_indicators(path, decimal=";")


def test_workbook_numbers_are_taken_as_stored(tmp_path):
    path = tmp_path / "t.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="notes", index=False)
        pd.DataFrame(
            {"Kennziffer": [5913000, 5911000], "v": [1.234, 2.0], "label": ["a", "b"]}
        ).to_excel(writer, sheet_name="data", index=False)
    # 1.234 stored as a number is no ambiguous text
    table = read_indicators(path, id_col="Kennziffer", sheet="data")
    assert table.index.tolist() == ["05913000", "05911000"]
    assert table["v"].tolist() == [1.234, 2.0] and table["label"].tolist() == ["a", "b"]
    assert read_indicators(path, id_col="Kennziffer", sheet=1).equals(table)
    with pytest.raises(ParameterError, match=r"no sheet 'daten'.*\['notes', 'data'\]"):
        read_indicators(path, id_col="Kennziffer", sheet="daten")
    with pytest.raises(ParameterError, match="2 sheet"):
        read_indicators(path, id_col="Kennziffer", sheet=5)


def test_cp1252_is_read_when_named_and_quoted_separators_stay_text(tmp_path):
    text = 'AGS;Name;v\n05913000;"Lünen; Stadt";1,5\n05911000;"Bo ""chum""";2\n'
    path = write(tmp_path, text, encoding="cp1252")
    table = read_indicators(path, encoding="cp1252")
    assert table["Name"].tolist() == ["Lünen; Stadt", 'Bo "chum"'] and table["v"].iloc[0] == 1.5


def test_trailing_separators_and_blank_lines_lose_nothing(tmp_path):
    path = write(tmp_path, "ags;v;\n05913000;1,5;\n\n05911000;2;\n;;\n")
    table = read_indicators(path)
    assert list(table.columns) == ["v"] and table["v"].tolist() == [1.5, 2.0]


def test_the_input_file_is_not_changed(tmp_path):
    path = write(tmp_path, "ags;v\n05913000;1,5\n")
    before = path.read_bytes()
    read_indicators(path)
    assert path.read_bytes() == before


# --- generated tables ----------------------------------------------------------------------


def _formatted(value: int, decimals: int, german: bool, grouped: bool) -> str:
    text = f"{abs(value) / 10**decimals:{',' if grouped else ''}.{decimals}f}"
    if german:
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return ("-" if value < 0 else "") + text


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12
).map(lambda s: "x" + s)


@st.composite
def tables(draw):
    rows = draw(st.integers(1, 8))
    columns = draw(st.integers(1, 3))
    german = draw(st.booleans())
    sep = draw(st.sampled_from([";", "\t"] if german else [";", ",", "\t"]))
    values = draw(
        st.lists(
            st.lists(st.integers(-(10**8), 10**8), min_size=rows, max_size=rows),
            min_size=columns,
            max_size=columns,
        )
    )
    decimals = draw(st.lists(st.integers(0, 4), min_size=columns, max_size=columns))
    grouped = draw(st.lists(st.booleans(), min_size=columns, max_size=columns))
    cells = [
        [_formatted(v, decimals[c], german, grouped[c]) for v in values[c]] for c in range(columns)
    ]
    expected = [[v / 10 ** decimals[c] for v in values[c]] for c in range(columns)]
    labels = draw(st.lists(names, min_size=rows, max_size=rows))
    keys = [f"05{i:06d}" for i in range(rows)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(["ags", "label", *(f"v{c}" for c in range(columns))])
    for r in range(rows):
        writer.writerow([keys[r], labels[r], *(cells[c][r] for c in range(columns))])
    return buffer.getvalue(), "," if german else ".", expected, labels, cells


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=tables())
def test_generated_tables_read_back_or_are_refused_as_ambiguous(tmp_path, table):
    text, decimal, expected, labels, cells = table
    path = tmp_path / "generated.csv"
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        given_sep = read_indicators(path, decimal=decimal)
        flat = [cell for column in cells for cell in column]
        decisive = [c for c in flat if not INTEGER.match(c) and not AMBIGUOUS.match(c)]
        ambiguous = [c for c in flat if AMBIGUOUS.match(c)]
        if ambiguous and not decisive:
            with pytest.raises(NumberFormatError, match="may be"):
                read_indicators(path)
            detected = given_sep
        else:
            detected = read_indicators(path)
    for result in (given_sep, detected):
        assert result["label"].tolist() == labels  # text comes back unchanged
        for c, values in enumerate(expected):
            np.testing.assert_allclose(result[f"v{c}"], values, rtol=1e-12, atol=1e-12)
