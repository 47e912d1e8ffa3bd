"""Every public callable is documented in numpydoc: its parameters (all of them, and no
others), what it returns, the RuhrgeoError subclasses it raises, and a runnable example (the
examples run as doctests: ``pytest --doctest-modules``, see pyproject.toml). Result classes,
made by the functions that return them, document their attributes and an example instead."""

from __future__ import annotations

import dataclasses
import importlib
import inspect

import pytest
from numpydoc.docscrape import ClassDoc, FunctionDoc

from ruhrgeo import errors

PACKAGES = [
    "ruhrgeo",
    "ruhrgeo.datasets",
    "ruhrgeo.index",
    "ruhrgeo.io",
    "ruhrgeo.maps",
    "ruhrgeo.overlay",
    "ruhrgeo.spatial",
    "ruhrgeo.spillover",
]


def public() -> dict[str, object]:
    seen: set[int] = set()
    out = {}
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.ismodule(value) or not callable(value) or id(value) in seen:
                continue
            seen.add(id(value))
            out[f"{package}.{name}"] = value
    return out


def result_class(value: object) -> bool:
    """A class the library returns rather than one a user constructs."""
    name = getattr(value, "__name__", "")
    return inspect.isclass(value) and (
        name.endswith(("Result", "Estimate")) or name in ("Imputed", "Treated", "Screened")
    )


def documented(doc, section: str) -> set[str]:
    names = set()
    for item in doc[section]:
        for part in item.name.split(","):
            names.add(part.strip().lstrip("*").split(" :")[0].strip())
    return names


@pytest.mark.parametrize("name", sorted(public()))
def test_numpydoc_sections(name):
    value = public()[name]
    doc = ClassDoc(value) if inspect.isclass(value) else FunctionDoc(value)
    problems = []
    if not doc["Examples"] or ">>>" not in "\n".join(doc["Examples"]):
        problems.append("no runnable Examples")
    if result_class(value):
        fields = (
            [f.name for f in dataclasses.fields(value)]
            if dataclasses.is_dataclass(value)
            else list(getattr(value, "_fields", []))
        )
        missing = [f for f in fields if f not in documented(doc, "Attributes")]
        if missing:
            problems.append(f"Attributes lack {missing}")
    elif not (inspect.isclass(value) and issubclass(value, BaseException)):
        signature = inspect.signature(value)
        params = [
            p.name
            for p in signature.parameters.values()
            if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
        listed = documented(doc, "Parameters")
        keywords = {
            p.name
            for p in signature.parameters.values()
            if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        }
        if [p for p in params if p not in listed]:
            problems.append(f"Parameters lack {[p for p in params if p not in listed]}")
        stale = listed - set(params) - keywords
        if stale:
            problems.append(f"Parameters document {sorted(stale)}, which it does not take")
        returns = signature.return_annotation
        if not inspect.isclass(value) and returns not in (None, "None") and not doc["Returns"]:
            problems.append("no Returns")
        raised = [item.type for item in doc["Raises"]]
        if not raised:
            problems.append("no Raises")
        for kind in raised:
            for part in kind.split(","):
                short = part.strip().removeprefix("ruhrgeo.errors.")
                if not inspect.isclass(getattr(errors, short, None)):
                    problems.append(f"Raises {part.strip()!r}, not a ruhrgeo.errors class")
    assert not problems, f"{name}: " + "; ".join(problems)
