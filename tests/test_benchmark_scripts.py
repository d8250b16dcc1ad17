"""The scripts in benchmarks/ run as `python benchmarks/NAME.py`, which puts benchmarks/ first on the
import path: a script named like a standard-library module (http.py) would shadow it for every other
script there, and Django itself would fail to start in them (CI runs benchmarks/two_servers.py)."""

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_no_benchmark_script_shadows_a_standard_library_module():
    names = sorted(path.stem for path in BENCHMARKS.glob("*.py"))
    assert names, "no benchmark scripts found"
    shadowing = [name for name in names if name in sys.stdlib_module_names]
    assert not shadowing, f"rename these benchmark scripts, they shadow the standard library: {shadowing}"
