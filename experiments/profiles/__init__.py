"""One profile per environment: everything the rest of gymlab needs to know about an env.

An :class:`EnvProfile` declares, in one place, an env's id and short name, its own agents
(baselines, exact solvers, from-scratch learners), how an evaluation episode is measured,
the report's columns (main measure first, with the direction that is better), its default
``gymlab compare`` suite, which env argument carries a reward function, and whether its
episodes are laps. The runner, ``compare``, the evaluation, the report and the plots read
the profile; none of them names an env.

Adding an environment = its env module (registered with gymnasium) + a profile passed to
:func:`register_profile`. The three built-in profiles live in :mod:`.coins`, :mod:`.tsp`
and :mod:`.track`; an env gymlab does not know (CartPole) gets :func:`generic_profile`.
"""

# Each import registers its profile; this order is the order of listings and suites.
# isort: off
from gymlab.experiments.profiles import coins  # noqa: F401
from gymlab.experiments.profiles import tsp  # noqa: F401
from gymlab.experiments.profiles import track  # noqa: F401

# isort: on
from gymlab.experiments.profiles.base import *  # noqa: E402, F403  (the declarations and the registry)
from gymlab.experiments.profiles.base import __all__ as __all__  # noqa: E402
