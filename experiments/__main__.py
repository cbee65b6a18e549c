"""`python -m experiments …` is the same as `gymlab …`."""

from gymlab.experiments.cli import main

main()
