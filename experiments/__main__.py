"""`python -m gymlab.experiments …` is the same as `gymlab …`."""

from gymlab.experiments.cli import main

main()
