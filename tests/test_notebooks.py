"""Notebooks are code: paired with jupytext, committed without outputs, one parameters cell."""

import ast

import jupytext
import nbformat
import pytest

from opsworkbench.config import NOTEBOOKS as PACKAGED
from tests.helpers import ROOT

NOTEBOOKS = sorted(
    {p.resolve() for p in [*(ROOT / "notebooks").glob("*.ipynb"), *PACKAGED.glob("*.ipynb")]}
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_paired_and_in_sync(path):
    paired = path.with_suffix(".py")
    assert paired.exists(), f"{path.name} has no py:percent twin"
    nb, py = nbformat.read(path, as_version=4), jupytext.read(paired)
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    assert [c.source for c in nb.cells] == [c.source for c in py.cells], "run `make notebooks`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_thin_cells_and_one_parameters_cell(path):
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and cells[0] is tagged[0]
    for node in ast.walk(ast.parse(tagged[0].source)):
        if isinstance(node, ast.Assign):
            assert isinstance(node.value, ast.Constant), "parameters must be literals"
    for cell in cells:
        tree = ast.parse(cell.source)
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
