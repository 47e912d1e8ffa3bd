"""The Breitbandatlas municipal tables as the Bundesnetzagentur publishes them (Paket_3 CSV).

Five releases, end 2018 to mid 2021, each a little different: quoted or not, ``;`` or ``,``,
integer or decimal percentages, German headers such as ``alle Technologien ≥ 1000 Mbit/s``
(the ``≥ 8`` and ``≥ 10 Mbit/s`` columns from end 2020 on), and rows of city districts under
pseudo-AGS next to the municipalities.
"""

from __future__ import annotations

import os
import re
from typing import Literal

import numpy as np
import pandas as pd

from ruhrgeo._validate import existing_path, normalize_ags, require_unique
from ruhrgeo._warn import warn
from ruhrgeo.errors import (
    CityDistrictsWarning,
    DuplicateIdError,
    MissingIdError,
    MissingValuesWarning,
    NumberFormatError,
    ParameterError,
    TableLayoutError,
    ValueRangeError,
)
from ruhrgeo.io._text import read_text, split_rows

__all__ = [
    "ATTRIBUTION",
    "TECHNOLOGIES",
    "breitbandatlas_column",
    "breitbandatlas_release",
    "read_breitbandatlas",
]

ATTRIBUTION = "Breitbandatlas | Gigabit-Grundbuch (https://gigabitgrundbuch.bund.de)"
# German technology label -> short prefix of the column name
TECHNOLOGIES = {
    "alle technologien": "all",
    "leitungsg. technologien": "wired",
    "leitungsgebundene technologien": "wired",
    "mobile technologien": "mobile",
    "dsl": "dsl",
    "catv": "catv",
    "ftth/b": "ftthb",
}
# Source rounding lets a share exceed 100 a little (up to 100.39 in mid 2021); beyond this
# bound a value is no percentage and the file is refused.
MAX_PERCENT = 101.0
MISSING = ("", "-")
_HEADER = re.compile(r"^(?P<tech>.+?)\s*(?:≥|>=|>)\s*(?P<mbits>\d+)\s*mbit/s$")
_SHORT = re.compile(r"^(?:all|wired|mobile|dsl|catv|ftthb)_ge[0-9]+$")
_RELEASE = (
    (re.compile(r"(?<!\d)(20\d\d)_(ende|mitte)(?!\w)"), {"ende": "12", "mitte": "06"}),
    (re.compile(r"(?<!\d)(20\d\d)-(0[1-9]|1[0-2])(?!\d)"), None),
)
_NUMBER = re.compile(r"^[+-]?[0-9]+(?:[.,][0-9]+)?$")


def breitbandatlas_column(header: str) -> str | None:
    """The short column name of a Breitbandatlas header, or None if it is not one.

    ``alle Technologien ≥ 1000 Mbit/s`` -> ``all_ge1000``; the prefixes are ``all``,
    ``wired`` (leitungsgebundene Technologien), ``mobile``, ``dsl``, ``catv`` (cable/HFC)
    and ``ftthb`` (FTTH/B); the number is the minimum download in Mbit/s. Short names
    already in this form are returned unchanged.

    Examples
    --------
    >>> breitbandatlas_column("leitungsg. Technologien ≥ 1000 Mbit/s")
    'wired_ge1000'
    >>> breitbandatlas_column("FTTH/B >= 100 MBit/s"), breitbandatlas_column("Einwohner")
    ('ftthb_ge100', None)
    """
    text = " ".join(str(header).replace("\u00a0", " ").split()).lower()
    if _SHORT.match(text):
        return text
    match = _HEADER.match(text)
    if match is None or match["tech"] not in TECHNOLOGIES:
        return None
    return f"{TECHNOLOGIES[match['tech']]}_ge{int(match['mbits'])}"


def breitbandatlas_release(path: str | os.PathLike[str]) -> str | None:
    """The release ("YYYY-MM") a Breitbandatlas file name states, or None.

    Examples
    --------
    >>> breitbandatlas_release("gemeinde_privat_2018_ende.csv")
    '2018-12'
    >>> breitbandatlas_release("gemeinde_bezirke_privat_2021_mitte.csv")
    '2021-06'
    >>> breitbandatlas_release("gemeinden_haushalte_2021-06.csv"), breitbandatlas_release("x.csv")
    ('2021-06', None)
    """
    name = os.path.basename(os.fspath(path))
    for pattern, months in _RELEASE:
        found = pattern.search(name)
        if found:
            month = months[found[2]] if months else found[2]
            return f"{found[1]}-{month}"
    return None


