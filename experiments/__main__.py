"""`python -m experiments …` is the same as `gymlab …`."""

from experiments.cli import main

main()
