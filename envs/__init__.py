"""gymlab's worlds: gymnasium environments, registered under the ``gymlab/`` namespace.

``import gymlab`` is enough for ``gymnasium.make("gymlab/CoinChange-v0")``;
``gymnasium.make("gymlab:gymlab/CoinChange-v0")`` imports it for you.
"""

from gymnasium.envs.registration import register, registry

from gymlab.envs.errors import GymlabError

ENV_IDS = {
    "coins": "gymlab/CoinChange-v0",
    "tsp": "gymlab/TSP-v0",
    "track": "gymlab/TrackRacer-v2",
}

_ENTRY_POINTS = {
    "gymlab/CoinChange-v0": "gymlab.envs.coin_change:CoinChangeEnv",
    "gymlab/TSP-v0": "gymlab.envs.tsp:TSPEnv",
    "gymlab/TrackRacer-v2": "gymlab.envs.track_racer:TrackRacerEnv",
}

# Preset ids: a base env whose defaults carry a setting, e.g. ``gymlab/TrackRacer-racing-v2`` is
# TrackRacer with ``actions="racing"``, ``gymlab/TrackRacer-grip-v2`` continuous grip steering
# with the ``race_pace`` reward. Tools that build their evaluation env from the id alone
# (rl-zoo3 passes the YAML's env_kwargs to the training env only) then train and evaluate on the
# same action set. Keyed by short name, so a preset follows its base id's name and version.
# ``gymlab/TSP-20-v0`` (random 20-city tours) is the TSP suite's second part: its own id keeps
# its runs, table and plots apart from the 10-city ones.
PRESETS: dict[str, dict[str, dict]] = {
    "track": {
        "racing": {"actions": "racing"},
        # The setup in which PPO meets issue 11's bar (README, "PPO against the limit"): continuous
        # steering as a fraction of the grip, and the reward that pays for lap time.
        "grip": {"continuous": True, "grip_steering": True, "reward": "race_pace"},
    },
    "tsp": {"20": {"n_cities": 20}},
}


def preset_id(base_id: str, preset: str) -> str:
    """``gymlab/TrackRacer-v2`` + ``racing`` → ``gymlab/TrackRacer-racing-v2`` (same version)."""
    name, version = base_id.rsplit("-v", 1)
    return f"{name}-{preset}-v{version}"


def presets_of(short: str) -> list[tuple[str, str, dict]]:
    """A base env's presets, by its short name (``track``): (the preset's short name, ``track-grip``,
    its id, the defaults it adds)."""
    return [
        (f"{short}-{preset}", preset_id(ENV_IDS[short], preset), dict(kwargs))
        for preset, kwargs in PRESETS.get(short, {}).items()
    ]


def preset_ids() -> dict[str, dict]:
    """Every registered preset id with the default arguments it adds to its base env."""
    return {env_id: kwargs for short in PRESETS for _, env_id, kwargs in presets_of(short)}


for _env_id, _entry_point in _ENTRY_POINTS.items():
    if _env_id not in registry:
        register(id=_env_id, entry_point=_entry_point)
for _short in PRESETS:
    for _, _id, _kwargs in presets_of(_short):
        if _id not in registry:
            register(id=_id, entry_point=_ENTRY_POINTS[ENV_IDS[_short]], kwargs=_kwargs)


__all__ = ["ENV_IDS", "PRESETS", "GymlabError", "preset_id", "preset_ids", "presets_of"]
