"""`gymlab tsp …`: JSON shape, the table and PNG of compare, and every bad input → exit 2, one line."""

import json
import math

import pytest

from gymlab.envs.tsp_instances import load_instance

KEYS = {"solver", "length", "tour", "seconds", "optimal", "gap"}


def one_line_error(result, fragment):
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_solve_json_shape_exact_burma14(cli, shared_data):
    result = cli("tsp", "solve", shared_data / "tsplib" / "burma14.tsp", "--solver", "exact", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == KEYS
    assert (
        data["solver"] == "exact" and data["length"] == 3323 and data["optimal"] == 3323 and data["gap"] == 0
    )
    assert sorted(data["tour"]) == list(range(14)) and data["seconds"] >= 0


@pytest.mark.parametrize("solver", ["nn", "restarts", "two-opt", "exact"])
def test_solve_every_solver_on_random_cities(cli, solver):
    result = cli(
        "tsp", "solve", "--random", "9", "--seed", "3", "--solver", solver, "--restarts", "4", "--json"
    )
    data = json.loads(result.stdout)
    assert set(data) == KEYS and sorted(data["tour"]) == list(range(9))
    assert data["optimal"] is not None and data["gap"] >= 0  # 9 cities: Held–Karp gives the optimum
    again = json.loads(
        cli(
            "tsp", "solve", "--random", "9", "--seed", "3", "--solver", solver, "--restarts", "4", "--json"
        ).stdout
    )
    assert again["tour"] == data["tour"]  # same seed, same answer


def test_solve_open_path_of_the_books_routes(cli, shared_data):
    csv = shared_data / "corp_routes.csv"
    data = json.loads(cli("tsp", "solve", csv, "--solver", "exact", "--open", "--json").stdout)
    assert data["length"] == 128 and len(data["tour"]) == 15
    routes = load_instance(csv)
    assert routes.length(data["tour"], closed=False) == 128
    assert json.loads(cli("tsp", "solve", csv, "--solver", "exact", "--json").stdout)["length"] == 171
    text = cli("tsp", "solve", csv, "--solver", "restarts", "--open", "--restarts", "30")
    assert text.exit_code == 0 and "30 random starts" in text.stdout and "every run:" in text.stdout


def test_optimal_flag_and_unknown_optimum(cli, shared_data):
    path = shared_data / "tsplib" / "st70.tsp"
    data = json.loads(cli("tsp", "solve", path, "--solver", "nn", "--optimal", "700", "--json").stdout)
    assert data["optimal"] == 700 and math.isclose(data["gap"], data["length"] / 700 - 1, abs_tol=1e-9)
    unknown = json.loads(cli("tsp", "solve", "--random", "40", "--solver", "nn", "--json").stdout)
    assert unknown["optimal"] is None and unknown["gap"] is None
    # optimal.json holds closed-tour optima: they do not apply to an open path
    assert (
        json.loads(cli("tsp", "solve", path, "--open", "--solver", "nn", "--json").stdout)["optimal"] is None
    )


def test_compare_writes_table_png_and_json(cli, shared_data, tmp_path):
    result = cli("tsp", "compare", shared_data / "tsplib" / "gr17.tsp", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    for solver in ("nn", "restarts", "two-opt", "exact"):
        assert solver in result.stdout
    assert (tmp_path / "tours.png").stat().st_size > 1000 and (tmp_path / "restarts.png").is_file()
    saved = json.loads((tmp_path / "compare.json").read_text())
    assert saved["optimal"] == 2085 and "provenance" in saved
    args = ("tsp", "compare", "--random", "25", "--out", tmp_path / "r", "--no-references", "--json")
    as_json = json.loads(cli(*args).stdout)
    assert [row["solver"] for row in as_json["solvers"]] == ["nn", "restarts", "two-opt"]
    assert as_json["skipped"] and all(set(row) == KEYS | {"reference"} for row in as_json["solvers"])
    assert as_json["strongest"] == "two-opt" and "two-opt" in as_json["conclusion"]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


GOOD_HEADER = "NAME: t\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n"


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("truncated.tsp", GOOD_HEADER + "1 0 0\n2 3 4\n", "truncated or malformed"),
        ("malformed.tsp", GOOD_HEADER + "1 0 0\n2 three 4\n3 1 1\nEOF\n", "not a number"),
        ("nodim.tsp", "NAME: t\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\nEOF\n", "no DIMENSION"),
        ("garbage.tsp", "hello world\n", "is this a TSPLIB file"),
        (
            "xray.tsp",
            GOOD_HEADER.replace("EUC_2D", "XRAY1") + "1 0 0\n2 3 4\n3 1 1\n",
            "unknown EDGE_WEIGHT_TYPE 'XRAY1'",
        ),
        ("one.tsp", GOOD_HEADER.replace("DIMENSION: 3", "DIMENSION: 1") + "1 0 0\n", "at least 2 cities"),
        ("nan.tsp", GOOD_HEADER + "1 0 0\n2 nan 4\n3 1 1\nEOF\n", "NaN or infinite"),
        (
            "short.tsp",
            "NAME: t\nDIMENSION: 4\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: UPPER_ROW\nEDGE_WEIGHT_SECTION\n1 2 3 4\n",
            "has 4 numbers",
        ),
        ("nocolumn.csv", "corp_start,distance\nA,3\n", "missing CSV column(s) corp_end"),
        ("onecity.csv", "corp_start,corp_end,distance\nA,A,0\n", "at least 2 cities"),
        ("notes.txt", "hello", "unknown file type .txt"),
    ],
)
def test_bad_files_exit_2_with_one_line(cli, tmp_path, name, text, fragment):
    path = write(tmp_path, name, text)
    one_line_error(cli("tsp", "solve", path), fragment)


