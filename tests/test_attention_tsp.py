"""The attention-model TSP learner: masking, the REINFORCE step, save/load, seeds, the agent, the CLI."""

import json

import gymnasium as gym
import numpy as np
import pytest
import torch

from gymlab.agents.attention_tsp import (
    AttentionSettings,
    AttentionTSPAgent,
    augment,
    load_model,
    reinforce_loss,
    rollout,
    save_model,
    seeded_model,
    solve,
    tour_lengths,
    train_attention,
    unit_coordinates,
)
from gymlab.agents.base import rollout as play
from gymlab.envs.errors import GymlabError

TINY = AttentionSettings(
    embedding_dim=16, heads=2, encoder_layers=1, feedforward_dim=32, train_cities=8, batch_size=8
)


@pytest.fixture(scope="module")
def model():
    return seeded_model(TINY, 0)


def points(batch, n, seed=0):
    return np.random.default_rng(seed).random((batch, n, 2))


def is_tour(tour, n):
    return sorted(int(city) for city in tour) == list(range(n))


@pytest.mark.parametrize("n", [3, 9, 17])
def test_masking_gives_full_tours_without_repeats(model, n):
    coordinates = torch.as_tensor(points(4, n), dtype=torch.float32)
    sampled, _ = rollout(model, coordinates, sample=True, generator=torch.Generator().manual_seed(1))
    greedy, _ = rollout(model, coordinates)
    assert sampled.shape == greedy.shape == (4, n, n)  # every city as a start
    for tour in [*sampled.reshape(-1, n), *greedy.reshape(-1, n)]:
        assert is_tour(tour, n)
    assert (greedy[..., 0] == torch.arange(n)).all()  # rollout r starts at city r
    for decoding in ("greedy", "multistart"):
        tours, lengths = solve(model, points(5, n, seed=2), decoding, first=n - 1)
        assert all(is_tour(tour, n) for tour in tours) and (tours[:, 0] == n - 1).all()
        assert np.allclose(
            lengths, [_length(p, t) for p, t in zip(points(5, n, seed=2), tours, strict=True)], atol=1e-5
        )


def _length(coordinates, tour):
    ordered = coordinates[list(tour)]
    return float(np.linalg.norm(ordered - np.roll(ordered, -1, axis=0), axis=1).sum())


def test_multistart_with_augmentation_is_never_worse_than_greedy(model):
    instances = points(20, 10, seed=3)
    _, greedy = solve(model, instances, "greedy")
    _, multi = solve(model, instances, "multistart")
    _, plain = solve(model, instances, "multistart", augmentations=1)
    assert (multi <= plain + 1e-5).all() and (plain <= greedy + 1e-5).all()
    assert multi.mean() < greedy.mean()  # an untrained model: more tries, shorter tours


def test_the_eight_symmetries_keep_every_tour_length():
    coordinates = torch.rand(3, 7, 2, generator=torch.Generator().manual_seed(0))
    tours = torch.stack([torch.randperm(7, generator=torch.Generator().manual_seed(s)) for s in range(3)])[
        :, None
    ]
    copies = augment(coordinates)
    assert copies.shape == (24, 7, 2) and copies.min() >= 0 and copies.max() <= 1
    lengths = tour_lengths(copies, tours.repeat(8, 1, 1)).view(8, 3)
    assert torch.allclose(lengths, lengths[0].expand(8, 3), atol=1e-5)
    assert len({tuple(copy.flatten().tolist()) for copy in copies.view(8, -1)}) == 8


def test_a_gradient_step_on_a_tiny_batch_lowers_the_loss():
    network = seeded_model(TINY, 1)
    coordinates = torch.rand(4, 8, 2, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        tours, _ = rollout(network, coordinates, sample=True, generator=torch.Generator().manual_seed(0))
    before, _ = reinforce_loss(network, coordinates, tours=tours)
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-3)
    optimizer.zero_grad()
    before.backward()
    optimizer.step()
    after, _ = reinforce_loss(network, coordinates, tours=tours)
    assert after.item() < before.item()


def test_training_is_deterministic_under_a_seed_and_calls_the_evaluation_hook():
    calls = []

    def hook(seen, seconds, network):
        calls.append((seen, seconds >= 0, network.training))

    first = train_attention(TINY, seed=3, instances=40, evaluations=2, on_evaluate=hook)
    again = train_attention(TINY, seed=3, instances=40)
    other = train_attention(TINY, seed=4, instances=40)
    assert [seen for seen, _, _ in calls] == [24, 40] and all(ok for _, ok, _ in calls)  # 5 steps of 8
    for key, tensor in first.state_dict().items():
        assert torch.equal(tensor, again.state_dict()[key]), key
    assert any(not torch.equal(t, other.state_dict()[k]) for k, t in first.state_dict().items())
    instances = points(10, 8)
    assert (solve(first, instances)[0] == solve(again, instances)[0]).all()


def test_training_by_seconds_stops_on_time():
    steps = []
    train_attention(TINY, seed=0, seconds=0.3, on_step=lambda seen, seconds: steps.append(seconds))
    assert steps and steps[-1] >= 0.3 and all(seconds < 0.3 for seconds in steps[:-1])


