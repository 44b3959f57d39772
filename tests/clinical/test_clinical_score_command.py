"""The `ketacare score` command contract (issue 4): JSON shape, exit codes, stderr."""

from __future__ import annotations

import argparse
import json

import pytest

from ketacare.commands import score


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="ketacare")
    score.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_score_json_prints_exactly_the_contract_object(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["score", "phq9", *"1 2 3 0 1 2 1 0 1".split(), "--json"], capsys)
    assert code == 0
    assert json.loads(out) == {
        "instrument": "phq9",
        "total": 11,
        "severity": "moderate",
        "flags": ["suicidality"],
        "risk": None,
    }
    assert err == ""


def test_score_cssrs_accepts_dash_for_skipped_questions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["score", "cssrs", "1", "0", "-", "-", "-", "0", "-", "--json"], capsys)
    assert code == 0
    assert json.loads(out)["risk"] == "low"
    assert json.loads(out)["severity"] is None


def test_score_out_of_range_exits_2_naming_the_item_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["score", "gad7", "1", "1", "9", "1", "1", "1", "1", "--json"], capsys)
    assert code == 2
    assert out == ""
    assert "item 3" in err


def test_score_non_number_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["score", "phq9", "1", "x", "1", "1", "1", "1", "1", "1", "1"], capsys)
    assert code == 2
    assert "answer 2" in err


def test_score_unknown_instrument_is_an_argparse_error_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as raised:
        run(["score", "phq8", "1"], capsys)
    assert raised.value.code == 2


def test_score_human_output_lists_severity_and_flags(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["score", "phq9", *["3"] * 9], capsys)
    assert code == 0
    assert "severity: severe" in out
    assert "suicidality" in out


def test_the_ketacare_command_routes_score_to_this_module(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ketacare.cli import main

    assert main(["score", "gad7", "3", "3", "3", "3", "3", "3", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["severity"] == "severe"
