"""Start-up of the command line and of ``import ruhrgeo``, over the interpreter's own start.

    python benchmarks/bench_startup.py [--runs 5] [--before /tmp/ruhrgeo-before/src]

Times, in fresh processes, median of ``--runs``: the interpreter alone (``python -c pass``),
``import ruhrgeo``, ``ruhrgeo --help`` and ``ruhrgeo <command> --help`` for every command
(run as ``python -c "from ruhrgeo.cli.main import main; main()" ...``, the console script's
own code, so that the same interpreter is timed), and with ``--before SRC`` the same for the
previous release's sources. Then lists the ten largest cumulative import costs of
``ruhrgeo --help`` and of ``import ruhrgeo`` from ``python -X importtime``, and which heavy
packages each loads. The target: every ``--help`` within 0.5 s of the interpreter's start.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEAVY = ("pandas", "numba", "matplotlib", "folium", "spreg", "esda", "geopandas", "rasterio")
CLI = "from ruhrgeo.cli.main import main; main()"


def timed(args: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of ``args`` in fresh processes (one untimed warm-up for the disk)."""
    subprocess.run(args, env=env, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(args, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(times)


def commands(env: dict[str, str]) -> list[str]:
    code = (
        "import click; from ruhrgeo.cli.main import main; "
        "print(' '.join(main.list_commands(click.Context(main))))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return out.stdout.split()


def import_costs(args: list[str], env: dict[str, str], top: int = 10) -> list[tuple[int, str]]:
    """The ``top`` largest cumulative import times (microseconds, module) of ``args``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args], env=env, capture_output=True, text=True
    )
    costs = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:
            costs.append((int(match[1]), match[3]))
    return sorted(costs, reverse=True)[:top]


def loaded(statement: str, argv: list[str], env: dict[str, str]) -> list[str]:
    """The heavy packages in ``sys.modules`` when ``statement`` ends (``--help`` exits)."""
    hook = (
        "import atexit, sys; "
        "atexit.register(lambda: sys.stderr.write('\\n' + ' '.join(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", f"{hook}; {statement}", *argv],
        env=env,
        capture_output=True,
        text=True,
    )
    modules = set(done.stderr.splitlines()[-1].split()) if done.stderr else set()
    return [name for name in HEAVY if name in modules]


def measure(label: str, env: dict[str, str], runs: int, base: float) -> None:
    names = commands(env)
    print(f"\n{label}: {len(names)} commands")
    rows = [("import ruhrgeo", [sys.executable, "-c", "import ruhrgeo"])]
    rows.append(("ruhrgeo --help", [sys.executable, "-c", CLI, "--help"]))
    rows += [(f"ruhrgeo {n} --help", [sys.executable, "-c", CLI, n, "--help"]) for n in names]
    worst = 0.0
    for name, args in rows:
        seconds = timed(args, env, runs)
        if "--help" in name:
            worst = max(worst, seconds - base)
        print(f"  {name:<32} {seconds:6.3f} s  (+{seconds - base:.3f} s over the interpreter)")
    print(f"  slowest --help over the interpreter: {worst:.3f} s (target <= 0.5 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="the previous release's src folder")
    args = parser.parse_args()
    env = dict(os.environ)
    base = timed([sys.executable, "-c", "pass"], env, args.runs)
    print(f"Python {sys.version.split()[0]}, median of {args.runs} fresh processes")
    print(f"interpreter alone (python -c pass): {base:.3f} s")
    measure("this checkout", env, args.runs, base)
    for what, code in (("ruhrgeo --help", [CLI, "--help"]), ("import ruhrgeo", ["import ruhrgeo"])):
        print(f"\n-X importtime, {what}: largest cumulative costs (ms)")
        for micro, module in import_costs(["-c", *code], env):
            print(f"  {micro / 1000:8.1f}  {module}")
    print("\nheavy packages loaded by `ruhrgeo --help`:", loaded(CLI, ["--help"], env) or "none")
    print("heavy packages loaded by `import ruhrgeo`:", loaded("import ruhrgeo", [], env) or "none")
    if args.before:
        old = {**env, "PYTHONPATH": str(args.before.resolve())}
        measure(f"previous release ({args.before})", old, args.runs, base)
        print("heavy packages loaded by its `ruhrgeo --help`:", loaded(CLI, ["--help"], old))


if __name__ == "__main__":
    main()
