"""The import-linter contracts of pyproject.toml, run with the suite: the apps import only the
layers below them, and the patient chart is the one module that combines feature apps."""

from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _layers_contract() -> dict[str, object]:
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["type"] == "layers")


def test_apps_import_only_the_layers_below_them(capsys):
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0, (
        capsys.readouterr().out
    )


def test_every_app_has_its_layer_and_the_chart_sits_above_the_feature_apps():
    contract = _layers_contract()
    assert contract["exhaustive"] is True  # a new app must be placed, or lint-imports fails
    layers = [str(layer) for layer in contract["layers"]]  # type: ignore[attr-defined]
    chart = layers.index("chart")
    for app in ("treatment", "sessions", "screening", "measures", "patients"):
        assert chart < next(i for i, layer in enumerate(layers) if app in layer.split(" | "))
