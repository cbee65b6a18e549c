"""gymlab's worlds: gymnasium environments, registered under the ``gymlab/`` namespace.

``import gymlab`` is enough for ``gymnasium.make("gymlab/CoinChange-v0")``;
``gymnasium.make("gymlab:gymlab/CoinChange-v0")`` imports it for you.
"""

from gymnasium.envs.registration import register, registry

from gymlab.envs.errors import GymlabError

ENV_IDS = {
    "coins": "gymlab/CoinChange-v0",
    "tsp": "gymlab/TSP-v0",
    "track": "gymlab/TrackRacer-v0",
}

_ENTRY_POINTS = {
    "gymlab/CoinChange-v0": "gymlab.envs.coin_change:CoinChangeEnv",
    "gymlab/TSP-v0": "gymlab.envs.tsp:TSPEnv",
    "gymlab/TrackRacer-v0": "gymlab.envs.track_racer:TrackRacerEnv",
}

for _env_id, _entry_point in _ENTRY_POINTS.items():
    if _env_id not in registry:
        register(id=_env_id, entry_point=_entry_point)


__all__ = ["ENV_IDS", "GymlabError"]
