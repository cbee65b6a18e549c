"""An attention model that learns to build TSP tours, trained by REINFORCE (POMO-style), in one file.

Read it top to bottom, CleanRL-style:

1. **Settings** — one dataclass, a docstring per field.
2. **Model** — an *encoder* (multi-head self-attention layers over the cities' coordinates, as
   in Kool, van Hoof & Welling 2019, "Attention, Learn to Solve Routing Problems!") and a
   *pointer decoder*: at each step a query made from the first and the current city attends
   over all cities (a multi-head "glimpse"), then scores each city; visited cities are masked
   out, so a tour never repeats a city and always visits all of them.
3. **Decoding** — :func:`rollout` builds tours for a batch of instances, greedily (the most
   likely city) or by sampling; :func:`solve` adds the inference-time tricks of POMO (Kwon et
   al. 2020): every city as first city (multi-start) × the 8 symmetries of the unit square,
   keeping the shortest tour.
4. **Training** — :func:`train_attention`: REINFORCE with POMO's *shared multi-start baseline*
   on freshly drawn uniform random instances each step.
5. **Save / load** and an :class:`~gymlab.agents.base.Agent` for ``gymlab/TSP-v0``.

Why POMO's baseline and not Kool et al.'s greedy-rollout baseline: for each instance POMO
samples one tour from *every* start city and uses their mean length as the baseline. That
baseline costs no extra forward pass and no second (frozen) network, it is always up to date
(the greedy-rollout baseline is refreshed only after a significance test each epoch), and every
instance yields n tours to learn from instead of one — on a CPU budget of minutes, the most
learning signal per second of compute.

The model never sees the number of cities as a parameter: the same weights play 10, 20 or 100
cities (trained on one size, it generalises more or less well to others — measure it).
Coordinates are expected in the unit square; :func:`unit_coordinates` maps any instance there.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from gymlab.agents.routing import PlannedTourAgent, Solution
from gymlab.envs.errors import GymlabError
from gymlab.envs.files import atomic_write
from gymlab.envs.tsp import unit_square
from gymlab.envs.tsp_instances import TSPInstance, display_coordinates

__all__ = [
    "DECODINGS",
    "MODEL_FILE",
    "AttentionSettings",
    "AttentionModel",
    "AttentionTSPAgent",
    "augment",
    "load_model",
    "model_path",
    "rollout",
    "save_model",
    "solve",
    "solve_instance",
    "tour_lengths",
    "train_attention",
    "unit_coordinates",
]

MODEL_FILE = "model.pt"  # the file name inside a run folder
DECODINGS = ("greedy", "multistart")  # one tour from the first city / best over all starts × 8 symmetries


# --------------------------------------------------------------------------- 1. settings


@dataclass
class AttentionSettings:
    """Everything that defines a model and how it is trained (saved beside the weights as JSON)."""

    embedding_dim: int = 64
    """Width of every city embedding and attention layer (Kool et al. and POMO use 128; 64 makes
    each step ~2× cheaper, which on a CPU budget of minutes buys more steps than the width loses)."""
    heads: int = 4
    """Attention heads in the encoder and in the decoder's glimpse (must divide ``embedding_dim``)."""
    encoder_layers: int = 3
    """Self-attention layers in the encoder (Kool et al. use 3, POMO 6)."""
    feedforward_dim: int = 256
    """Hidden width of the feed-forward sublayer after each attention sublayer."""
    logit_clip: float = 10.0
    """The decoder's scores are squashed to ±``logit_clip`` by tanh (Bello et al. 2016): keeps exploring."""
    train_cities: int = 20
    """Cities per training instance (uniform in the unit square, drawn afresh every step)."""
    batch_size: int = 64
    """Instances per gradient step; each yields one sampled tour per start city (POMO)."""
    learning_rate: float = 1e-3
    """Adam's step size at the start; it decays linearly to ``final_learning_rate`` over the budget."""
    final_learning_rate: float = 1e-4
    """Adam's step size at the end of the budget (a smaller step settles the policy)."""
    weight_decay: float = 1e-6
    """Adam's L2 penalty on the weights."""
    max_grad_norm: float = 1.0
    """Gradients are clipped to this global norm (REINFORCE gradients are noisy)."""

    def __post_init__(self) -> None:
        for name in ("embedding_dim", "heads", "encoder_layers", "feedforward_dim", "batch_size"):
            if int(getattr(self, name)) < 1:
                raise GymlabError(f"attention setting {name} must be at least 1, got {getattr(self, name)}")
        if self.embedding_dim % self.heads:
            raise GymlabError(f"embedding_dim {self.embedding_dim} must be a multiple of heads {self.heads}")
        if self.train_cities < 3:
            raise GymlabError(f"train_cities must be at least 3, got {self.train_cities}")
        if not (self.learning_rate > 0 and self.logit_clip > 0 and self.max_grad_norm > 0):
            raise GymlabError("learning_rate, logit_clip and max_grad_norm must be positive")
        if not 0 < self.final_learning_rate <= self.learning_rate:
            raise GymlabError("final_learning_rate must be positive and at most learning_rate")

    @classmethod
    def from_dict(cls, values: dict) -> AttentionSettings:
        """Settings from a mapping (e.g. ``--set`` overrides); unknown keys are a one-line error."""
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise GymlabError(f"unknown attention setting(s) {', '.join(unknown)}; known: {', '.join(known)}")
        defaults, typed = cls(), {}
        for key, value in values.items():
            kind = type(getattr(defaults, key))
            try:
                typed[key] = kind(value)
            except (TypeError, ValueError):
                raise GymlabError(f"attention setting {key} must be {kind.__name__}, got {value!r}") from None
        return cls(**typed)


