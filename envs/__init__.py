"""gymlab's worlds: gymnasium environments, registered under the ``gymlab/`` namespace.

``import envs`` is enough for ``gymnasium.make("gymlab/CoinChange-v0")``;
``gymnasium.make("envs:gymlab/CoinChange-v0")`` imports it for you.
"""

from gymnasium.envs.registration import register, registry

from gymlab.envs.errors import GymlabError

ENV_IDS = {
    "coins": "gymlab/CoinChange-v0",
    "tsp": "gymlab/TSP-v0",
    "track": "gymlab/TrackRacer-v1",
}

_ENTRY_POINTS = {
    "gymlab/CoinChange-v0": "gymlab.envs.coin_change:CoinChangeEnv",
    "gymlab/TSP-v0": "gymlab.envs.tsp:TSPEnv",
    "gymlab/TrackRacer-v1": "gymlab.envs.track_racer:TrackRacerEnv",
}

for _env_id, _entry_point in _ENTRY_POINTS.items():
    if _env_id not in registry:
        register(id=_env_id, entry_point=_entry_point)


def resolve_env_id(name: str) -> str:
    """Full gymnasium id for a short name (``track``) or a full id (``gymlab/TrackRacer-v1``)."""
    if name in ENV_IDS:
        return ENV_IDS[name]
    if name in ENV_IDS.values():
        return name
    known = ", ".join(f"{short} ({full})" for short, full in ENV_IDS.items())
    raise GymlabError(f"unknown environment {name!r}; choose one of: {known}")


__all__ = ["ENV_IDS", "GymlabError", "resolve_env_id"]
