"""The words and number format of map pages and figures, in English or German.

A report in German needs "keine Daten", "Gemeinde" and the decimal comma (``98,3 %``) on its
maps; every map function takes ``locale="en"`` or ``"de"`` and passes the one `Locale` down.
"""

from __future__ import annotations

from dataclasses import dataclass

from ruhrgeo import _names
from ruhrgeo.errors import ParameterError

__all__ = ["LOCALES", "Locale", "get_locale"]


@dataclass(frozen=True)
class Locale:
    """The words and separators of one language."""

    code: str
    no_data: str
    municipality: str  # the tooltip label of a municipality's name
    name: str  # the tooltip label of any other area's name
    place_names: str  # the layer of names written on the map
    basemap: str
    decimal: str
    thousands: str

    def number(self, text: str) -> str:
        """A number written as ``f"{v:,.1f}"`` writes it (``25,213.5``), in this locale.

        Examples
        --------
        >>> LOCALES["de"].number("25,213.5"), LOCALES["en"].number("25,213.5")
        ('25.213,5', '25,213.5')
        """
        swap = {",": self.thousands, ".": self.decimal}
        return "".join(swap.get(c, c) for c in text)


LOCALES = {
    "en": Locale("en", "no data", "Municipality", "Name", "Place names",
                 "Basemap (online only)", ".", ","),
    "de": Locale("de", "keine Daten", "Gemeinde", "Name", "Ortsnamen",
                 "Hintergrundkarte (nur online)", ",", "."),
}  # fmt: skip


def get_locale(code: object) -> Locale:
    """The `Locale` of ``code`` ("en" or "de"); anything else is a ParameterError.

    Examples
    --------
    >>> get_locale("de").no_data
    'keine Daten'
    """
    if isinstance(code, str) and code.lower() in LOCALES:
        return LOCALES[code.lower()]
    raise ParameterError(f"`locale` must be one of {list(_names.LOCALES)}, got {code!r}")
