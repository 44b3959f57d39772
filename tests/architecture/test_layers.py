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


def _index(layers: list[str], app: str) -> int:
    return next(i for i, layer in enumerate(layers) if app in layer.split(" | "))


def test_no_layer_lets_its_members_import_each_other():
    # ":" in a layer would allow imports both ways between its members (the tangle that
    # clinics, accounts and audit were); "|" keeps them independent.
    layers = [str(layer) for layer in _layers_contract()["layers"]]  # type: ignore[attr-defined]
    assert [layer for layer in layers if ":" in layer] == []


def test_accounts_sit_above_the_audit_log_and_the_clinic_they_use():
    layers = [str(layer) for layer in _layers_contract()["layers"]]  # type: ignore[attr-defined]
    assert _index(layers, "accounts") < _index(layers, "audit")
    assert _index(layers, "accounts") < _index(layers, "clinics")


def test_every_app_has_its_layer_and_the_chart_sits_above_the_feature_apps():
    contract = _layers_contract()
    assert contract["exhaustive"] is True  # a new app must be placed, or lint-imports fails
    layers = [str(layer) for layer in contract["layers"]]  # type: ignore[attr-defined]
    chart = layers.index("chart")
    for app in ("treatment", "sessions", "screening", "measures", "patients"):
        assert chart < _index(layers, app)
