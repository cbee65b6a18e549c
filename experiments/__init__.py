"""Running, recording, comparing and showing: the `gymlab` CLI, the experiment runner,
results, plots and reports."""
