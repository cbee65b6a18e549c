"""Every lesson runs with --quick, prints its punchline (measured numbers that agree with the
lesson's own results), writes its plots, opens as a notebook, and speaks Korean with --lang ko."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gymlab.experiments.lessons import PUNCHLINE_PREFIX, list_lessons, untranslated
from gymlab.experiments.spread import format_spread, spread

LESSONS = list_lessons()
HANGUL = re.compile("[\uac00-\ud7a3]")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def run(path: Path, out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(path), "--quick", "--seed", "0", "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "MPLBACKEND": "Agg", **(env or {})},
    )


def _params():
    for lesson in LESSONS:
        marks = [pytest.mark.slow] if lesson.number in ("07", "10", "11") else []  # RL training (≈ 1 min)
        yield pytest.param(lesson, id=lesson.path.stem, marks=marks)


@pytest.mark.parametrize("lesson", list(_params()))
def test_lesson_runs_quick_and_its_punchline_matches_its_results(lesson, tmp_path):
    completed = run(lesson.path, tmp_path, env={"LANG": "C.UTF-8", "LANGUAGE": ""})
    assert completed.returncode == 0, completed.stderr[-2000:]
    punchlines = [line for line in completed.stdout.splitlines() if line.startswith(PUNCHLINE_PREFIX)]
    assert len(punchlines) == 1, f"{lesson.path.name} must print exactly one {PUNCHLINE_PREFIX} line"
    assert re.search(r"\d", punchlines[0]), "a punchline states a measured number"
    record = json.loads((tmp_path / "punchline.json").read_text())
    assert punchlines[0] == f"{PUNCHLINE_PREFIX} {record['text']}"
    CHECKS[lesson.number](record["facts"], record["text"], tmp_path)
    plots = list(tmp_path.rglob("*.png"))
    assert plots, f"{lesson.path.name} saved no plot under --out"
    assert all(plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for plot in plots), "every plot is a PNG"
    leftovers = [path.name for path in tmp_path.rglob(".*")]
    assert not leftovers, f"half-written temporary files left behind: {leftovers}"
    assert lesson.summary, f"{lesson.path.name} needs a docstring whose first line summarises it"
    assert not HANGUL.search(completed.stdout), "English unless asked for Korean"


# --- each lesson's punchline against its own results ---------------------------------------------


def check_01(facts, text, out):
    assert facts["lines"] == facts["rows"] + 1  # + the header
    assert facts["words"] == 5 * facts["lines"]  # Index + 4 stats, no spaces inside a field
    for estimate in facts["sample_means"].values():
        assert abs(estimate - facts["mean"]) < 1.0 and f"{estimate:.2f}" in text
    assert f"{facts['lines']:,} lines" in text


def check_02(facts, text, out):
    from gymlab.experiments.datasets import synthetic_height_weight

    height, _weight = synthetic_height_weight(2_000, seed=0)
    z = np.abs(height - height.mean()) / height.std(ddof=1)
    assert facts["one"] == pytest.approx(100 * np.mean(z <= 1))
    assert facts["two"] == pytest.approx(100 * np.mean(z <= 2))
    assert f"{facts['one']:.1f} %" in text and f"{facts['slope']:.2f} lb" in text
    if facts["pandas_difference"] is not None:
        assert facts["pandas_difference"] < 1e-9


def check_03(facts, text, out):
    from gymlab.agents.coins import greedy_change, optimal_change

    assert (facts["written"], facts["ran"], facts["fixed"], facts["failed"]) == (5, 1, 5, 1)
    assert facts["greedy"] == greedy_change((10, 60, 100), 120).count == 3
    assert facts["optimal"] == optimal_change((10, 60, 100), 120).count == 2
    amounts = range(10, facts["top"] + 1, 10)
    worse = sum(
        greedy_change((10, 60, 100), a).count != optimal_change((10, 60, 100), a).count for a in amounts
    )
    assert facts["worse"] == worse and f"{worse} of the {len(amounts)} amounts" in text


def check_04(facts, text, out):
    assert facts["low"] <= facts["high"] and 0 <= facts["improved"] <= facts["n"]
    assert 1 <= facts["hits"] <= facts["n"]
    assert facts["optimum"] is None or facts["low"] >= facts["optimum"] - 1e-9
    if (SHARED_DATA / "corp_routes.csv").is_file():  # the book's file is found and planned as an open path
        assert facts["closed"] is False and facts["name"] == "corp_routes"
        assert facts["optimum"] == 128 and facts["other_optimum"] == 171
        assert text.startswith("open path on corp_routes")


def check_05(facts, text, out):
    outcomes = facts["outcomes"]
    assert (outcomes["crawl"], outcomes["good"], outcomes["blowup"]) == ("max_steps", "converged", "diverged")
    assert outcomes["too_low_minimum"] != 0 and outcomes["right_minimum"] == 0  # shallow, then deep valley
    assert outcomes["too_high"] == "max_steps" and facts["high_f"] > facts["fine_f"] + 0.05  # it stalls
    assert facts["found"] == 4 and facts["momentum_outcome"] == "converged"
    assert f"stalled at f = {facts['high_f']:.3f}" in text


def check_06(facts, text, out):
    assert facts["purity"] >= 0.95 > facts["raw_purity"] and facts["ari"] > facts["raw_ari"]
    assert facts["rate"] == 1.0 > facts["greedy"]
    assert len(facts["names"].split("; ")) == facts["k"] == 4
    assert "high points" in facts["names"] and "scorer" not in facts["names"]  # named from the centres


def check_07(facts, text, out):
    laps = {reward: t for reward, t in facts["lap_times"].items() if t is not None}
    assert laps, "the quick run must show at least one reward function lapping"
    for reward, lap_time in facts["lap_times"].items():
        saved = json.loads((out / f"ppo-{reward}-s0" / "evaluation.json").read_text())["summary"]
        assert saved["mean_lap_time"] == lap_time
        config = json.loads((out / f"ppo-{reward}-s0" / "config.json").read_text())["config"]
        rollout = config["hyperparams"]["n_steps"] * config["hyperparams"]["n_envs"]
        assert config["steps"] <= facts["steps"] < config["steps"] + rollout and facts["steps"] % rollout == 0
    assert f"after {facts['steps']:,} PPO training steps" in text
    seeds = facts["seed_lap_times"]
    assert len(seeds) >= 2 and seeds[0] == facts["lap_times"][facts["reward"]]
    assert format_spread(spread(seeds)) in text and f"n={len(seeds)}" in text  # mean ± sample std [95 % CI]
    from gymlab.envs.raceline import env_limit
    from gymlab.experiments.runner import config_env

    config = json.loads((out / f"ppo-{facts['reward']}-s0" / "config.json").read_text())["config"]
    kwargs = {key: value for key, value in config["env_kwargs"].items() if key != "reward"}
    assert facts["limit"] == env_limit(config_env({"env": config["env"], "env_kwargs": kwargs}))
    assert f"the lap-time limit {facts['limit']:.2f} s" in text
    assert (
        -3.0 <= 100 * (facts["champion_lap"] / facts["limit"] - 1) <= 2.0
    )  # the champion drives at the limit
    assert facts["champion_actions_lap"] >= facts["champion_lap"]  # 15° steps cost time


def check_08(facts, text, out):
    results = json.loads((out / "results.json").read_text())["test"]
    assert facts["ours"] == results["model"]["rmse"] and facts["naive"] == results["baseline"]["rmse"]
    assert facts["gain"] == pytest.approx(1 - facts["ours"] / facts["naive"])
    assert facts["ship"] == (facts["gain"] >= 0.10)


def check_09(facts, text, out):
    assert facts["identical"] and facts["warned"]
    assert (facts["book_500"], facts["book_missing"]) == (200, 500)  # nonsense answered, then a crash
    assert facts["ours_tall"] == facts["ours_500"] == facts["ours_missing"] == 400
    model = json.loads((out / "model.json").read_text())
    assert facts["weight"] == pytest.approx(model["slope"] * 70 + model["intercept"])
    assert facts["tall"] > model["fitted_heights"][1]


def check_10(facts, text, out):
    for name, seconds in (("before", facts["before_seconds"]), ("after", facts["after_seconds"])):
        saved = json.loads((out / name / "evaluation.json").read_text())["summary"]
        assert saved["mean_lap_time"] == seconds
    child = json.loads((out / "after" / "config.json").read_text())["config"]
    assert child["parent"]["run"] == str((out / "before").resolve()) and child["reward"] == "faster"
    assert 0 <= facts["after_share"] <= 100 and 0 <= facts["before_share"] <= 100
    assert f"{facts['before_share']:.0f} % of its steps at the slowest speed" in text
    assert (out / "action_usage.png").is_file() and (out / "before" / "trace.csv").is_file()


def check_11(facts, text, out):
    for agent, key in (("random", "random"), ("maskable_ppo", "ppo"), ("nearest_neighbour", "nn"),
                       ("attention_greedy", "greedy"), ("two_opt", "two_opt")):  # fmt: skip
        saved = json.loads((out / agent / "evaluation.json").read_text())
        assert saved["summary"]["mean_gap_percent"] == facts[key]
        assert len(saved["episodes"]) == facts["episodes"]
        assert {row["gap_to"] for row in saved["episodes"]} == {"2-opt + Or-opt, 50 kicks"}  # one reference
    config = json.loads((out / "attention_greedy" / "config.json").read_text())["config"]
    assert config["steps"] == facts["instances"] and config["env"] == "gymlab/TSP-20-v0"
    assert facts["multi"] <= facts["greedy"]  # multi-start × 8 includes the greedy tour
    assert facts["two_opt"] <= facts["nn"] and facts["greedy"] < facts["random"]
    assert facts["sees"] == (facts["greedy"] < facts["ppo"]) and facts["sees"]
    assert text.startswith("architecture is what lets RL see geometry") and f"{facts['multi']:.2f} %" in text
    assert (out / "route_learning.png").is_file()


CHECKS = {f"{n:02d}": check for n, check in enumerate(
    [check_01, check_02, check_03, check_04, check_05, check_06, check_07, check_08, check_09, check_10,
     check_11],
    start=1)}  # fmt: skip


# --- Korean ---------------------------------------------------------------------------------------


def test_every_message_has_a_korean_translation():
    from gymlab.experiments.i18n import po_entries

    missing = untranslated("ko")
    assert not missing, "add to experiments/locale/ko/LC_MESSAGES/gymlab.po:\n" + po_entries(missing)


def test_lessons_run_3_quick_lang_ko_prints_korean(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "gymlab.experiments", "lessons", "run", "3", "--quick", "--lang", "ko",
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    punchline = next(line for line in completed.stdout.splitlines() if line.startswith(PUNCHLINE_PREFIX))
    assert HANGUL.search(punchline) and "unittest" in punchline
    narration = [line for line in completed.stdout.splitlines() if line.strip()]
    assert sum(bool(HANGUL.search(line)) for line in narration) >= 0.8 * len(narration)


def test_korean_from_the_environment_and_the_lesson_list(cli, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "")
    monkeypatch.setenv("LC_ALL", "ko_KR.UTF-8")
    result = cli("lessons", "list")
    assert result.exit_code == 0, result.stderr
    assert all(HANGUL.search(line) for line in result.stdout.strip().splitlines())
    english = cli("lessons", "list", "--lang", "en")
    assert not HANGUL.search(english.stdout)
    from gymlab.experiments.i18n import set_language

    set_language("en")


def test_unknown_language_is_a_clear_error(cli):
    result = cli("lessons", "list", "--lang", "xx")
    assert result.exit_code == 2 and "unknown language 'xx'" in result.stderr and "ko" in result.stderr


# --- notebooks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.path.stem for lesson in LESSONS])
def test_every_lesson_is_a_notebook(lesson):
    source = lesson.path.read_text(encoding="utf-8")
    assert source.count("\n# %%") >= 3, "split the lesson into jupytext percent cells (# %%)"
    assert "def main(" not in source, "a notebook runs top to bottom: keep the lesson's steps at top level"
    jupytext = pytest.importorskip("jupytext", reason="pip install -e '.[dev]' to check the conversion")
    notebook = jupytext.read(lesson.path)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert len(code) >= 3
    assert any("lesson_arguments(" in cell.source for cell in code)
    assert jupytext.writes(notebook, fmt="ipynb")


def test_a_lesson_runs_top_to_bottom_as_a_notebook(tmp_path):
    jupytext = pytest.importorskip("jupytext", reason="pip install -e '.[notebooks]'")
    nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[notebooks]'")
    pytest.importorskip("ipykernel", reason="pip install -e '.[notebooks]'")
    notebook = jupytext.read(LESSONS[2].path)  # 03: making change
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    printed = "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert "PUNCHLINE:" in printed and "Ran 1" in printed
    assert list(tmp_path.glob("runs/*-lesson/coins.png")), "the notebook saves its plots under runs/"


def test_korean_plots_use_an_installed_hangul_font(tmp_path):
    from gymlab.experiments.i18n import hangul_font

    if hangul_font() is None:
        pytest.skip("no font with Hangul installed (e.g. apt install fonts-nanum)")
    completed = run(LESSONS[4].path, tmp_path, "--lang", "ko")  # 05: plot titles and legends in Korean
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "missing from font" not in completed.stderr and "does not have a glyph" not in completed.stderr
    assert "한글 글꼴" not in completed.stderr  # no fallback notice


# --- the CLI ----------------------------------------------------------------------------------------


def test_lessons_cli_bad_lesson_is_a_clear_error(cli):
    result = cli("lessons", "run", "99")
    assert result.exit_code == 2
    assert "no lesson '99'" in result.stderr
    assert "Traceback" not in result.stderr


EXPECTED = [
    ("01", "shell_thinking"),
    ("02", "descriptive_statistics"),
    ("03", "making_change"),
    ("04", "greedy_routing"),
    ("05", "gradient_descent"),
    ("06", "three_kinds_of_ml"),
    ("07", "deepracer_reward"),
    ("08", "data_science_workflow"),
    ("09", "model_to_service"),
    ("10", "reading_the_logs"),
    ("11", "learning_to_route"),
]


def test_lessons_list_shows_every_lesson_in_order(cli):
    result = cli("lessons", "list", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [tuple(line.split()[:2]) for line in lines] == EXPECTED
    for line, lesson in zip(lines, LESSONS, strict=True):
        assert lesson.summary in line


def test_lessons_list_json_is_one_document_with_summaries(cli):
    result = cli("lessons", "list", "--json", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    lessons = json.loads(result.stdout)
    assert [(x["number"], x["name"]) for x in lessons] == EXPECTED
    assert all(x["summary"] and x["path"].endswith(f"{x['number']}_{x['name']}.py") for x in lessons)


def test_lesson_with_data_option_refuses_a_missing_file(tmp_path):
    lesson = next(x for x in LESSONS if x.number == "04")
    completed = subprocess.run(
        [sys.executable, str(lesson.path), "--data", str(tmp_path / "none.csv"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert completed.returncode == 2
    assert "no file at" in completed.stderr and "Traceback" not in completed.stderr


def test_lesson_refuses_an_unknown_language(tmp_path):
    completed = run(LESSONS[2].path, tmp_path, "--lang", "xx")
    assert completed.returncode == 2 and "unknown language 'xx'" in completed.stderr
