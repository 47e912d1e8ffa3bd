"""The one escaping rule for each context a user's string can reach in a map or figure.

Contexts and their rule:

- **HTML text and attribute values** (the page's ``<title>``, the names in Leaflet's layer
  control and attribution line, which Leaflet sets as ``innerHTML``): :func:`html_text`.
- **JSON inside ``<script>``**, which is also how every JavaScript string reaches the page:
  :func:`script_json`. The page's own script puts those strings into the document as text
  (``textContent``), never as markup, so names, tooltips, legends and labels need no HTML
  escaping on top.
- **Template literals**: none. ruhrgeo never writes a string into a JavaScript template
  literal (folium's ``Tooltip`` and ``Popup`` do, so ruhrgeo does not use them), and
  :func:`script_json` escapes the backtick as well, so no string can open or close one.
- **``</script>`` and ``<!--``**: :func:`script_json` escapes ``<``, ``>`` and ``&``.
- **Jinja**: folium renders the output of every element as a Jinja template a second time,
  so ``{{ 7*7 }}`` in a name would become ``49`` (and worse: Jinja can call Python). Both
  rules above therefore never let ``{{``, ``{%`` or ``{#`` through: :func:`html_text`
  writes ``{`` as ``&#123;``, :func:`script_json` as ``\u007b``.
- **matplotlib text** (PNG titles, legends, labels, attribution): shown literally by
  :func:`ruhrgeo._figures.literal` (mathtext off for every text of a figure), bounded in length
  by :func:`ruhrgeo._figures.label` and :func:`ruhrgeo._figures.title`.

Every function refuses text that is not valid Unicode (a lone surrogate, the trace of a file
read with the wrong encoding) instead of writing a page the browser would mangle.
"""

from __future__ import annotations

import html
import json
import re

from ruhrgeo.errors import MapTextError

__all__ = ["html_text", "script_json"]

# Characters that could end a <script> element, open a comment or a template literal, or
# end a line in older JavaScript parsers; JSON allows "\\uXXXX" for each of them.
_SCRIPT_UNSAFE = str.maketrans(
    {c: f"\\u{ord(c):04x}" for c in ("<", ">", "&", "'", "`", "\u2028", "\u2029")}
)
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")
_SHOWN = 40  # characters around a refused character quoted in the message


def html_text(text: str) -> str:
    """``text`` safe as HTML element content and as a quoted attribute value.

    Examples
    --------
    >>> html_text('<img src=x onerror="alert(1)"> {{ 7*7 }}')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &#123;&#123; 7*7 }}'
    """
    return html.escape(_unicode(text), quote=True).replace("{", "&#123;")


def script_json(value: object) -> str:
    """``value`` as compact JSON that is safe anywhere inside a ``<script>`` element.

    Strings come out as JavaScript string literals; NaN and infinities are refused (the
    callers turn missing values into ``None`` first).

    Examples
    --------
    >>> print(script_json({"name": "</script>`${alert(1)}` {{ 7*7 }}"}))
    {"name":"\\u003c/script\\u003e\\u0060${alert(1)}\\u0060 \\u007b{ 7*7 }}"}
    """
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError as exc:  # NaN or infinity: a caller's bug, not the user's input
        raise MapTextError(f"the page data holds a value JSON cannot carry ({exc})") from None
    # JSON itself never writes "{{", "{%" or "{#": each one is inside a string
    return _JINJA_OPEN.sub(r"\\u007b", _unicode(text).translate(_SCRIPT_UNSAFE))


def _unicode(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        around = text[max(0, exc.start - _SHOWN // 2) : exc.start + _SHOWN // 2]
        raise MapTextError(
            f"the text {around!r} is not valid Unicode (it holds a lone surrogate, "
            "usually from a file read with the wrong encoding); read the file with its "
            "encoding (e.g. encoding='cp1252') or clean the text"
        ) from None
    return text