def test_bad_options_exit_2_with_one_line(cli, tmp_path, shared_data):
    one_line_error(cli("tsp", "solve", "--random", "1"), "at least 2 cities")
    one_line_error(cli("tsp", "solve", "--random", "ten"), "--random must be a whole number")
    one_line_error(cli("tsp", "solve"), "give either FILE or --random N")
    one_line_error(cli("tsp", "solve", "--random", "25", "--solver", "exact"), "at most 20 cities")
    one_line_error(cli("tsp", "solve", "--random", "5", "--solver", "magic"), "'magic' is not one of")
    one_line_error(cli("tsp", "solve", "--random", "5", "--restarts", "0"), "--restarts must be at least 1")
    one_line_error(cli("tsp", "solve", "--random", "5", "--optimal", "nan"), "--optimal must be a positive")
    one_line_error(cli("tsp", "solve", tmp_path / "missing.tsp"), "missing.tsp")
    one_line_error(cli("tsp", "compare", shared_data / "tsplib" / "gr17.tsp", "--random", "5"), "exactly one")


def test_download_without_network_is_a_clean_error(cli, tmp_path):
    result = cli("tsp", "download", "berlin52", "--out", tmp_path, "--url", "http://127.0.0.1:9/{name}.tsp")
    one_line_error(result, "cannot download berlin52")
    assert not any(tmp_path.iterdir())  # nothing half-written


def test_solver_choices_are_listed_in_help(cli):
    text = cli("tsp", "solve", "--help").stdout
    for solver in ("nn", "restarts", "two-opt", "exact", "lkh", "ortools"):
        assert solver in text


def test_solve_out_writes_the_tour_and_the_json_names_it(cli, tmp_path):
    out = tmp_path / "solve"
    data = json.loads(
        cli("tsp", "solve", "--random", "8", "--solver", "exact", "--out", out, "--json").stdout
    )
    assert data["files"] == {"tour": str(out / "tour.png"), "result": str(out / "solve.json")}
    assert (out / "tour.png").stat().st_size > 1000
    saved = json.loads((out / "solve.json").read_text())
    assert saved["length"] == data["length"] and saved["provenance"]["seed"] == 0
    assert sorted(p.name for p in out.iterdir()) == ["solve.json", "tour.png"]
    text = cli("tsp", "solve", "--random", "8", "--out", tmp_path / "text")
    assert "tour.png" in text.stdout and (tmp_path / "text" / "solve.json").is_file()


def test_solve_without_out_writes_nothing(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("tsp", "solve", "--random", "8", "--json").exit_code == 0
    assert list(tmp_path.iterdir()) == []


def test_missing_references_are_named_in_the_conclusion(cli, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "elkai", None)
    monkeypatch.setitem(sys.modules, "ortools", None)
    data = json.loads(cli("tsp", "compare", "--random", "9", "--out", tmp_path, "--json").stdout)
    assert data["strongest"] == "exact" and "Held–Karp" in data["conclusion"]
    assert "Not installed: lkh, ortools" in data["conclusion"]
    assert any("lkh: not installed" in note for note in data["skipped"])
    one_line_error(cli("tsp", "solve", "--random", "9", "--solver", "lkh"), "pip install -e '.[references]'")


def test_compare_lists_lkh_at_zero_on_berlin52_as_a_reference(cli, shared_data, tmp_path):
    pytest.importorskip("elkai", reason="LKH-3 reference not installed: pip install -e '.[references]'")
    pytest.importorskip("ortools", reason="OR-Tools reference not installed: pip install -e '.[references]'")
    path = shared_data / "tsplib" / "berlin52.tsp"
    data = json.loads(cli("tsp", "compare", path, "--out", tmp_path, "--json").stdout)
    rows = {row["solver"]: row for row in data["solvers"]}
    assert rows["lkh"]["gap"] == 0 and rows["lkh"]["reference"] and rows["ortools"]["reference"]
    assert not rows["two-opt"]["reference"] and rows["two-opt"]["gap"] > 0
    assert data["strongest"] == "lkh" and data["conclusion"].startswith("Strongest solver present: lkh")
    text = cli("tsp", "compare", path, "--out", tmp_path / "text").stdout
    assert "LKH-3 via elkai (reference)" in text and "Strongest solver present: lkh" in text
