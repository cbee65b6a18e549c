"""Shell thinking on big files: pipes, redirection, word counts and `shuf -n` as reservoir sampling.

The idea: before you load a big file into anything, ask the shell small questions about it.
Small tools joined by pipes (`|`) stream the file once and never hold it in memory; `<` feeds
a file to a command's input and `>` sends its output to a file. `wc -l -w -c` counts lines,
words and bytes; on a TSV without spaces, words ÷ lines is the number of columns. `shuf -n K`
draws K random lines; on piped input, or a file of 8 MiB or more, GNU shuf uses *reservoir
sampling* — one pass, memory for K lines only — as `gymlab.experiments.stats.reservoir_sample`
does (shuf draws a random number per line, Algorithm R; gymlab skips ahead, Algorithm L).

This lesson generates a TSV of basketball box scores, runs the real shell commands (when
bash and coreutils are present) beside gymlab's Python functions, and checks they agree.

Watch for: the counts are identical to the byte; a sample of 1,000 lines estimates the mean of
a million rows to within a few tenths; over many samples every line position is picked equally
often (the flat histogram).

Try next: `gymlab demo sample players.tsv -n 5 --wc`, or time `wc` against `count_text`
on a file of several hundred MB (`python benchmarks/bench_sampling.py`).
"""

# %%

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from gymlab.experiments.datasets import basketball_players, read_numeric_csv, write_csv
from gymlab.experiments.i18n import _
from gymlab.experiments.io import write_text
from gymlab.experiments.lessons import lesson_arguments, punchline
from gymlab.experiments.plots.demos import plot_histograms, plot_sample_positions
from gymlab.experiments.stats import count_text, describe, reservoir_sample, sample_lines

SHELL_TOOLS = ("bash", "wc", "head", "tail", "tr", "cut", "sort", "shuf")


def shell(command: str, cwd: Path) -> str:
    """Run one bash command line (pipes and redirections included) and return its output."""
    done = subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"`{command}` failed: {done.stderr.strip()}")
    return done.stdout.strip()


# %%
args = lesson_arguments(__doc__)
rows = 50_000 if args.quick else 1_000_000
k = 1_000
have_shell = all(shutil.which(tool) for tool in SHELL_TOOLS)

work = Path(tempfile.mkdtemp(prefix="lesson01-"))  # removed at the end of the lesson
print(_("1. Generate {rows:,} box scores (points, rebounds, blocks, assists) as a TSV").format(rows=rows))
began = time.perf_counter()
table, _types, _names = basketball_players(rows, seed=args.seed)
big = write_csv(work / "players.tsv", table, index=True, decimals=1, delimiter="\t")
print(_("   {name}: {mb:.1f} MB in {seconds:.1f} s").format(
    name=big.name, mb=big.stat().st_size / 1e6, seconds=time.perf_counter() - began))  # fmt: skip

# %% [markdown]
# ## 2. The book's commands: `wc`, pipes, `shuf -n` — beside gymlab's functions

# %%

print(_("2. Count lines, words and bytes"))
counts = count_text(big)
print(_("   gymlab count_text : {lines:,} lines, {words:,} words, {bytes:,} bytes").format(
    lines=counts.lines, words=counts.words, bytes=counts.bytes))  # fmt: skip
if have_shell:
    wc = [int(x) for x in shell("wc -l -w -c < players.tsv", work).split()]
    print(f"   $ wc -l -w -c < players.tsv   →  {wc[0]:,} {wc[1]:,} {wc[2]:,}")
    assert wc == [counts.lines, counts.words, counts.bytes], "wc and count_text disagree"
    columns = shell("head -1 players.tsv | tr '\\t' '\\n' | wc -l", work)
    print(
        _("   $ head -1 players.tsv | tr '\\t' '\\n' | wc -l   →  {columns} columns").format(columns=columns)
    )
    top = shell("cut -f2 players.tsv | tail -n +2 | sort -n | tail -1", work)
    print(
        _("   $ cut -f2 players.tsv | tail -n +2 | sort -n | tail -1   →  most points: {top}").format(top=top)
    )
else:
    print(_("   (no {tools} here: the shell commands are skipped)").format(tools="/".join(SHELL_TOOLS)))
print(_("   words ÷ lines = {columns:g} columns (no spaces inside a TSV field)").format(
    columns=counts.words / counts.lines))  # fmt: skip
population = describe(table)
print(_("   gymlab describe: most points {top:g}").format(top=population["points"]["max"]))

# %%

print(_("3. Sample {k:,} lines, keeping the header").format(k=k))
ours = sample_lines(big, k + 1, seed=args.seed)  # +1: the header line may be drawn too
header = (shell("head -1 players.tsv", work) if have_shell else "Index\t" + "\t".join(table)).encode()
body = [line for line in ours if line != header][:k]
write_text(work / "sample-gymlab.tsv", b"\n".join([header, *body]).decode() + "\n")
samples = {"reservoir_sample": read_numeric_csv(work / "sample-gymlab.tsv", delimiter="\t")}
if have_shell:
    # shuf is seeded through --random-source, a file of seeded random bytes. It draws a
    # random number for every line it reads (Algorithm R), so it needs bytes in proportion.
    (work / "random-bytes").write_bytes(np.random.default_rng(args.seed).bytes(16 * rows))
    shell(
        f"(head -1 players.tsv; tail -n +2 players.tsv | shuf -n {k} --random-source=random-bytes)"
        " > sample-shuf.tsv",
        work,
    )
    print(f"   $ (head -1 players.tsv; tail -n +2 players.tsv | shuf -n {k} …) > sample-shuf.tsv")
    samples["shuf -n"] = read_numeric_csv(work / "sample-shuf.tsv", delimiter="\t")
mean_points = population["points"]["mean"]
for name, sample in samples.items():
    estimate = describe(sample)["points"]["mean"]
    print(_("   {name:<16}: {rows:,} rows, mean points {mean:.2f}").format(
        name=name, rows=len(sample["points"]), mean=estimate))  # fmt: skip
print(_("   all {rows:,} rows: mean points {mean:.2f}").format(rows=rows, mean=mean_points))
plot_histograms(
    {name: samples["reservoir_sample"][name] for name in table},
    describe(samples["reservoir_sample"]),
    args.out / "sample-histograms.png",
)

# %%
draws = 500 if args.quick else 3_000
print(_("4. Is every line equally likely? Sample 10 of 1,000 items, {draws:,} times").format(draws=draws))
rng = np.random.default_rng(args.seed)
positions = np.concatenate([reservoir_sample(range(1_000), 10, rng) for _draw in range(draws)])
plot_sample_positions(positions, 1_000, draws, args.out / "sample-positions.png")
print(_("   plots: {out}/sample-histograms.png, sample-positions.png").format(out=args.out))

# %%

estimates = ", ".join(f"{describe(s)['points']['mean']:.2f} ({name})" for name, s in samples.items())
agree = _("wc and gymlab both count") if have_shell else _("gymlab counts")
punchline(
    _("{agree} {lines:,} lines, {words:,} words and {bytes:,} bytes; a {k:,}-line sample estimates mean "
      "points as {estimates} against {mean:.2f} for all {rows:,} rows"),
    args.out,
    agree=agree,
    lines=counts.lines,
    words=counts.words,
    bytes=counts.bytes,
    k=k,
    estimates=estimates,
    mean=mean_points,
    rows=rows,
    sample_means={name: describe(s)["points"]["mean"] for name, s in samples.items()},
)  # fmt: skip
shutil.rmtree(work)
