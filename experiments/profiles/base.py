"""The declarations an env profile is made of, and the registry of profiles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import gymnasium as gym

from gymlab.agents.base import Agent
from gymlab.envs import presets_of
from gymlab.envs.errors import GymlabError

__all__ = [
    "EVAL_SEED",
    "EnvProfile",
    "Measure",
    "Measures",
    "Part",
    "Recipe",
    "canonical",
    "generic_profile",
    "profile_for",
    "profiles",
    "register_profile",
    "resolve_env_id",
]


@dataclass(frozen=True)
class Recipe:
    """How to make one of an env's own agents: ``build(env, seed)``; a learner also has
    ``load(path)``, the name of its model file and a default budget (steps)."""

    summary: str
    build: Callable[[gym.Env, int], Agent]
    load: Callable[[Path], Agent] | None = None
    model_file: str = "model.json"
    default_steps: int = 0
    seeded: bool = False  # a fixed agent whose result depends on its seed: compared over seeds too
    params: tuple[str, ...] = ()  # a learner's settings ``build`` takes as keywords (--set, tune)

    @property
    def learns(self) -> bool:
        return self.load is not None


@dataclass(frozen=True)
class Measures:
    """How an evaluation episode is measured: episode → row, rows → summary, and hooks.

    ``options(env, episodes)`` gives each episode's reset options (coins: every amount once);
    ``probe(env)`` is read at every step (the car's position); ``play(env, agent, episodes)``
    replaces the generic episode loop (the track's DeepRacer-style trials); ``note(runs)`` is
    a sentence the report prints under an env's table, from its runs' rows (TSP: what each gap
    is measured against)."""

    row: Callable[[gym.Env, dict[str, Any]], dict[str, Any]]
    summary: Callable[[list[dict[str, Any]]], dict[str, Any]]
    options: Callable[[gym.Env, int], list[dict[str, Any]]] | None = None
    probe: Callable[[gym.Env], Any] | None = None
    play: Callable[[gym.Env, Agent, int], list[dict[str, Any]]] | None = None
    note: Callable[[list[dict[str, Any]]], str | None] | None = None


@dataclass(frozen=True)
class Measure:
    """A column of the report: a metric key, its label, which way is better, its format."""

    key: str
    label: str
    better: str | None = None  # "higher", "lower", or None (just shown)
    percent: bool = False  # a share 0–1, shown as %
    whole: bool = False
    unit: str = ""
    scale: float = 1.0  # shown as value × scale (seconds as ms)

    @property
    def heading(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def format(self, value: float | None) -> str:
        """The number alone (a share as %)."""
        if value is None:
            return "–"
        if self.whole:
            return f"{value:,.0f}"
        return f"{100 * value:.1f} %" if self.percent else f"{value * self.scale:.3g}"

    def say(self, value: float | None) -> str:
        """The number with its unit, for a sentence."""
        return f"{self.format(value)} {self.unit}".rstrip() if value is not None else "–"

    def phrase(self, value: float | None) -> str:
        """The number and its label, for a sentence: "lap time 6.33 s", "13 coins per payment"."""
        if self.unit or self.percent:
            return f"{self.label} {self.say(value)}"
        return f"{self.say(value)} {self.label}"


@dataclass(frozen=True)
class Part:
    """One env's share of a ``compare`` suite: agents, learners' rewards and budgets (full and
    ``--quick``), env arguments and evaluation episodes."""

    env: str
    agents: tuple[str, ...]
    steps: dict[str, int] = field(default_factory=dict)
    quick_steps: dict[str, int] = field(default_factory=dict)
    rewards: tuple[str, ...] = ()
    per_reward: tuple[str, ...] = ()  # fixed agents whose behaviour depends on the reward
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    eval_episodes: int = 10
    quick_eval_episodes: int = 5


EVAL_SEED = 10_000  # evaluation episode i starts from reset(seed=EVAL_SEED + i): never a training seed

GENERIC_COLUMNS = (Measure("mean_return", "mean return", "higher"), Measure("mean_length", "episode length"))


@dataclass(frozen=True)
class EnvProfile:
    """What gymlab knows about one env (see the module docstring)."""

    env_id: str
    short: str
    agents: dict[str, Recipe] = field(default_factory=dict)
    measures: Measures | None = None
    columns: tuple[Measure, ...] = GENERIC_COLUMNS  # the report's, main measure first
    suite: Part | tuple[Part, ...] | None = None  # one part, or several (TSP: 10 and 20 cities)
    reward_arg: str | None = None  # the env argument that takes a reward function
    default_reward: str | None = None  # its name when none is given
    laps: bool = False  # episodes are laps: evaluations from the start line, lap times, trajectories
    traces: bool = False  # runs write trace.csv: every evaluation step, a sample of training episodes
    eval_episodes: int = 10  # evaluation episodes of `gymlab train` when none are asked for

    @property
    def parts(self) -> tuple[Part, ...]:
        """The ``compare`` suite as a tuple of parts (none when the profile declares no suite)."""
        if self.suite is None:
            return ()
        return (self.suite,) if isinstance(self.suite, Part) else tuple(self.suite)

    @property
    def main(self) -> Measure:
        """The measure that ranks agents on this env."""
        return self.columns[0]

    def recipe(self, name: str) -> Recipe:
        """The recipe of one of this env's agents, or a one-line error listing them."""
        from gymlab.agents.rl import ALGORITHMS

        key = canonical(name)
        if key not in self.agents:
            names = ", ".join([*self.agents, *ALGORITHMS])
            raise GymlabError(f"unknown agent {name!r} for {self.env_id}; choose one of: {names}")
        return self.agents[key]


_PROFILES: dict[str, EnvProfile] = {}


def register_profile(profile: EnvProfile) -> EnvProfile:
    """Make ``profile`` known to the runner, compare, evaluation, report and plots."""
    for other in _PROFILES.values():
        if other.short == profile.short and other.env_id != profile.env_id:
            raise GymlabError(f"short name {profile.short!r} is taken by {other.env_id}")
    _PROFILES[profile.env_id] = profile
    return profile


def profiles() -> list[EnvProfile]:
    """Every registered profile, in registration order."""
    return list(_PROFILES.values())


def generic_profile(env_id: str) -> EnvProfile:
    """The profile of an env gymlab has no profile for: return and length, the RL algorithms."""
    return EnvProfile(env_id=env_id, short=env_id.split("/")[-1].split("-v")[0].lower())


def profile_for(env_id: str) -> EnvProfile:
    """The profile of a full env id: its own, its base env's for a preset id
    (``gymlab/TrackRacer-racing-v2``), else a generic one (an env gymlab does not know)."""
    if env_id in _PROFILES:
        return _PROFILES[env_id]
    for profile in _PROFILES.values():
        for preset_short, preset_env_id, _ in presets_of(profile.short):
            if preset_env_id == env_id:
                return replace(profile, env_id=env_id, short=preset_short)
    return generic_profile(env_id)


def resolve_env_id(name: str) -> str:
    """A short name (``track``, or a preset's as `gymlab envs` lists it: ``track-grip``), a gymlab id,
    or any registered gymnasium id → the full id."""
    for profile in _PROFILES.values():
        if name in (profile.short, profile.env_id):
            return profile.env_id
        for preset_short, preset_env_id, _ in presets_of(profile.short):
            if name == preset_short:
                return preset_env_id
    if name in gym.registry:
        return name
    known = ", ".join(f"{p.short} ({p.env_id})" for p in _PROFILES.values())
    raise GymlabError(
        f"unknown environment {name!r}; choose one of: {known}, a preset `gymlab envs` lists, "
        "or a registered gymnasium id"
    )


def canonical(name: str) -> str:
    """Agent names use underscores; ``pure-pursuit`` (the track CLI's spelling) works too."""
    return name.strip().lower().replace("-", "_")
