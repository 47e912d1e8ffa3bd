"""Indicator specs (TOML): which indicators make the index, in which areas, with which weights."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from ruhrgeo._validate import existing_path
from ruhrgeo.errors import FileFormatError, ParameterError
from ruhrgeo.io.write import write_atomic

__all__ = ["Indicator", "IndicatorSpec", "load_spec", "save_spec"]


@dataclass(frozen=True)
class Indicator:
    """One indicator: its column name, area, direction (higher or lower is better), weight."""

    name: str
    area: str
    direction: Literal["higher", "lower"] = "higher"
    unit: str = ""
    source: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class IndicatorSpec:
    """Which indicators make the index, grouped into weighted areas.

    Indicator weights are relative within their area, area weights relative in the total;
    both are normalised to sum 1 when the index is computed.

    Examples
    --------
    >>> spec = load_spec()
    >>> len(spec.indicators), spec.area_names()
    (12, ['research', 'employment', 'companies', 'infrastructure'])
    """

    name: str
    indicators: tuple[Indicator, ...]
    areas: dict[str, float] = field(default_factory=dict)
    version: int = 1

    def __post_init__(self) -> None:
        names = [i.name for i in self.indicators]
        if not names:
            raise ParameterError("an indicator spec needs at least one indicator")
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ParameterError(f"indicator spec names {duplicated} more than once")
        areas = dict(self.areas) or {i.area: 1.0 for i in self.indicators}
        for ind in self.indicators:
            if ind.direction not in ("higher", "lower"):
                raise ParameterError(
                    f"indicator {ind.name!r}: direction must be 'higher' or 'lower', "
                    f"got {ind.direction!r}"
                )
            if ind.area not in areas:
                raise ParameterError(
                    f"indicator {ind.name!r} is in area {ind.area!r}, which [areas] lacks "
                    f"({sorted(areas)})"
                )
            if not ind.weight > 0:
                raise ParameterError(f"indicator {ind.name!r}: weight must be > 0")
        if any(not w > 0 for w in areas.values()):
            raise ParameterError(f"area weights must be > 0, got {areas}")
        object.__setattr__(self, "areas", areas)
        object.__setattr__(self, "indicators", tuple(self.indicators))

    def names(self) -> list[str]:
        """The indicator names (the table's columns) in spec order."""
        return [i.name for i in self.indicators]

    def area_names(self) -> list[str]:
        """The areas in spec order."""
        return list(self.areas)

    def in_area(self, area: str) -> list[Indicator]:
        """The indicators of one area."""
        return [i for i in self.indicators if i.area == area]

    def directions(self) -> dict[str, str]:
        """Indicator name -> "higher" or "lower"."""
        return {i.name: i.direction for i in self.indicators}


def load_spec(path: str | os.PathLike[str] | None = None) -> IndicatorSpec:
    """Read an indicator spec from TOML; without ``path``, the default Digital-Index Ruhr spec.

    Examples
    --------
    >>> load_spec().in_area("infrastructure")[0].name
    '5g_area_share'
    """
    if path is None:
        text = (resources.files("ruhrgeo.index") / "specs" / "digital_index_ruhr.toml").read_text()
        origin = "the default spec"
    else:
        text = existing_path(path, "spec").read_text(encoding="utf-8")
        origin = os.fspath(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FileFormatError(f"spec {origin!r} is not valid TOML ({exc})") from None
    try:
        indicators = tuple(Indicator(**entry) for entry in data.get("indicators", []))
    except TypeError as exc:
        raise FileFormatError(
            f"spec {origin!r}: an [[indicators]] entry has an unknown or missing key ({exc}); "
            "keys: name, area, direction, unit, source, weight"
        ) from None
    return IndicatorSpec(
        name=str(data.get("name", origin)),
        indicators=indicators,
        areas={k: float(v) for k, v in data.get("areas", {}).items()},
        version=int(data.get("version", 1)),
    )


def save_spec(spec: IndicatorSpec, path: str | os.PathLike[str]) -> Path:
    """Write ``spec`` as TOML (atomically); ``load_spec`` reads it back unchanged."""
    import tomli_w

    data = {
        "name": spec.name,
        "version": spec.version,
        "areas": spec.areas,
        "indicators": [asdict(i) for i in spec.indicators],
    }
    return write_atomic(path, lambda tmp: tmp.write_bytes(tomli_w.dumps(data).encode("utf-8")))
