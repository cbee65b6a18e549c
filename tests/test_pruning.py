"""Stopping a run during training (a pruned trial): every kind of learner stops at the
evaluation its stopper says so, and nothing of the run is stored."""

from __future__ import annotations

import pytest

from gymlab.experiments.spec import RunSpec
from gymlab.experiments.training import PrunedRun, execute_run


class StopAt:
    """A stopper that says stop at its ``n``-th evaluation, and remembers what it was told."""

    def __init__(self, n: int):
        self.n, self.told = n, []

    def should_stop(self, steps, summary):
        self.told.append((steps, summary))
        return len(self.told) >= self.n


@pytest.mark.parametrize(
    "env, agent, steps, measure",
    [
        ("coins", "q_learning", 2000, "optimality_rate"),  # an own learner: chunks between evaluations
        ("coins", "ppo", 2048, "optimality_rate"),  # SB3: the callback returns False
        ("tsp", "attention", 256, "mean_gap_percent"),  # an own learner calling on_evaluate itself
    ],
)
def test_a_stopped_run_ends_training_there_and_stores_nothing(tmp_path, env, agent, steps, measure):
    spec = RunSpec(env=env, agent=agent, seed=0, steps=steps, eval_episodes=3, evaluations=4)
    stopper = StopAt(2)
    run_dir = tmp_path / "runs" / "one"
    result = execute_run(spec, run_dir, trial=stopper)
    assert isinstance(result, PrunedRun)
    assert len(stopper.told) == 2 and len(result.points) == 2  # the 3rd evaluation never came
    assert result.steps == stopper.told[-1][0] < steps
    assert measure in stopper.told[0][1]
    assert not run_dir.exists() and list((tmp_path / "runs").iterdir()) == []  # no .partial either


def test_a_run_its_stopper_lets_through_is_stored_as_usual(tmp_path):
    spec = RunSpec(env="coins", agent="q_learning", seed=0, steps=1000, eval_episodes=10, evaluations=4)
    stopper = StopAt(99)
    result = execute_run(spec, tmp_path / "run", trial=stopper)
    assert not isinstance(result, PrunedRun) and (tmp_path / "run" / "result.json").is_file()
    assert [steps for steps, _ in stopper.told] == [250, 500, 750]  # the final evaluation is not asked
