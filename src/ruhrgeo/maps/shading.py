"""What a polygon layer shows and how it reads: classes, colors, legend, numbers and units.

The HTML page and its PNG twin are both drawn from one :class:`Shading`, so they share the
classes, colors, legend texts and units. Municipalities without data get class -1: a
hatched fill and a "no data (n)" legend entry in both, never a hole or a class color.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd
from matplotlib.colors import Colormap, is_color_like, to_hex

from ruhrgeo.errors import MapDataError
from ruhrgeo.maps.locales import LOCALES, Locale

__all__ = ["Shading", "categories", "formatter", "numbers", "tooltip_texts"]

ENGLISH = LOCALES["en"]


@dataclass(frozen=True)
class Shading:
    """A class per municipality (-1: no data), the class colors and the legend."""

    title: str
    classes: pd.Series
    palette: tuple[str, ...]
    legend: tuple[tuple[str | None, str], ...]  # (color, or None for no data; text)


def numbers(
    values: pd.Series,
    *,
    title: str,
    scheme: str,
    k: int,
    bins: list[float] | None,
    cmap: Colormap,
    unit: str | None,
    locale: Locale = ENGLISH,
) -> Shading:
    """Classes of ``values`` from mapclassify, colored along ``cmap``.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib import colormaps
    >>> s = numbers(pd.Series([1.0, 2.0, 3.0, 4.0, None]), title="v", scheme="quantiles", k=2,
    ...             bins=None, cmap=colormaps["viridis"], unit="%")
    >>> s.classes.tolist(), [text for _, text in s.legend]
    ([0, 0, 1, 1, -1], ['1.0 – 2.5 % (2)', '2.5 – 4.0 % (2)', 'no data (1)'])
    """
    valid = values.dropna().to_numpy()
    distinct = np.unique(valid)
    if len(distinct) == 1 and bins is None:  # one value, one class (mapclassify refuses)
        edges = distinct
    else:
        edges = np.unique(_bins(valid, scheme, min(k, len(distinct)), bins))
    klass = np.searchsorted(edges, values.to_numpy(), side="left").clip(0, len(edges) - 1)
    classes = pd.Series(np.where(values.notna(), klass, -1), index=values.index)
    palette = tuple(to_hex(c) for c in cmap(np.linspace(0, 1, len(edges))))
    fmt = formatter(pd.Series([*valid, *edges]), locale)  # bounds as precise as they need
    lows = [min(float(valid.min()), edges[0]), *edges[:-1]]
    entries = []
    for number, (low, high) in enumerate(zip(lows, edges, strict=True)):
        text = fmt(high) if low == high else f"{fmt(low)} – {fmt(high)}"
        count = int((classes == number).sum())
        entries.append((palette[number], f"{_with_unit(text, unit)} ({count})"))
    return Shading(title, classes, palette, _with_no_data(entries, classes, locale))


def _bins(valid: np.ndarray, scheme: str, k: int, bins: list[float] | None) -> np.ndarray:
    try:
        with warnings.catch_warnings():  # mapclassify warns when it lowers k for tied values
            warnings.simplefilter("ignore")
            classifier = mapclassify.classify(valid, scheme=scheme, k=k, bins=bins)
    except (ValueError, ZeroDivisionError) as exc:
        raise MapDataError(
            f"mapclassify's {scheme!r} cannot class these values ({exc}); try scheme='quantiles'"
        ) from None
    return np.asarray(classifier.bins, dtype=float)


def categories(
    labels: pd.Series, colors: Mapping[str, str], *, title: str, locale: Locale = ENGLISH
) -> Shading:
    """Fixed colors per category (e.g. LISA clusters); a missing label is no data.

    Examples
    --------
    >>> import pandas as pd
    >>> s = categories(pd.Series(["a", None, "a"]), {"a": "#ff0000", "b": "#0000ff"}, title="t")
    >>> s.classes.tolist(), [text for _, text in s.legend]
    ([0, -1, 0], ['a (2)', 'b (0)', 'no data (1)'])
    """
    bad = {label: color for label, color in colors.items() if not is_color_like(color)}
    if bad:
        raise MapDataError(
            f"`colors` holds what is not a color: {dict(list(bad.items())[:5])}; give names "
            "('red') or hex codes ('#d7191c')"
        )
    unknown = sorted(set(labels.dropna().astype(str)) - set(colors))
    if unknown:
        raise MapDataError(f"unknown categories {unknown[:10]}; expected one of {list(colors)}")
    order = {label: number for number, label in enumerate(colors)}
    classes = labels.map(order).fillna(-1).astype(int)
    entries = [
        (to_hex(color), f"{label} ({int((classes == number).sum())})")
        for number, (label, color) in enumerate(colors.items())
    ]
    palette = tuple(to_hex(c) for c in colors.values())
    return Shading(title, classes, palette, _with_no_data(entries, classes, locale))


def formatter(values: pd.Series, locale: Locale = ENGLISH) -> Callable[[float], str]:
    """How the numbers of a column are written: with as few decimals as they need, at most
    enough for three significant digits of their range (25,213; 98.3; 2.5; 0.123).

    Examples
    --------
    >>> import pandas as pd
    >>> cases = ([8673, 25213], [0.5, 100, 98.34], [1, 2.5], [0, 0.1234])
    >>> [formatter(pd.Series(v))(v[-1]) for v in cases]
    ['25,213', '98.3', '2.5', '0.123']
    >>> from ruhrgeo.maps.locales import LOCALES
    >>> formatter(pd.Series([98.25, 98.5, 100]), LOCALES["de"])(98.25)
    '98,25'
    >>> formatter(pd.Series([8673, 25213]), LOCALES["de"])(25213)
    '25.213'
    """
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    spread = float(np.ptp(finite)) if finite.size else 0.0
    spread = spread or (float(np.abs(finite).max()) if finite.size else 0.0)
    most = 0 if spread == 0 else min(6, max(0, 2 - math.floor(math.log10(spread))))
    decimals = next(
        (d for d in range(most) if np.allclose(np.round(finite, d), finite, rtol=0, atol=1e-9)),
        most,
    )
    return lambda v: locale.number(f"{0.0 if v == 0 else v:,.{decimals}f}")  # no "-0.0"


def tooltip_texts(
    frame: pd.DataFrame, fields: list[str], units: Mapping[str, str], locale: Locale = ENGLISH
) -> list[list[str]]:
    """The text of each field for each municipality, numbers with their column's unit."""
    columns = []
    for field in fields:
        values = frame[field]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            fmt = formatter(values, locale)
            unit = units.get(field)
            texts = [locale.no_data if pd.isna(v) else _with_unit(fmt(v), unit) for v in values]
        else:
            texts = [locale.no_data if _missing(v) else str(v) for v in values]
        columns.append(texts)
    return [list(row) for row in zip(*columns, strict=True)]


def _missing(value: object) -> bool:
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def _with_unit(text: str, unit: str | None) -> str:
    return f"{text} {unit}" if unit else text


def _with_no_data(
    entries: list[tuple[str, str]], classes: pd.Series, locale: Locale
) -> tuple[tuple[str | None, str], ...]:
    missing = int((classes < 0).sum())
    tail: list[tuple[str | None, str]] = (
        [(None, f"{locale.no_data} ({missing})")] if missing else []
    )
    return (*entries, *tail)
