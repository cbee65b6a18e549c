"""describe() = pandas; the CSV loader's quirks; reservoir sampling is uniform; counts = wc."""

import io
import itertools
import os
import subprocess
import tracemalloc
import urllib.error

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

import gymlab.envs.files
from gymlab.envs.errors import GymlabError
from gymlab.experiments import datasets, stats

# ----------------------------------------------------------------------------- describe


def _generated_table(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    table = {
        "normal": rng.normal(50, 7, n),
        "skewed": rng.lognormal(0, 1.5, n),
        "integers": rng.integers(-20, 20, n).astype(float),
        "tiny": rng.normal(0, 1e-6, n) + 1e6,
    }
    table["with_gaps"] = np.where(rng.random(n) < 0.2, np.nan, rng.uniform(size=n))
    return table


@pytest.mark.parametrize(("n", "seed"), [(1000, 0), (7, 1), (2, 2), (1, 3)])
def test_describe_equals_pandas(tmp_path, n, seed):
    table = _generated_table(n, seed)
    path = datasets.write_csv(tmp_path / "data.csv", table)
    ours = stats.describe(datasets.read_numeric_csv(path))
    theirs = pd.read_csv(path).describe()
    assert list(ours) == list(theirs.columns)
    for column in theirs.columns:
        for stat in stats.STAT_NAMES:
            expected = theirs.loc[stat, column]
            if np.isnan(expected):
                assert np.isnan(ours[column][stat]), (column, stat)
            else:
                assert ours[column][stat] == pytest.approx(expected, rel=1e-9, abs=1e-12), (column, stat)


def test_quantile_is_numpys_linear_interpolation():
    values = np.sort(np.random.default_rng(0).normal(size=37))
    for q in np.linspace(0, 1, 23):
        assert stats.quantile(values, q) == pytest.approx(np.quantile(values, q), rel=1e-12)


# ----------------------------------------------------------------------------- CSV loader


def test_loader_copes_with_bom_crlf_and_an_index_column(tmp_path):
    rows = [(1, 65.78331, 112.9925), (2, 71.51521, 136.4873), (3, 69.39874, 153.0269)]
    text = "Index,Height-Inches,Weight-Pounds\r\n" + "".join(f"{i},{h},{w}\r\n" for i, h, w in rows)
    path = tmp_path / "hw.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    table = datasets.read_numeric_csv(path)
    assert list(table) == ["Index", "Height-Inches", "Weight-Pounds"]  # no BOM glued to "Index"
    height, weight = datasets.load_height_weight(path)
    np.testing.assert_array_equal(height, [r[1] for r in rows])
    np.testing.assert_array_equal(weight, [r[2] for r in rows])
    # an unnamed leading index column (as pandas writes it) is dropped
    framed = tmp_path / "framed.csv"
    pd.DataFrame({"Height-Inches": height, "Weight-Pounds": weight}).to_csv(framed)
    assert list(datasets.read_numeric_csv(framed)) == ["Height-Inches", "Weight-Pounds"]
    np.testing.assert_array_equal(datasets.load_height_weight(framed)[0], height)


def test_loader_reads_what_the_writer_wrote(tmp_path):
    height, weight = datasets.synthetic_height_weight(n=50, seed=3)
    path = datasets.write_height_weight_csv(tmp_path / "hw.csv", height, weight)
    assert path.read_text().splitlines()[0] == "Index,Height-Inches,Weight-Pounds"
    loaded = datasets.load_height_weight(path)
    np.testing.assert_array_equal(loaded[0], height)
    np.testing.assert_array_equal(loaded[1], weight)


def test_reader_keeps_numeric_columns_and_reports_bad_files(tmp_path):
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("name,score,notes\nann,1.5,x\nbob,,y\ncy,NA,z\n")
    table = datasets.read_numeric_csv(mixed)
    assert list(table) == ["score"]
    np.testing.assert_array_equal(np.isnan(table["score"]), [False, True, True])
    cases = {
        "empty.csv": ("", "is empty"),
        "header.csv": ("a,b\n", "no data rows"),
        "ragged.csv": ("a,b\n1,2\n3\n", "line 3 has 1 fields"),
        "words.csv": ("a,b\nx,y\n", "no numeric columns"),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_text(content)
        with pytest.raises(GymlabError, match=message):
            datasets.read_numeric_csv(tmp_path / name)
    with pytest.raises(GymlabError, match="file not found"):
        datasets.read_numeric_csv(tmp_path / "absent.csv")
    with pytest.raises(GymlabError, match="no numeric Height column"):
        datasets.load_height_weight(mixed)


def test_download_writes_the_file_without_touching_the_network(tmp_path, monkeypatch):
    body = b"\xef\xbb\xbfIndex,Height-Inches,Weight-Pounds\r\n1,65.78331,112.9925\r\n2,71.51521,136.4873\r\n"
    asked = []

    def fake_urlopen(url, timeout):
        asked.append(url)
        return io.BytesIO(body)

    monkeypatch.setattr(gymlab.envs.files.urllib.request, "urlopen", fake_urlopen)
    path = datasets.download_height_weight(tmp_path / "hw.csv")
    assert asked == [datasets.HEIGHT_WEIGHT_URL]
    assert path.read_bytes() == body
    assert datasets.load_height_weight(path)[0].tolist() == [65.78331, 71.51521]

    def offline(url, timeout):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(gymlab.envs.files.urllib.request, "urlopen", offline)
    with pytest.raises(GymlabError, match="cannot download .*--data PATH"):
        datasets.download_height_weight(tmp_path / "again.csv")
    assert not (tmp_path / "again.csv").exists()


def test_basketball_players_are_seeded_and_plausible():
    table, labels, names = datasets.basketball_players(n=2000, seed=5)
    again, labels_again, _ = datasets.basketball_players(n=2000, seed=5)
    np.testing.assert_array_equal(table["points"], again["points"])
    np.testing.assert_array_equal(labels, labels_again)
    assert list(table) == list(datasets.PLAYER_FEATURES)
    assert all((column >= 0).all() for column in table.values())
    for j, name in enumerate(names):
        share, means, _ = datasets.ARCHETYPES[name]
        assert np.mean(labels == j) == pytest.approx(share, abs=0.04)
        assert table["points"][labels == j].mean() == pytest.approx(means[0], abs=1.0)


# ----------------------------------------------------------------------------- sampling


def _numbered_file(tmp_path, n, name="lines.txt"):
    path = tmp_path / name
    path.write_text("".join(f"line {i}\n" for i in range(n)))
    return path


def test_sample_returns_k_distinct_lines_of_the_file(tmp_path):
    path = _numbered_file(tmp_path, 1000)
    all_lines = set(path.read_bytes().splitlines())
    sample = stats.sample_lines(path, 25, seed=3)
    assert len(sample) == 25 == len(set(sample))
    assert set(sample) <= all_lines
    assert stats.sample_lines(path, 25, seed=3) == sample
    assert stats.sample_lines(path, 25, seed=4) != sample
    everything = stats.sample_lines(path, 5000, seed=0)  # K ≥ lines: all of them, shuffled
    assert sorted(everything) == sorted(all_lines) and everything != sorted(everything)


def test_every_k_subset_is_equally_likely():
    """Chi-square on the 15 two-line subsets of a 6-line stream over 3000 fixed seeds."""
    subsets = {s: 0 for s in itertools.combinations(range(6), 2)}
    trials = 3000
    for seed in range(trials):
        subsets[tuple(sorted(stats.reservoir_sample(range(6), 2, np.random.default_rng(seed))))] += 1
    observed = np.array(list(subsets.values()))
    expected = trials / len(subsets)
    statistic = ((observed - expected) ** 2 / expected).sum()
    assert chi2.sf(statistic, df=len(subsets) - 1) > 0.001


def test_every_line_is_equally_likely_in_a_longer_stream():
    counts = np.zeros(200)
    trials, k = 2000, 10
    for seed in range(trials):
        counts[stats.reservoir_sample(range(200), k, np.random.default_rng(seed))] += 1
    expected = trials * k / 200
    statistic = ((counts - expected) ** 2 / expected).sum()
    assert chi2.sf(statistic, df=199) > 0.001


def test_reservoir_memory_is_bounded_by_k_not_by_the_stream():
    stream = (b"x" * 100 + str(i).encode() for i in range(200_000))  # ≈ 20 MB if it were kept
    tracemalloc.start()
    sample = stats.reservoir_sample(stream, 10, np.random.default_rng(0))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(sample) == 10
    assert peak < 200_000  # bytes: a handful of lines, not the stream


def test_sample_size_must_be_positive(tmp_path):
    with pytest.raises(GymlabError, match="at least 1"):
        stats.sample_lines(_numbered_file(tmp_path, 5), 0)


# ----------------------------------------------------------------------------- counting


def test_counts_equal_wc(tmp_path):
    rng = np.random.default_rng(0)
    words = ["alpha", "β-beta", "gamma", "x", "日本", "tab\tbed", "", "  spaced  "]
    lines = [" ".join(rng.choice(words, size=rng.integers(0, 12))) for _ in range(500)]
    text = "\r\n".join(lines[:250]) + "\n" + "\n".join(lines[250:]) + "\n\x0bend without newline"
    path = tmp_path / "text.txt"
    path.write_bytes(text.encode())
    env = dict(os.environ, LC_ALL="C.UTF-8")  # words with UTF-8 letters count as words
    wc = subprocess.run(
        ["wc", "-l", "-w", "-c", str(path)], capture_output=True, text=True, env=env, check=True
    )
    expected = [int(v) for v in wc.stdout.split()[:3]]
    counts = stats.count_text(path)
    assert [counts.lines, counts.words, counts.bytes] == expected
    sampled, together = stats.sample_and_count(path, 5, seed=1)
    assert together == counts
    assert sampled == stats.sample_lines(path, 5, seed=1)  # same seed, same lines


def test_counts_across_block_edges(tmp_path, monkeypatch):
    monkeypatch.setattr(stats, "BLOCK", 7)  # words and lines straddle the edges of tiny blocks
    path = tmp_path / "t.txt"
    path.write_bytes(b"alpha beta  gamma\n\ndelta\tepsilon zeta-eta theta\r\niota")
    counts = stats.count_text(path)
    assert (counts.lines, counts.words, counts.bytes) == (3, 8, path.stat().st_size)  # as `wc` counts it
    lines, together = stats.sample_and_count(path, 10, seed=0)
    assert together == counts
    assert sorted(lines) == sorted(path.read_bytes().split(b"\n"))


# ----------------------------------------------------------------------------- density


def test_kde_integrates_to_one():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=500), rng.normal(size=500) * 3
    gx, gy, density = stats.kde_grid(x, y, gridsize=120)
    area = (gx[1] - gx[0]) * (gy[1] - gy[0])
    assert density.sum() * area == pytest.approx(1.0, abs=0.01)