def test_bad_budgets_and_settings_are_one_line_errors():
    with pytest.raises(GymlabError, match="budget"):
        train_attention(TINY)
    with pytest.raises(GymlabError, match="positive"):
        train_attention(TINY, instances=0)
    with pytest.raises(GymlabError, match="multiple of heads"):
        AttentionSettings(embedding_dim=10, heads=4)
    with pytest.raises(GymlabError, match="unknown attention setting"):
        AttentionSettings.from_dict({"layers": 2})
    assert AttentionSettings.from_dict({"heads": "4"}).heads == 4
    with pytest.raises(GymlabError, match="heads must be int"):
        AttentionSettings.from_dict({"heads": "four"})
    with pytest.raises(GymlabError, match="decoding"):
        solve(seeded_model(TINY, 0), points(1, 5), "beam")
    with pytest.raises(GymlabError, match="shape"):
        solve(seeded_model(TINY, 0), np.zeros((3, 3)))


def test_save_and_load_give_identical_tours(model, tmp_path):
    path = save_model(model, tmp_path / "run" / "model.pt")
    for source in (path, tmp_path / "run"):  # the file, or the folder holding it
        loaded = load_model(source)
        assert loaded.settings == model.settings
        for decoding in ("greedy", "multistart"):
            assert (
                solve(loaded, points(6, 11), decoding)[0] == solve(model, points(6, 11), decoding)[0]
            ).all()


def test_loading_a_missing_or_damaged_model_is_a_one_line_error(tmp_path):
    with pytest.raises(GymlabError, match="no attention model"):
        load_model(tmp_path)
    (tmp_path / "model.pt").write_bytes(b"not a model")
    with pytest.raises(GymlabError, match="not a readable attention model"):
        load_model(tmp_path / "model.pt")
    torch.save({"format": "something else"}, tmp_path / "other.pt")
    with pytest.raises(GymlabError, match="not a readable attention model"):
        load_model(tmp_path / "other.pt")


@pytest.mark.parametrize("decoding", ["greedy", "multistart"])
def test_the_agent_plays_the_tsp_env_from_any_start(model, decoding):
    env = gym.make("gymlab/TSP-v0", n_cities=9, start_city=None)
    agent = AttentionTSPAgent(model, decoding)
    for seed in range(3):
        episode = play(env, agent, seed=seed)
        tour = episode.info["tour"]
        assert is_tour(tour, 9) and episode.info["invalid_actions"] == 0
        assert episode.total_reward == pytest.approx(-episode.info["length"])
        planned, _ = solve(model, unit_coordinates(env.unwrapped.instance), decoding, first=tour[0])
        assert tour == planned[0].tolist()
    with pytest.raises(GymlabError, match="decoding"):
        AttentionTSPAgent(model, "beam")


def one_line_error(result, fragment):
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], result.stderr


def test_tsp_solve_with_a_trained_model(cli, model, tmp_path):
    save_model(model, tmp_path / "model.pt")
    for decoding in ("greedy", "multistart"):
        result = cli(
            "tsp", "solve", "--random", "12", "--solver", "attention", "--model", tmp_path,
            "--decoding", decoding, "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["solver"] == "attention" and is_tour(data["tour"], 12) and data["gap"] >= 0
    text = cli("tsp", "solve", "--random", "12", "--solver", "attention", "--model", tmp_path / "model.pt")
    assert text.exit_code == 0 and "solver attention" in text.stdout


def test_tsp_solve_attention_bad_input(cli, model, tmp_path):
    save_model(model, tmp_path / "model.pt")
    (tmp_path / "bad.pt").write_text("nope")
    base = ("tsp", "solve", "--random", "8", "--solver")
    one_line_error(cli(*base, "attention"), "needs --model")
    one_line_error(cli(*base, "nn", "--model", tmp_path), "--model is for --solver attention")
    one_line_error(cli(*base, "attention", "--model", tmp_path / "none"), "no attention model")
    one_line_error(cli(*base, "attention", "--model", tmp_path / "bad.pt"), "not a readable")
    one_line_error(cli(*base, "attention", "--model", tmp_path, "--decoding", "beam"), "unknown --decoding")
    one_line_error(cli(*base, "attention", "--model", tmp_path, "--open"), "closed tours only")
    one_line_error(cli(*base, "attentoin"), "'attentoin' is not one of")


def test_train_evaluate_and_solve_through_the_run_pipeline(cli, tmp_path):
    import json as json_module

    trained = cli("train", "tsp", "--algo", "attention", "--steps", "256", "--seed", "0",
                  "--episodes", "4", "--out", tmp_path / "run", "--json")  # fmt: skip
    assert trained.exit_code == 0, trained.stderr
    assert (tmp_path / "run" / "model.pt").is_file() and (tmp_path / "run" / "curve.csv").is_file()
    evaluated = json_module.loads(cli("evaluate", tmp_path / "run", "--json").stdout)
    assert len(evaluated["episodes"]) == 4 and all(row["gap_percent"] >= 0 for row in evaluated["episodes"])
    solved = cli(
        "tsp", "solve", "--random", "12", "--solver", "attention", "--model", tmp_path / "run", "--json"
    )
    assert solved.exit_code == 0, solved.stderr
    assert sorted(set(json_module.loads(solved.stdout)["tour"])) == list(range(12))
