"""The README's Python example runs as written."""

from __future__ import annotations

import re

import pytest
from conftest import REPO


def test_readme_python_example_runs():
    readme = REPO / "README.md"
    if not readme.exists():
        pytest.skip("README.md not found beside the tests")
    block = re.search(r"```python\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    assert block, "README.md has no ```python example"
    namespace: dict = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)
    assert len(namespace["shares"]) == 53
    assert namespace["region"].index.name == "kreis" and len(namespace["region"]) == 15
    assert namespace["shares"].equals(namespace["people"])  # Overlay and coverage_share agree
