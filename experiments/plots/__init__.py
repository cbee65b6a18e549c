"""Plots that teach: axes with units, titles that state the finding, saved as PNG.

Shared helpers live in :mod:`gymlab.experiments.plots.common`; each topic has its own module
(``coins``, ``tsp``, ``track``, ``demos``, ``learning``).
"""
