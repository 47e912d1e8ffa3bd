"""Indicator specs (TOML): the hierarchy indicators -> areas -> index, directions, weights and
the per-indicator parameters some normalizers need (a target, goalposts)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from ruhrgeo._params import number
from ruhrgeo._validate import existing_path
from ruhrgeo.errors import FileFormatError, SpecError
from ruhrgeo.io.write import write_atomic

__all__ = ["RESERVED", "Indicator", "IndicatorSpec", "load_spec", "save_spec"]

# Columns of a composite() result besides the areas: no area may take these names.
RESERVED = frozenset({"index", "rank", "above_average"})
KEYS = ("name", "area", "direction", "unit", "source", "weight", "target", "goalposts")


@dataclass(frozen=True)
class Indicator:
    """One indicator: its column name, area, direction (higher or lower is better), weight,
    and optionally a ``target`` (for ``dist2targ``) and ``goalposts`` (lower, upper) for
    ``goalposts``, both in the indicator's own unit."""

    name: str
    area: str
    direction: Literal["higher", "lower"] = "higher"
    unit: str = ""
    source: str = ""
    weight: float = 1.0
    target: float | None = None
    goalposts: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        _check_indicator(self)
        object.__setattr__(self, "weight", float(self.weight))
        if self.target is not None:
            object.__setattr__(self, "target", float(self.target))
        if self.goalposts is not None:
            object.__setattr__(self, "goalposts", tuple(float(g) for g in self.goalposts))


@dataclass(frozen=True)
class IndicatorSpec:
    """Which indicators make the index, grouped into weighted areas.

    Indicator weights are relative within their area, area weights relative in the total;
    both are normalized to sum 1 when the index is computed. Every weight must be a finite
    number > 0; names must be unique across indicators and areas, and no area may be called
    ``index``, ``rank`` or ``above_average`` (the result's other columns).

    Examples
    --------
    >>> spec = load_spec()
    >>> len(spec.indicators), spec.area_names()
    (12, ['research', 'employment', 'companies', 'infrastructure'])
    >>> spec.subset(spec.names("infrastructure")).area_names()
    ['infrastructure']
    """

    name: str
    indicators: tuple[Indicator, ...]
    areas: dict[str, float] = field(default_factory=dict)
    version: int = 1

    def __post_init__(self) -> None:
        indicators = tuple(self.indicators)
        if not indicators:
            raise SpecError(f"spec {self.name!r} needs at least one indicator")
        for ind in indicators:
            if not isinstance(ind, Indicator):
                raise SpecError(f"spec {self.name!r}: indicators must be Indicator, got {ind!r}")
        names = [i.name for i in indicators]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise SpecError(f"indicator spec names {duplicated} more than once")
        areas = dict(self.areas) if self.areas else {i.area: 1.0 for i in indicators}
        for area, weight in areas.items():
            _check_name(area, "area")
            _check_weight(weight, f"area {area!r}")
        for ind in indicators:
            if ind.area not in areas:
                raise SpecError(
                    f"indicator {ind.name!r} is in area {ind.area!r}, which [areas] lacks "
                    f"({sorted(areas)}); add it to [areas]"
                )
        empty = [a for a in areas if a not in {i.area for i in indicators}]
        if empty:
            raise SpecError(f"areas {empty} have no indicators; remove them from [areas]")
        shared = sorted(set(names) & set(areas))
        if shared:
            raise SpecError(f"{shared} name both an indicator and an area; rename one of them")
        object.__setattr__(self, "areas", {str(k): float(v) for k, v in areas.items()})
        object.__setattr__(self, "indicators", indicators)

    def names(self, area: str | None = None) -> list[str]:
        """The indicator names (the table's columns) in spec order, of one area if given."""
        if area is not None and (not isinstance(area, str) or area not in self.areas):
            raise SpecError(f"spec {self.name!r} has no area {area!r}; areas: {list(self.areas)}")
        return [i.name for i in self.indicators if area is None or i.area == area]

    def area_names(self) -> list[str]:
        """The areas in spec order."""
        return list(self.areas)

    def in_area(self, area: str) -> list[Indicator]:
        """The indicators of one area."""
        return [i for i in self.indicators if i.area == area]

    def directions(self) -> dict[str, str]:
        """Indicator name -> "higher" or "lower"."""
        return {i.name: i.direction for i in self.indicators}

    def subset(self, names: Iterable[str]) -> IndicatorSpec:
        """The spec of some of its indicators; areas left without indicators are dropped."""
        wanted = list(names)
        unknown = sorted(set(wanted) - set(self.names()))
        if unknown:
            raise SpecError(f"spec {self.name!r} has no indicators {unknown}")
        kept = tuple(i for i in self.indicators if i.name in wanted)
        areas = {a: w for a, w in self.areas.items() if any(i.area == a for i in kept)}
        return IndicatorSpec(self.name, kept, areas, self.version)


