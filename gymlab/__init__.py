"""gymlab: greedy vs search vs learning, measured and plotted on a laptop CPU.

One import package. Its subpackages live in the repository's root folders:

    gymlab.envs         envs/         the worlds: gymnasium environments (registered on import)
    gymlab.agents       agents/       who acts or learns: baselines, exact solvers, RL agents
    gymlab.experiments  experiments/  running, recording, comparing, showing; the ``gymlab`` CLI

``import gymlab`` registers ``gymlab/CoinChange-v0``, ``gymlab/TSP-v0`` and
``gymlab/TrackRacer-v2``, so ``gymnasium.register_envs(gymlab)`` (a no-op that keeps linters
quiet) works as with highway-env, and ``gymnasium.make("gymlab:gymlab/TrackRacer-v2")``
imports gymlab for you.
"""

from importlib.metadata import PackageNotFoundError, version

from gymlab import envs  # noqa: F401  (registers the gymlab/ environments)

try:
    __version__ = version("gymlab")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__", "envs"]
