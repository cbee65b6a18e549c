"""`gymlab demo …` through the CLI: the JSON documents, the PNGs, and bad input → exit code 2."""

import json

import numpy as np
import pandas as pd
import pytest

from gymlab.experiments import datasets


def test_gd_default_sweep_shows_the_three_regimes(cli, tmp_path):
    result = cli("demo", "gd", "--json", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["function"] == "quadratic"
    assert [run["lr"] for run in document["runs"]] == [0.001, 0.1, 1.1]
    assert [run["outcome"] for run in document["runs"]] == ["max_steps", "converged", "diverged"]
    assert all(set(run) == {"optimizer", "lr", "outcome", "steps", "final_loss"} for run in document["runs"])
    assert (tmp_path / "gd-losses.png").stat().st_size > 0
    assert (tmp_path / "gd-paths.png").stat().st_size > 0
    assert json.loads((tmp_path / "result.json").read_text())["provenance"]["config"]["lr"] == [
        0.001,
        0.1,
        1.1,
    ]


def test_gd_on_a_function_with_several_minima_shows_where_each_start_ends(cli, tmp_path):
    result = cli("demo", "gd", "-f", "double_well", "--lr", "0.05", "-o", "gd,adam", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "global" in result.stdout and "local" in result.stdout
    assert (tmp_path / "gd-starts.png").exists()
    starts = json.loads((tmp_path / "result.json").read_text())["result"]["starts"]
    assert len({tuple(s["minimum"]) for s in starts}) == 2


def test_regression_json_and_agreement(cli, tmp_path):
    result = cli("demo", "regression", "--n", "2000", "--json", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"n", "closed_form", "gradient_descent", "r", "files"}
    assert document["n"] == 2000
    closed, descent = document["closed_form"], document["gradient_descent"]
    assert set(closed) == {"slope", "intercept"} and set(descent) == {"slope", "intercept", "steps"}
    assert descent["slope"] == pytest.approx(closed["slope"], rel=1e-6)
    assert descent["intercept"] == pytest.approx(closed["intercept"], rel=1e-6)
    assert document["r"] == pytest.approx(0.503, abs=1e-4)
    for name in ("regression-fit.png", "regression-density.png"):
        assert (tmp_path / name).stat().st_size > 0


def test_regression_reads_a_quirky_csv(cli, tmp_path):
    height, weight = datasets.synthetic_height_weight(n=300, seed=2)
    rows = "".join(f"{i + 1},{h},{w}\r\n" for i, (h, w) in enumerate(zip(height, weight, strict=True)))
    path = tmp_path / "hw.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("Index,Height-Inches,Weight-Pounds\r\n" + rows).encode())
    result = cli("demo", "regression", "--data", path, "--json", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["n"] == 300
    slope, _ = np.polyfit(height, weight, 1)
    assert document["closed_form"]["slope"] == pytest.approx(slope, rel=1e-9)


def test_describe_json_equals_pandas(cli, tmp_path):
    rng = np.random.default_rng(0)
    table = {"a": rng.normal(size=400), "b": rng.exponential(size=400)}
    path = datasets.write_csv(tmp_path / "data.csv", table)
    result = cli("demo", "describe", path, "--json", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)["columns"]
    expected = pd.read_csv(path).describe()
    for column in ("a", "b"):
        assert list(document[column]) == ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]
        for stat, value in document[column].items():
            assert value == pytest.approx(expected.loc[stat, column], rel=1e-9)
    assert (tmp_path / "out" / "describe-histograms.png").exists()
    human = cli("demo", "describe", path, "--out", tmp_path / "out2")
    assert "50%" in human.stdout and "count" in human.stdout


def test_kmeans_json_on_the_players(cli, tmp_path):
    result = cli(
        "demo", "kmeans", "--k", "4", "--players", "200", "--k-max", "5", "--json", "--out", tmp_path
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"k", "inertia", "labels", "centers", "silhouette", "names", "files"}
    assert len(document["names"]) == 4 and "high points" in document["names"]  # named from the centres
    assert document["k"] == 4 and len(document["labels"]) == 200
    assert np.array(document["centers"]).shape == (4, 4)
    assert 0.4 < document["silhouette"] <= 1
    saved = json.loads((tmp_path / "result.json").read_text())["result"]
    assert saved["adjusted_rand"] > 0.9 and saved["purity"] > 0.95
    assert sorted(kind for kind, _share in saved["majority"]) == sorted(
        ["scorer", "playmaker", "rim protector", "role player"]
    )  # the hidden archetypes only as a check
    assert (tmp_path / "kmeans.png").exists()
    human = cli("demo", "kmeans", "--players", "200", "--k-max", "5", "--out", tmp_path / "h")
    assert "adjusted Rand index" in human.stdout and "rim protector" in human.stdout
    assert "(high blocks, high rebounds)" in human.stdout  # the cluster's name comes from its centre


def test_kmeans_on_a_csv_without_scaling(cli, tmp_path):
    path = datasets.write_csv(
        tmp_path / "pts.csv", {"x": np.array([0, 0.1, 5, 5.1, 10, 10.2]), "y": np.zeros(6)}
    )
    result = cli(
        "demo", "kmeans", "--data", path, "-k", "3", "--no-scale", "--k-max", "3", "--json", "--out", tmp_path
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["inertia"] == pytest.approx(0.005 + 0.005 + 0.02)
    assert sorted(round(c[0], 2) for c in document["centers"]) == [0.05, 5.05, 10.1]


def test_sample_prints_k_lines_of_the_file(cli, tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("".join(f"row {i}\n" for i in range(100)))
    result = cli("demo", "sample", path, "-n", "5", "--seed", "3")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5 == len(set(lines)) and all(line.startswith("row ") for line in lines)
    assert cli("demo", "sample", path, "-n", "5", "--seed", "3").stdout == result.stdout
    document = json.loads(cli("demo", "sample", path, "-n", "5", "--seed", "3", "--json").stdout)
    assert document["lines"] == lines
    assert document["counts"] == {"lines": 100, "words": 200, "bytes": path.stat().st_size}
    with_wc = cli("demo", "sample", path, "-n", "2", "--wc").stdout.splitlines()
    assert with_wc[-1] == f"100 200 {path.stat().st_size} {path}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["describe", "{missing}"], "file not found"),
        (["sample", "{missing}", "-n", "3"], "file not found"),
        (["regression", "--data", "{missing}"], "file not found"),
        (["kmeans", "--data", "{missing}"], "file not found"),
        (["describe", "{words}"], "no numeric columns"),
        (["kmeans", "--data", "{words}"], "no numeric columns"),
        (["kmeans", "--data", "{small}", "-k", "10"], "k must be between 1 and the number of rows (3)"),
        (["kmeans", "--players", "5", "-k", "6"], "k must be between 1 and the number of rows (5)"),
        (["kmeans", "-k", "0"], "k must be between 1"),
        (["gd", "--lr", "0.1,0"], "learning rate must be a positive number"),
        (["gd", "--lr", "-0.5"], "learning rate must be a positive number"),
        (["gd", "--lr", "fast"], "--lr must be numbers"),
        (["gd", "-f", "himmelblau"], "unknown function 'himmelblau'"),
        (["gd", "-o", "sgd"], "unknown optimizer 'sgd'"),
        (["gd", "--start", "1"], "quadratic takes a start of 2 number(s)"),
        (["gd", "--max-steps", "0"], "max steps must be at least 1"),
        (["regression", "--lr", "0"], "learning rate must be a positive number"),
        (["regression", "--data", "{words}"], "no numeric columns"),
        (["regression", "--data", "{small}"], "no numeric Height column"),
        (["sample", "{small}", "-n", "0"], "-n must be at least 1"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(cli, tmp_path, args, message):
    files = {
        "missing": tmp_path / "absent.csv",
        "words": tmp_path / "words.csv",
        "small": tmp_path / "small.csv",
    }
    files["words"].write_text("name,team\nann,red\nbob,blue\n")
    files["small"].write_text("a,b\n1,2\n3,4\n5,6\n")
    out = tmp_path / "out"
    args = [arg.format(**files) for arg in args]
    if args[0] != "sample":
        args += ["--out", str(out)]
    result = cli("demo", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert not out.exists()  # nothing written, not even half