# --------------------------------------------------------------------------- 2. model


class EncoderLayer(nn.Module):
    """Multi-head self-attention then a feed-forward net, each with a skip connection and
    instance normalisation over the cities (POMO's choice: no batch statistics to carry)."""

    def __init__(self, settings: AttentionSettings) -> None:
        super().__init__()
        d = settings.embedding_dim
        self.attention = nn.MultiheadAttention(d, settings.heads, batch_first=True)
        self.norm1 = nn.InstanceNorm1d(d, affine=True)
        self.feedforward = nn.Sequential(
            nn.Linear(d, settings.feedforward_dim), nn.ReLU(), nn.Linear(settings.feedforward_dim, d)
        )
        self.norm2 = nn.InstanceNorm1d(d, affine=True)

    def forward(self, h: torch.Tensor) -> torch.Tensor:  # (batch, cities, d)
        h = _instance_norm(self.norm1, h + self.attention(h, h, h, need_weights=False)[0])
        return _instance_norm(self.norm2, h + self.feedforward(h))


def _instance_norm(norm: nn.InstanceNorm1d, h: torch.Tensor) -> torch.Tensor:
    """InstanceNorm1d wants (batch, channels, length): normalise each feature over the cities."""
    return norm(h.transpose(1, 2)).transpose(1, 2)