def read_breitbandatlas(
    path: str | os.PathLike[str],
    *,
    city_districts: Literal["drop", "keep"] | None = None,
    encoding: str = "utf-8",
) -> pd.DataFrame:
    """Read a Breitbandatlas municipal table (CSV as published) into a DataFrame indexed by AGS.

    Reads every release from end 2018 to mid 2021 unchanged, households (``privat``) or
    businesses (``gew``): quoted or not, ``;`` or ``,``, integer or decimal percentages
    (decimal point, or decimal comma in a re-saved file, never both).

    Parameters
    ----------
    path
        The CSV file (e.g. ``gemeinde_bezirke_privat_2021_mitte.csv`` of ``Paket_3.zip``).
    city_districts
        Rows of city districts carry pseudo-AGS next to their city's own row (Berlin
        11000001-012, Hamburg, Bremen, Köln, München): a key not ending in ``000`` whose
        ``XXXXX000`` is in the table too. By default they are left out with a
        :class:`~ruhrgeo.errors.CityDistrictsWarning`; ``"drop"`` leaves them out silently,
        ``"keep"`` keeps them. Either way ``attrs["city_districts"]`` lists their keys.
    encoding
        The text encoding (default UTF-8, with or without BOM).

    Returns
    -------
    pandas.DataFrame
        Indexed by 8-character ``ags``; one float column per header, named like
        ``all_ge1000`` (see ``ruhrgeo.io.breitbandatlas_column``): percent of households (or
        business locations) that can get the service. A few values lie a little above 100
        (the source's rounding; up to 100.39 in mid 2021); they are kept as published.
        Keys of an older territorial status are kept as published. ``attrs``: ``release``
        ("2021-06", from the file name, else None), ``source`` (the attribution to show),
        ``city_districts``, ``missing``.

    Raises
    ------
    TableLayoutError
        The file has no AGS column, no Breitbandatlas header, or headers that are not
        Breitbandatlas columns (the Kreis table, an indicator table, ...).
    NumberFormatError, ValueRangeError
        A value is no number, numbers mix decimal point and comma, or a share lies outside
        0 to 101.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gemeinde_privat_2018_ende.csv"
    >>> _ = path.write_text('"AGS";"FTTH/B ≥ 1000 Mbit/s"\\n"05913000";"7"\\n', encoding="utf-8")
    >>> table = read_breitbandatlas(path)
    >>> float(table.loc["05913000", "ftthb_ge1000"]), table.attrs["release"]
    (7.0, '2018-12')
    """
    if city_districts not in (None, "drop", "keep"):
        raise ParameterError(
            f"`city_districts` must be 'drop', 'keep' or None, got {city_districts!r}"
        )
    source = existing_path(path, "path")
    what = "Breitbandatlas table"
    if source.suffix.lower() not in (".csv", ".txt"):
        raise TableLayoutError(
            f"{what} {source.name!r}: expected a CSV file as the Bundesnetzagentur publishes "
            "it (Paket_3, e.g. gemeinde_bezirke_privat_2021_mitte.csv); export other "
            "formats as CSV with the original German headers"
        )
    header, rows, _ = split_rows(read_text(source, encoding=encoding, what=what), source, what=what)
    key_header, columns = _columns(header, source.name)
    cells = np.array(rows, dtype=object)
    key = header.index(key_header)
    try:
        ags = normalize_ags(pd.Series(cells[:, key]), key_header)
        require_unique(ags, key_header, "each municipality must appear once")
    except (MissingIdError, DuplicateIdError) as exc:
        raise type(exc)(f"{what} {source.name!r}: {exc}") from None
    names = [columns[h] for h in header if h != key_header]
    values = np.delete(cells, key, axis=1)
    numbers, missing = _percentages(values, names, ags, source.name)
    table = pd.DataFrame(numbers, index=pd.Index(ags.to_numpy(), name="ags"), columns=names)
    return _city_districts(table, city_districts, source.name, missing, source)


