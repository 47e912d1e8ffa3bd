"""Hostile tables: every bad file a new or careless user may hand to read_indicators or
read_breitbandatlas raises a specific RuhrgeoError naming the file, what is wrong and the fix;
nothing is guessed, nothing is changed."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruhrgeo import read_breitbandatlas, read_indicators
from ruhrgeo.errors import (
    DataFileNotFoundError,
    DuplicateIdError,
    EmptyTableError,
    FileEncodingError,
    FileFormatError,
    MissingColumnError,
    MissingIdError,
    NumberFormatError,
    ParameterError,
    RuhrgeoError,
    TableLayoutError,
    ValueRangeError,
)

BB_HEADER = '"AGS","alle Technologien ≥ 1000 Mbit/s","FTTH/B ≥ 1000 Mbit/s"\n'

# (id, file name, content, error, message) common to both readers
COMMON = [
    ("empty", "t.csv", b"", EmptyTableError, r"'t\.csv' is empty"),
    ("blank", "t.csv", b"\n \n\n", EmptyTableError, r"'t\.csv' is empty"),
    ("binary", "t.csv", bytes(range(256)) * 8, FileFormatError, r"'t\.csv' holds binary data"),
    ("xlsx as csv", "t.csv", b"PK\x03\x04rest", FileFormatError, r"ZIP archive.*export .*CSV"),
    ("xls as csv", "t.csv", b"\xd0\xcf\x11\xe0rest", FileFormatError, r"old Excel"),
    ("geopackage", "t.csv", b"SQLite format 3\x00rest", FileFormatError, r"SQLite"),
    ("utf-16", "t.csv", "AGS;x\n".encode("utf-16"), FileEncodingError, r"UTF-16.*utf-16"),
    ("unclosed quote", "t.csv", b'AGS;v\n"05913000;1\n', FileFormatError, r"not valid CSV"),
]
INDICATORS = [
    *COMMON,
    ("header only", "t.csv", b"AGS;Jobs\n", EmptyTableError, r"'t\.csv' has a header .*no rows"),
    (
        "cp1252",
        "t.csv",
        "AGS;Name;v\n05913000;Lünen;1\n".encode("cp1252"),
        FileEncodingError,
        r"'t\.csv' is not utf-8 text: byte b'\\xfc' in line 2.*encoding='cp1252'",
    ),
    (
        "ragged row",
        "t.csv",
        b"ags;v\n05913000;1\n05911000;2;3\n",
        FileFormatError,
        r"line 3 has 3 field\(s\) but the header has 2",
    ),
    (
        "short row",
        "t.csv",
        b"ags;v;w\n05913000;1;2\n05911000;2\n",
        FileFormatError,
        r"line 3 has 2 field",
    ),
    (
        "0.125 beside 3,5",
        "t.csv",
        b"ags;a;b\n05913000;0.125;3,5\n",
        NumberFormatError,
        r"two formats: '3,5'.*'0\.125'",
    ),
    (
        "1.234 alone",
        "t.csv",
        b"ags;jobs\n05913000;1.234\n",
        NumberFormatError,
        r"may be 1234 .*or 1\.234",
    ),
    ("nonsense number", "t.csv", b"ags;v\n05913000;1.2.3,4,5\n", NumberFormatError, r"no number"),
    ("infinite", "t.csv", b"ags;v\n05913000;1\n05911000;inf\n", FileFormatError, r"not a finite"),
    ("nan text", "t.csv", b"ags;v\n05913000;1\n05911000;NaN\n", FileFormatError, r"not a finite"),
    ("text in numbers", "t.csv", b"ags;v\n05913000;1\n05911000;viel\n", FileFormatError, "'viel'"),
    ("no key", "t.csv", b"key;v\n05913000;1\n", MissingColumnError, r"no column 'ags'"),
    ("bad key", "t.csv", b"ags;v\nXY;1\n", MissingIdError, r"not an AGS.*'XY'"),
    (
        "full-width digits",
        "t.csv",
        "ags;v\n０５９１３０００;1\n".encode(),
        MissingIdError,
        r"not an AGS",
    ),
    ("empty key", "t.csv", b"ags;v\n;1\n05913000;2\n", MissingIdError, r"not an AGS"),
    ("kreis key", "t.csv", b"ags;v\n05112;1\n", MissingIdError, r"5 digits.*kreis_lookup"),
    ("twice", "t.csv", b"ags;v\n05913000;1\n5913000;2\n", DuplicateIdError, r"05913000"),
    ("same header", "t.csv", b"ags;v;v\n05913000;1;2\n", TableLayoutError, r"more than one.*'v'"),
    ("unnamed values", "t.csv", b"ags;;v\n05913000;1;2\n", TableLayoutError, r"column 2 has val"),
    ("json", "t.json", b"{}", FileFormatError, r"must be \.csv or \.xlsx"),
    ("old xls", "t.xls", b"\xd0\xcf\x11\xe0", FileFormatError, r"old Excel \.xls"),
    ("xlsx of text", "t.xlsx", b"ags;v\n1;2\n", FileFormatError, r"not a readable XLSX"),
    ("xlsx truncated", "t.xlsx", b"PK\x03\x04\x14\x00", FileFormatError, r"not a readable XLSX"),
]
BREITBANDATLAS = [
    *COMMON,
    ("header only", "t.csv", BB_HEADER.encode(), EmptyTableError, r"header .*no rows"),
    (
        "cp1252",
        "t.csv",
        "AGS;DSL ≥ 16 Mbit/s\n05913000;1\n".encode("cp1252", errors="replace")
        + b"\n05911000;\xe4\n",
        FileEncodingError,
        r"'t\.csv' is not utf-8 text.*cp1252",
    ),
    (
        "kreis table",
        "t.csv",
        b"ags,verf_300_1,verf_5g_2\n05913,100,99.8\n",
        TableLayoutError,
        r"'t\.csv' has no Breitbandatlas header.*'alle Technologien ≥ 1000 Mbit/s'",
    ),
    (
        "no ags",
        "t.csv",
        b"Kennziffer;alle Technologien \xe2\x89\xa5 1000 Mbit/s\n05913000;1\n",
        TableLayoutError,
        r"has no AGS column",
    ),
    (
        "foreign column",
        "t.csv",
        BB_HEADER.replace("\n", ',"Einwohner"\n').encode() + b'"05913000",1,2,3\n',
        TableLayoutError,
        r"1 header\(s\) that are no Breitbandatlas column: \['Einwohner'\]",
    ),
    (
        "same column twice",
        "t.csv",
        b'"AGS","DSL \xe2\x89\xa5 16 Mbit/s","DSL >= 16 Mbit/s"\n"05913000",1,2\n',
        TableLayoutError,
        r"more than one header for \['dsl_ge16'\]",
    ),
    (
        "percent too large",
        "t.csv",
        BB_HEADER.encode() + b'"05913000",125,2\n',
        ValueRangeError,
        r"'125' in column 'all_ge1000' \(AGS 05913000\) is no percentage",
    ),
    (
        "negative",
        "t.csv",
        BB_HEADER.encode() + b'"05913000",1,-2\n',
        ValueRangeError,
        r"'-2' in column 'ftthb_ge1000'",
    ),
    (
        "point and comma",
        "t.csv",
        "AGS;DSL ≥ 16 Mbit/s;CATV ≥ 400 Mbit/s\n05913000;99.5;80,5\n".encode(),
        NumberFormatError,
        r"both with a point \('99\.5'.*and with a comma \('80,5'",
    ),
    ("text value", "t.csv", BB_HEADER.encode() + b'"05913000",viel,2\n', NumberFormatError, "viel"),
    (
        "duplicate ags",
        "t.csv",
        BB_HEADER.encode() + b'"05913000",1,2\n"5913000",3,4\n',
        DuplicateIdError,
        r"'t\.csv'.*05913000",
    ),
    ("ragged", "t.csv", BB_HEADER.encode() + b'"05913000",1\n', FileFormatError, r"line 2 has 2"),
    ("xlsx", "t.xlsx", b"PK\x03\x04", TableLayoutError, r"expected a CSV file"),
]


def _ids(cases):
    return [case[0] for case in cases]


@pytest.mark.parametrize(
    ("case", "name", "content", "error", "match"), INDICATORS, ids=_ids(INDICATORS)
)
def test_read_indicators_refuses(tmp_path, case, name, content, error, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error, match=match):
        read_indicators(path)
    assert path.read_bytes() == content  # the input is never changed


@pytest.mark.parametrize(
    ("case", "name", "content", "error", "match"), BREITBANDATLAS, ids=_ids(BREITBANDATLAS)
)
def test_read_breitbandatlas_refuses(tmp_path, case, name, content, error, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error, match=match):
        read_breitbandatlas(path)
    assert path.read_bytes() == content


@pytest.mark.parametrize("reader", [read_indicators, read_breitbandatlas])
def test_paths_and_options(tmp_path, reader):
    with pytest.raises(DataFileNotFoundError, match=r"no file at '.*nowhere\.csv'"):
        reader(tmp_path / "nowhere.csv")
    path = tmp_path / "t.csv"
    path.write_text("AGS;DSL ≥ 16 Mbit/s\n05913000;1\n", encoding="utf-8")
    with pytest.raises(FileEncodingError, match="unknown encoding 'klingon'"):
        reader(path, encoding="klingon")


def test_workbooks_that_are_none(tmp_path):
    path = tmp_path / "t.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "not a workbook")
    with pytest.raises(FileFormatError, match=r"'t\.xlsx' is not a readable XLSX"):
        read_indicators(path)
    pd.DataFrame({"ags": []}).to_excel(path, index=False)
    with pytest.raises(EmptyTableError, match=r"'t\.xlsx': sheet 'Sheet1' has a header"):
        read_indicators(path)
    pd.DataFrame().to_excel(path)
    with pytest.raises(EmptyTableError, match="is empty"):
        read_indicators(path)


def test_every_refusal_is_a_ruhrgeo_error_and_a_builtin():
    for cases in (INDICATORS, BREITBANDATLAS):
        for case in cases:
            assert issubclass(case[3], RuhrgeoError) and issubclass(case[3], ValueError | KeyError)
    with pytest.raises(ParameterError):
        read_indicators("x.csv", decimal="x")


# --- generated hostile content ------------------------------------------------------------------

cells = st.one_of(
    st.text(max_size=6),
    st.from_regex(r"[+-]?[\d.,]{1,9}", fullmatch=True),
    st.sampled_from(["-", ".", "x", "inf", "nan", "1e5", "0.125", "1.234", "3,5", ""]),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(cells, min_size=2, max_size=2), min_size=0, max_size=4),
    sep=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]),
)
def test_any_table_reads_or_raises_a_ruhrgeo_error(tmp_path, rows, sep, encoding):
    headers = {
        read_indicators: ["ags", "v", "w"],
        read_breitbandatlas: ["AGS", "DSL ≥ 16 Mbit/s", "CATV ≥ 400 Mbit/s"],
    }
    for reader, header in headers.items():
        lines = [sep.join(header)]
        lines += [sep.join([f"05913{i:03d}", *row]) for i, row in enumerate(rows)]
        data = "\n".join(lines).encode(encoding, errors="replace")
        path = tmp_path / "hostile.csv"
        path.write_bytes(data)
        try:
            table = reader(path)
        except RuhrgeoError as exc:
            assert "'hostile.csv'" in str(exc), str(exc)
        except Warning as warning:  # ruhrgeo's warnings are errors in its tests
            assert "'hostile.csv'" in str(warning) or "hostile.csv:" in str(warning)
        else:
            assert table.index.is_unique and table.index.str.fullmatch(r"\d{8}").all()
        assert path.read_bytes() == data