def _check_name(value: object, what: str, *, column: bool = True) -> None:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"every {what} needs a non-empty text name, got {value!r}")
    if column and value in RESERVED:
        raise SpecError(
            f"{what} name {value!r} is reserved for the result's columns ({sorted(RESERVED)}); "
            "rename it"
        )


def _check_weight(value: object, what: str) -> None:
    number(value, f"weight of {what}", low=0, low_open=True, error=SpecError)


def _check_number(value: object, what: str) -> None:
    number(value, what, error=SpecError)


def _check_indicator(ind: Indicator) -> None:
    _check_name(ind.name, "indicator", column=False)  # indicators are no result column
    _check_name(ind.area, f"indicator {ind.name!r}: area")
    if ind.direction not in ("higher", "lower"):
        raise SpecError(
            f"indicator {ind.name!r}: direction must be 'higher' or 'lower', got {ind.direction!r}"
        )
    for key in ("unit", "source"):
        if not isinstance(getattr(ind, key), str):
            raise SpecError(f"indicator {ind.name!r}: {key} must be text")
    _check_weight(ind.weight, f"indicator {ind.name!r}")
    if ind.target is not None:
        _check_number(ind.target, f"target of indicator {ind.name!r}")
    if ind.goalposts is not None:
        posts = ind.goalposts
        if isinstance(posts, str) or not isinstance(posts, tuple | list) or len(posts) != 2:
            raise SpecError(f"indicator {ind.name!r}: goalposts must be [lower, upper]")
        for post in posts:
            _check_number(post, f"goalposts of indicator {ind.name!r}")
        if not posts[0] < posts[1]:
            raise SpecError(
                f"indicator {ind.name!r}: goalposts must be [lower, upper] with lower < upper, "
                f"got {list(posts)}"
            )


def load_spec(path: str | os.PathLike[str] | None = None) -> IndicatorSpec:
    """Read an indicator spec from TOML; without ``path``, the default Digital-Index Ruhr spec.

    The file holds ``name``, ``version``, an ``[areas]`` table (area = weight) and one
    ``[[indicators]]`` table per indicator with the keys ``name``, ``area``, ``direction``
    (``"higher"``/``"lower"`` is better), ``unit``, ``source``, ``weight`` and, optionally,
    ``target`` (a number, for the ``dist2targ`` normalizer) and ``goalposts`` (``[lower,
    upper]``, for ``goalposts``).

    Examples
    --------
    >>> load_spec().in_area("infrastructure")[0].name
    '5g_area_share'
    """
    if path is None:
        text = (resources.files("ruhrgeo.index") / "specs" / "digital_index_ruhr.toml").read_text()
        origin = "the default spec"
    else:
        origin = os.fspath(path)
        file = existing_path(path, "spec")
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise FileFormatError(f"spec {origin!r} is not UTF-8 text; save it as UTF-8") from None
        except OSError as exc:
            raise FileFormatError(f"spec {origin!r} cannot be read ({exc.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FileFormatError(f"spec {origin!r} is not valid TOML ({exc})") from None
    return _from_toml(data, origin)


def _from_toml(data: dict[str, Any], origin: str) -> IndicatorSpec:
    entries = data.get("indicators", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise FileFormatError(f"spec {origin!r}: indicators must be [[indicators]] tables")
    if not entries:
        raise FileFormatError(f"spec {origin!r} has no [[indicators]] tables")
    areas = data.get("areas", {})
    if not isinstance(areas, dict):
        raise FileFormatError(f"spec {origin!r}: [areas] must be a table of area = weight")
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        raise FileFormatError(f"spec {origin!r}: version must be an integer, got {version!r}")
    indicators = []
    for entry in entries:
        unknown = sorted(set(entry) - set(KEYS))
        missing = [k for k in ("name", "area") if k not in entry]
        if unknown or missing:
            what = f"the unknown key(s) {unknown}" if unknown else f"no key(s) {missing}"
            raise FileFormatError(
                f"spec {origin!r}: the [[indicators]] entry {entry.get('name', '?')!r} has "
                f"{what}; keys: {', '.join(KEYS)} (name and area required)"
            )
        indicators.append(Indicator(**entry))
    return IndicatorSpec(
        name=str(data.get("name", origin)),
        indicators=tuple(indicators),
        areas=areas,
        version=version,
    )


def save_spec(spec: IndicatorSpec, path: str | os.PathLike[str]) -> Path:
    """Write ``spec`` as TOML (atomically); ``load_spec`` reads it back unchanged.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = save_spec(load_spec(), pathlib.Path(tempfile.mkdtemp()) / "spec.toml")
    >>> load_spec(path) == load_spec()
    True
    """
    import tomli_w

    indicators = []
    for ind in spec.indicators:
        entry = {k: v for k, v in asdict(ind).items() if v is not None}
        if "goalposts" in entry:
            entry["goalposts"] = list(entry["goalposts"])
        indicators.append(entry)
    data = {"name": spec.name, "version": spec.version, "areas": spec.areas}
    text = tomli_w.dumps({**data, "indicators": indicators})
    return write_atomic(path, lambda tmp: tmp.write_bytes(text.encode("utf-8")))