class AttentionModel(nn.Module):
    """Encoder (city embeddings) + pointer decoder (which city next), size-agnostic."""

    def __init__(self, settings: AttentionSettings | None = None) -> None:
        super().__init__()
        self.settings = settings = settings or AttentionSettings()
        d = settings.embedding_dim
        self.embed = nn.Linear(2, d)
        self.layers = nn.ModuleList(EncoderLayer(settings) for _ in range(settings.encoder_layers))
        # decoder: query = W_first·h_first + W_current·h_current; keys/values of all cities
        self.query_first = nn.Linear(d, d, bias=False)
        self.query_current = nn.Linear(d, d, bias=False)
        self.keys_values = nn.Linear(d, 2 * d, bias=False)
        self.combine = nn.Linear(d, d)

    def encode(self, coordinates: torch.Tensor) -> torch.Tensor:
        """City embeddings (batch, cities, d) from coordinates (batch, cities, 2)."""
        h = self.embed(coordinates)
        for layer in self.layers:
            h = layer(h)
        return h

    def precompute(self, h: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """What every decoding step reuses: per-head keys and values, the pointer keys, the
        first-city query part of every city (projections done once per instance, not per step)."""
        batch, n, d = h.shape
        heads = self.settings.heads
        keys, values = self.keys_values(h).split(d, dim=-1)
        keys = keys.view(batch, n, heads, d // heads).transpose(1, 2)  # (batch, heads, n, d/heads)
        values = values.view(batch, n, heads, d // heads).transpose(1, 2)
        return keys, values, h, self.query_first(h), self.query_current(h)

    def log_probabilities(
        self, cache: tuple[torch.Tensor, ...], first: torch.Tensor, current: torch.Tensor, mask: torch.Tensor
    ) -> torch.Tensor:
        """log P(next city) for each rollout: (batch, rollouts, n); ``mask`` True = already visited.

        ``first`` and ``current`` are (batch, rollouts) city indices.
        """
        keys, values, h, q_first, q_current = cache
        batch, rollouts = first.shape
        heads, d = self.settings.heads, h.shape[-1]
        query = _gather(q_first, first) + _gather(q_current, current)  # (batch, rollouts, d)
        query = query.view(batch, rollouts, heads, d // heads).transpose(1, 2)
        allowed = ~mask[:, None, :, :]  # (batch, 1, rollouts, n): SDPA's True = may attend
        glimpse = F.scaled_dot_product_attention(query, keys, values, attn_mask=allowed)
        glimpse = self.combine(glimpse.transpose(1, 2).reshape(batch, rollouts, d))
        scores = glimpse @ h.transpose(1, 2) / math.sqrt(d)  # (batch, rollouts, n): single-head pointer
        scores = self.settings.logit_clip * torch.tanh(scores)
        return torch.log_softmax(scores.masked_fill(mask, float("-inf")), dim=-1)


def _gather(table: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """Rows ``table[b, index[b, r]]``: (batch, n, d) gathered by (batch, rollouts) → (batch, rollouts, d)."""
    return table.gather(1, index[..., None].expand(-1, -1, table.shape[-1]))


# --------------------------------------------------------------------------- 3. decoding


def rollout(
    model: AttentionModel,
    coordinates: torch.Tensor,
    starts: torch.Tensor | None = None,
    sample: bool = False,
    generator: torch.Generator | None = None,
    tours: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Build one tour per (instance, start): returns tours (batch, rollouts, n) and their summed
    log-probabilities (batch, rollouts).

    ``starts`` (batch, rollouts) are the first cities; None means every city (POMO's multi-start,
    rollouts = n). Each step picks the most likely unvisited city, or samples one when ``sample``
    (with ``generator`` for reproducibility). Given ``tours``, it follows them instead and only
    scores them (teacher forcing: the log-probability of a known tour).
    """
    batch, n, _ = coordinates.shape
    if starts is None:
        starts = torch.arange(n).expand(batch, n)
    if tours is not None:
        starts = tours[..., 0]
    rollouts = starts.shape[1]
    cache = model.precompute(model.encode(coordinates))
    mask = torch.zeros(batch, rollouts, n, dtype=torch.bool)
    mask.scatter_(2, starts[..., None], True)
    current, chosen = starts, [starts]
    total = torch.zeros(batch, rollouts)
    for step in range(1, n):
        log_p = model.log_probabilities(cache, starts, current, mask)
        if tours is not None:
            city = tours[..., step]
        elif sample:
            flat = log_p.exp().view(-1, n)
            city = torch.multinomial(flat, 1, generator=generator).view(batch, rollouts)
        else:
            city = log_p.argmax(dim=-1)
        total = total + log_p.gather(2, city[..., None]).squeeze(-1)
        mask = mask.scatter(2, city[..., None], True)
        current = city
        chosen.append(city)
    return torch.stack(chosen, dim=-1), total


def tour_lengths(coordinates: torch.Tensor, tours: torch.Tensor) -> torch.Tensor:
    """Closed-tour lengths (batch, rollouts) of ``tours`` (batch, rollouts, n) over ``coordinates``."""
    batch, rollouts, n = tours.shape
    points = coordinates[:, None, :, :].expand(batch, rollouts, n, 2)
    ordered = points.gather(2, tours[..., None].expand(-1, -1, -1, 2))
    return (ordered - ordered.roll(-1, dims=2)).norm(dim=-1).sum(dim=-1)


def augment(coordinates: torch.Tensor) -> torch.Tensor:
    """The 8 symmetries of the unit square (flips and the diagonal swap): (8 × batch, n, 2).

    Tour lengths do not change under them, but the model sees 8 different pictures, so it
    proposes 8 (often different) tours per start (POMO's "×8 augmentation").
    """
    x, y = coordinates[..., :1], coordinates[..., 1:]
    versions = [
        (x, y),
        (y, x),
        (1 - x, y),
        (y, 1 - x),
        (x, 1 - y),
        (1 - y, x),
        (1 - x, 1 - y),
        (1 - y, 1 - x),
    ]
    return torch.cat([torch.cat(pair, dim=-1) for pair in versions], dim=0)


@torch.no_grad()
def solve(
    model: AttentionModel,
    coordinates,
    decoding: str = "greedy",
    first: int = 0,
    augmentations: int = 8,
    chunk: int = 256,
) -> tuple[np.ndarray, np.ndarray]:
    """Tours (batch, n) and lengths (batch,) for a batch of instances (batch, n, 2) in the unit square.

    ``greedy``: one tour from city ``first``, the most likely city at each step. ``multistart``:
    a greedy tour from every first city on each of ``augmentations`` (1 or 8) symmetric copies;
    the shortest wins. Tours are returned starting at ``first``. Batched in chunks of ``chunk``.
    """
    if decoding not in DECODINGS:
        raise GymlabError(f"unknown decoding {decoding!r}; choose one of: {', '.join(DECODINGS)}")
    if augmentations not in (1, 8):
        raise GymlabError(f"augmentations must be 1 or 8, got {augmentations}")
    coordinates = _as_batch(coordinates)
    batch, n, _ = coordinates.shape
    if not 0 <= first < n:
        raise GymlabError(f"first city {first} is not one of the {n} cities (0..{n - 1})")
    was_training = model.training
    model.eval()
    all_tours, all_lengths = [], []
    for begin in range(0, batch, chunk):
        part = coordinates[begin : begin + chunk]
        size = len(part)
        if decoding == "greedy":
            tours, _ = rollout(model, part, starts=torch.full((size, 1), first))
            best = tours[:, 0]
        else:
            copies = augment(part) if augmentations == 8 else part
            tours, _ = rollout(model, copies)  # (copies × size, n, n)
            tours = tours.view(augmentations, size, n, n).transpose(0, 1).reshape(size, augmentations * n, n)
            lengths = tour_lengths(part, tours)
            best = tours[torch.arange(size), lengths.argmin(dim=1)]
            best = _rotate_to(best, first)
        all_tours.append(best)
        all_lengths.append(tour_lengths(part, best[:, None, :])[:, 0])
    model.train(was_training)
    return torch.cat(all_tours).numpy(), torch.cat(all_lengths).double().numpy()


def _rotate_to(tours: torch.Tensor, first: int) -> torch.Tensor:
    """Each closed tour (batch, n) rotated to begin at city ``first``."""
    n = tours.shape[1]
    shift = (tours == first).int().argmax(dim=1, keepdim=True)
    return tours.gather(1, (torch.arange(n)[None, :] + shift) % n)


def _as_batch(coordinates) -> torch.Tensor:
    """Coordinates as a float32 tensor (batch, n, 2) (one instance (n, 2) gets a batch of 1)."""
    points = torch.as_tensor(np.asarray(coordinates, dtype=np.float32))
    if points.ndim == 2:
        points = points[None]
    if points.ndim != 3 or points.shape[-1] != 2 or points.shape[1] < 2:
        raise GymlabError(
            f"coordinates must have shape (n, 2) or (batch, n, 2) with n ≥ 2, got {tuple(points.shape)}"
        )
    if not torch.isfinite(points).all():
        raise GymlabError("coordinates must be finite numbers")
    return points


def unit_coordinates(instance: TSPInstance) -> np.ndarray:
    """The instance's cities in the unit square (shape kept), as ``gymlab/TSP-v0`` shows them.

    An instance known only by its distances (e.g. the book's CSV) is drawn by classical MDS
    first; the model then plans on that picture, an approximation.
    """
    return unit_square(display_coordinates(instance))


def solve_instance(
    model: AttentionModel, instance: TSPInstance, decoding: str = "multistart", first: int = 0
) -> Solution:
    """Plan a closed tour of ``instance`` with the model; its length in the instance's own distances."""
    began = time.perf_counter()
    tours, _ = solve(model, unit_coordinates(instance), decoding, first)
    tour = [int(city) for city in tours[0]]
    solution = Solution("attention", tour, instance.length(tour, closed=True), closed=True)
    solution.seconds = time.perf_counter() - began
    return solution


# --------------------------------------------------------------------------- 4. training


def reinforce_loss(
    model: AttentionModel,
    coordinates: torch.Tensor,
    generator: torch.Generator | None = None,
    tours: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """POMO's REINFORCE loss on a batch: sample a tour from every start city; the advantage of a
    tour is how much shorter it is than the mean of its instance's n tours (the shared baseline).
    Given ``tours`` (batch, n, n), scores those instead of sampling. Returns (loss, mean length)."""
    tours, log_p = rollout(model, coordinates, sample=True, generator=generator, tours=tours)
    lengths = tour_lengths(coordinates, tours)
    advantage = lengths.mean(dim=1, keepdim=True) - lengths  # > 0: shorter than its siblings
    return -(advantage * log_p).mean(), lengths.mean()


def seeded_model(settings: AttentionSettings, seed: int) -> AttentionModel:
    """A freshly initialised model whose weights depend only on ``seed`` (global RNG untouched)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return AttentionModel(settings)


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}  # what a seconds budget counts


def train_attention(
    settings: AttentionSettings | None = None,
    seed: int = 0,
    instances: int | None = None,
    seconds: float | None = None,
    evaluations: int = 10,
    on_evaluate: Callable[[int, float, AttentionModel], None] | None = None,
    on_step: Callable[[int, float], None] | None = None,
    model: AttentionModel | None = None,
    clock: str = "wall",
) -> AttentionModel:
    """Train an attention model from scratch with REINFORCE + POMO's shared baseline.

    The budget is ``instances`` (training instances drawn, reproducible: same seed, same model)
    or ``seconds`` of training time (fits a clock, not reproducible), or both (whichever ends
    first). ``clock`` is ``"wall"`` (elapsed time) or ``"cpu"`` (this process's CPU time: on a
    machine shared with other jobs, the time an idle core would have taken).
    ``on_evaluate(instances_seen, training_seconds, model)`` is called ``evaluations`` times,
    evenly over the budget (its own time is not charged to the budget);
    ``on_step(instances_seen, training_seconds)`` after every gradient step (a progress bar).
    Uses one torch thread (faster than several for these small matrices on a shared CPU).
    """
    settings = settings or AttentionSettings()
    if clock not in CLOCKS:
        raise GymlabError(f"unknown clock {clock!r}; choose one of: {', '.join(CLOCKS)}")
    now = CLOCKS[clock]
    if instances is None and seconds is None:
        raise GymlabError("give a training budget: instances, seconds, or both")
    if (instances is not None and instances < 1) or (seconds is not None and seconds <= 0):
        raise GymlabError(
            f"the training budget must be positive, got instances={instances}, seconds={seconds}"
        )
    torch.set_num_threads(1)
    model = model if model is not None else seeded_model(settings, seed)
    model.train()
    optimizer = torch.optim.Adam(
        model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    generator = torch.Generator().manual_seed(seed)
    seen, trained, evaluated = 0, 0.0, 0

    def progress() -> float:  # fraction of the budget spent
        done = [seen / instances] if instances is not None else []
        return max(done + ([trained / seconds] if seconds is not None else []))

    while progress() < 1.0:
        began = now()
        for group in optimizer.param_groups:  # linear decay over the budget
            group["lr"] = settings.learning_rate + progress() * (
                settings.final_learning_rate - settings.learning_rate
            )
        coordinates = torch.rand(settings.batch_size, settings.train_cities, 2, generator=generator)
        loss, _ = reinforce_loss(model, coordinates, generator)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), settings.max_grad_norm)
        optimizer.step()
        seen += settings.batch_size
        trained += now() - began
        if on_step is not None:
            on_step(seen, trained)
        due = min(evaluations, math.floor(progress() * evaluations + 1e-9))
        if on_evaluate is not None and due > evaluated:
            evaluated = due
            on_evaluate(seen, trained, model)
            model.train()
    return model


# --------------------------------------------------------------------------- 5. save / load, agent


def save_model(model: AttentionModel, path: str | Path) -> Path:
    """Write the weights (a torch ``state_dict``) and the settings (JSON text) into one file."""
    payload = {
        "format": "gymlab-attention-tsp",
        "version": 1,
        "settings": json.dumps(asdict(model.settings)),
        "state_dict": model.state_dict(),
    }
    return atomic_write(path, lambda tmp: torch.save(payload, tmp))  # never a half-written file


def model_path(path: str | Path) -> Path:
    """The model file itself, or :data:`MODEL_FILE` inside a folder (e.g. a run folder)."""
    path = Path(path)
    if path.is_dir():
        path = path / MODEL_FILE
    if not path.is_file():
        raise GymlabError(
            f"no attention model at {path}; pass a {MODEL_FILE} file or a folder holding one "
            "(train one with `gymlab train tsp --algo attention`)"
        )
    return path


def load_model(path: str | Path) -> AttentionModel:
    """A model saved by :func:`save_model` (a file, or a folder holding ``model.pt``).

    Loads with ``weights_only=True``: tensors and plain values only, no code is unpickled.
    """
    path = model_path(path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        if payload.get("format") != "gymlab-attention-tsp":
            raise ValueError("not a gymlab attention model")
        settings = AttentionSettings.from_dict(json.loads(payload["settings"]))
        model = AttentionModel(settings)
        model.load_state_dict(payload["state_dict"])
    except GymlabError:
        raise
    except Exception:  # torch raises many kinds on a damaged file
        raise GymlabError(
            f"{path} is not a readable attention model (damaged or another format); train it again"
        ) from None
    model.eval()
    return model


class AttentionTSPAgent(PlannedTourAgent):
    """Plays ``gymlab/TSP-v0`` with a trained attention model: plans the tour at reset, then follows it.

    ``decoding="greedy"`` builds one tour from the env's first city; ``"multistart"`` tries every
    first city on the 8 symmetric copies of the instance and follows the shortest (rotated to
    start where the env starts). ``model`` is a model, a ``model.pt`` file or a folder holding one.
    The model is trained for closed tours; on an open path (``closed=False``) it still visits
    every city, but does not plan for the missing leg home.
    """

    def __init__(self, model: AttentionModel | str | Path, decoding: str = "greedy") -> None:
        super().__init__()
        if decoding not in DECODINGS:
            raise GymlabError(f"unknown decoding {decoding!r}; choose one of: {', '.join(DECODINGS)}")
        self.model = load_model(model) if isinstance(model, str | Path) else model
        self.decoding = decoding
        self.name = f"attention-{decoding}"

    def plan(self, env) -> list[int]:
        tours, _ = solve(self.model, unit_coordinates(env.instance), self.decoding, env.first_city)
        return [int(city) for city in tours[0][1:]]

    def learn(
        self,
        env,
        steps: int,
        seed: int | None = None,
        evaluations: int = 0,
        on_evaluate: Callable[[int, float], None] | None = None,
    ) -> None:
        """Train the model on ``steps`` fresh random instances of the env's size (REINFORCE +
        POMO, :func:`train_attention`); ``on_evaluate(instances_seen, training_seconds)`` is
        called ``evaluations`` times, evenly over the budget."""
        settings = replace(self.model.settings, train_cities=int(env.unwrapped.n))
        hook = None if on_evaluate is None else (lambda seen, seconds, model: on_evaluate(seen, seconds))
        self.model = train_attention(
            settings,
            seed=seed or 0,
            instances=steps,
            evaluations=evaluations,
            on_evaluate=hook,
            model=self.model,
        )
        self.model.settings = settings

    def save(self, path: str | Path) -> Path:
        return save_model(self.model, path)
