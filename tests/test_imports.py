"""`import mlcourse_lib` and its submodules stay light: the heavy packages (matplotlib,
scikit-learn, nbgrader, tqdm) load only inside the functions that need them."""

from __future__ import annotations

import subprocess
import sys

import pytest

import mlcourse_lib

HEAVY = ("matplotlib", "sklearn", "nbgrader", "tqdm")


def _loaded_after(statement: str) -> list[str]:
    """The heavy packages in sys.modules after running ``statement`` in a fresh interpreter."""
    code = f"import sys; {statement}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return [name for name in out.strip().split(",") if name]


def test_import_package_loads_no_heavy_package():
    assert _loaded_after("import mlcourse_lib") == []


@pytest.mark.parametrize("submodule", mlcourse_lib._SUBMODULES)
def test_import_submodule_loads_no_heavy_package(submodule):
    assert _loaded_after(f"import mlcourse_lib.{submodule}") == []


def test_lazy_attribute_access_loads_the_submodule():
    out = subprocess.run(
        [sys.executable, "-c", "import sys, mlcourse_lib; mlcourse_lib.metrics; "
                               "print('mlcourse_lib.metrics' in sys.modules, 'mlcourse_lib.plots' in sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert out.split() == ["True", "False"]
