"""Set-up files agree with each other and the README."""

import re
import tomllib

import yaml

from tests.helpers import ROOT


def _names(requirements):
    return {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0].strip().lower() for r in requirements}


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(project["dependencies"]) | _names(project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {d for d in env["dependencies"] if isinstance(d, str)}
    assert _names(conda) - {"python", "pip"} == wanted
    assert any(isinstance(d, dict) and "-e ." in d["pip"] for d in env["dependencies"])


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", readme, re.S)
    assert blocks[0].strip() == "make demo" and blocks[1].strip() == "make test"
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == "make test"