def _columns(header: list[str], name: str) -> tuple[str, dict[str, str]]:
    """The AGS column's header, and each other header -> its short name."""
    keys = [h for h in header if h.lower() in ("ags", "gemeindeschlüssel")]
    mapped = {h: breitbandatlas_column(h) for h in header if h not in keys}
    known = {h: c for h, c in mapped.items() if c}
    expected = (
        "expected the municipal table of the Breitbandatlas (Paket_3) with a column 'AGS' "
        "and headers such as 'alle Technologien ≥ 1000 Mbit/s'"
    )
    if len(keys) != 1 or not known:
        found = "no AGS column" if not keys else f"{len(keys)} AGS columns"
        if keys and not known:
            found = "no Breitbandatlas header"
        raise TableLayoutError(
            f"Breitbandatlas table {name!r} has {found} (headers: {header[:6]}); {expected}"
        )
    unknown = [h for h, c in mapped.items() if c is None]
    if unknown:
        raise TableLayoutError(
            f"Breitbandatlas table {name!r} has {len(unknown)} header(s) that are no "
            f"Breitbandatlas column: {unknown[:5]}; {expected} (drop other columns first)"
        )
    repeated = sorted({c for c in known.values() if list(known.values()).count(c) > 1})
    if repeated:
        raise TableLayoutError(
            f"Breitbandatlas table {name!r} has more than one header for {repeated}; "
            "each technology and bandwidth may appear once"
        )
    return keys[0], known


def _percentages(
    cells: np.ndarray, names: list[str], ags: pd.Series, name: str
) -> tuple[np.ndarray, dict[str, list[str]]]:
    # one flat column of text: each check is a single vectorised pass over all cells
    shape = cells.shape
    text = pd.Series(cells.ravel(), dtype="str").str.strip()
    gaps = text.isin(MISSING).to_numpy()
    numeric = text.str.fullmatch(_NUMBER).to_numpy(dtype=bool) | gaps

    def where(flat: np.ndarray) -> str:
        first = int(np.flatnonzero(flat)[0])
        row, column = divmod(first, shape[1])
        return f"{text.iloc[first]!r} in column {names[column]!r} (AGS {ags.iloc[row]})"

    if not numeric.all():
        raise NumberFormatError(
            f"Breitbandatlas table {name!r}: {where(~numeric)} is no number; the tables hold "
            "percentages such as '97.5' (empty or '-' for missing)"
        )
    comma = text.str.contains(",", regex=False).to_numpy(dtype=bool)
    point = text.str.contains(".", regex=False).to_numpy(dtype=bool)
    if comma.any() and point.any():
        raise NumberFormatError(
            f"Breitbandatlas table {name!r} writes decimals both with a point ({where(point)}) "
            f"and with a comma ({where(comma)}); re-export it with one decimal separator"
        )
    flat = text.mask(gaps)
    if comma.any():
        flat = flat.str.replace(",", ".", regex=False)
    values = flat.astype(float).to_numpy()
    bad = (values < 0) | (values > MAX_PERCENT)
    if bad.any():
        raise ValueRangeError(
            f"Breitbandatlas table {name!r}: {where(bad)} is no percentage (allowed 0 to "
            f"{MAX_PERCENT:g}, values a little above 100 being the source's rounding); "
            "check the file"
        )
    gaps = gaps.reshape(shape)
    missing = {c: ags[gaps[:, i]].tolist() for i, c in enumerate(names) if gaps[:, i].any()}
    return values.reshape(shape), missing


def _city_districts(
    table: pd.DataFrame,
    option: str | None,
    name: str,
    missing: dict[str, list[str]],
    source: os.PathLike[str],
) -> pd.DataFrame:
    keys = table.index
    city = keys.str[:5] + "000"
    districts = keys[(keys.str[-3:] != "000") & city.isin(keys)].sort_values()
    if len(districts) and option is None:
        counts = pd.Series(districts.str[:5]).value_counts().sort_index()
        per_city = ", ".join(f"{k}000: {n}" for k, n in counts.items())
        warn(
            f"Breitbandatlas table {name!r}: {len(districts)} rows are city districts under "
            f"pseudo-AGS ({per_city}; e.g. {', '.join(districts[:3])}) and were left out; "
            "their city's own row is kept. Pass city_districts='keep' to keep them, or "
            "'drop' to leave them out without this warning",
            CityDistrictsWarning,
        )
    if option != "keep":
        table = table.drop(index=districts)
        missing = {c: [a for a in keys if a not in set(districts)] for c, keys in missing.items()}
        missing = {c: keys for c, keys in missing.items() if keys}
    if missing:
        text = "; ".join(f"{c}: {len(a)} ({', '.join(a[:5])})" for c, a in missing.items())
        warn(
            f"Breitbandatlas table {name!r}: cells marked missing read as NaN: {text}",
            MissingValuesWarning,
        )
    table.attrs = {
        "release": breitbandatlas_release(source),
        "source": f"{ATTRIBUTION}, Daten verändert",
        "city_districts": list(districts),
        "missing": missing,
    }
    return table
