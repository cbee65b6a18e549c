"""Serve a fitted height → weight model over HTTP with Flask, validating every request.

- :func:`create_app` — the Flask app: ``GET /`` describes the model, ``POST /predict`` answers
  ``{"height": 70}`` (or a list of heights, inches) with ``{"height": …, "weight": …}`` (pounds).
  A bad request gets HTTP 400 and ``{"error": "…"}``: one sentence saying what is wrong and how
  to fix it. A height the service accepts but the model was not fitted on (outside the training
  data's range) is answered with a ``"warning"`` beside the weight: it is an extrapolation. Unknown routes and methods answer in JSON too (404, 405).
- :func:`save_model` / :func:`load_model` — the fitted line as a small JSON file: the artefact
  that travels from training to the service.
- :func:`start_server` — run the app on a background thread (port 0 = any free port); stop it
  with ``server.stop()``. :func:`predict_over_http` is a tiny client (urllib, no curl needed).

From the shell: ``python -m gymlab.experiments.serve model.json --port 5000``, then
``lessons/make_prediction.sh 70 5000``.
"""

from __future__ import annotations

import argparse
import json
import math
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

try:
    from flask import Flask, jsonify, request
except ImportError:  # Flask is an optional extra: gymlab's core does not serve models
    raise SystemExit("error: serving a model needs Flask: pip install -e '.[serve]'") from None
from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from gymlab.agents.supervised import LinearModel
from gymlab.envs.errors import GymlabError
from gymlab.experiments.io import write_json

HEIGHT_RANGE = (36.0, 96.0)
"""Heights (inches) the service accepts: adults from 3 to 8 feet. The line is only a fair guess
near the heights it was fitted on; far outside, a "prediction" is a made-up number."""

MAX_BATCH = 1000
"""The most heights one request may ask for."""


def create_app(
    model: LinearModel,
    height_range: tuple[float, float] = HEIGHT_RANGE,
    fitted: tuple[float, float] | None = None,
) -> Flask:
    """The Flask app serving ``model`` (weight in pounds from height in inches); ``fitted`` is the
    range of heights it was fitted on (answers outside it carry a warning)."""
    if len(model.weights) != 1:
        raise GymlabError(
            f"the service needs a one-feature model (height → weight), got {len(model.weights)} features"
        )
    low, high = height_range
    app = Flask("gymlab-serve")

    @app.get("/")
    def describe():
        return jsonify(
            model="linear regression: weight (lb) = slope × height (in) + intercept",
            slope=model.slope,
            intercept=model.intercept,
            heights=[low, high],
            fitted_heights=list(fitted) if fitted else None,
            usage='POST /predict with JSON {"height": 70} or {"height": [60, 70]}',
        )

    @app.post("/predict")
    def predict():
        body = request.get_json(silent=True)
        heights = _valid_heights(body, low, high)
        if isinstance(heights, str):
            return jsonify(error=heights), 400
        weights = [float(w) for w in model.predict(np.array(heights))]
        single = not isinstance(body["height"], list)
        answer = {
            "height": heights[0] if single else heights,
            "weight": weights[0] if single else weights,
            "units": {"height": "inches", "weight": "pounds"},
        }
        outside = [h for h in heights if fitted and not fitted[0] <= h <= fitted[1]]
        if outside:
            answer["warning"] = (
                f"height {', '.join(f'{h:g}' for h in outside[:5])} in is outside {fitted[0]:.1f}–{fitted[1]:.1f} in, "
                "the heights the model was fitted on: the weight is an extrapolation, not a measured fit"
            )
        return jsonify(answer)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return jsonify(error=f"{error.name}: {error.description}"), error.code

    return app


def _valid_heights(body: Any, low: float, high: float) -> list[float] | str:
    """The heights asked for, or the error message (a string) that explains what is wrong."""
    example = 'send JSON like {"height": 70} with the header Content-Type: application/json'
    if body is None:
        return f"the request body is not valid JSON: {example}"
    if not isinstance(body, dict):
        return f"the body must be a JSON object, not {type(body).__name__}: {example}"
    if "height" not in body:
        return f'missing field "height" (inches): {example}'
    unknown = sorted(set(body) - {"height"})
    if unknown:
        return f'unknown field(s) {", ".join(map(json.dumps, unknown))}: send only "height"'
    values = body["height"] if isinstance(body["height"], list) else [body["height"]]
    if not values:
        return '"height" is an empty list: give at least one height, e.g. [60, 70]'
    if len(values) > MAX_BATCH:
        return f"{len(values)} heights in one request is too many: send at most {MAX_BATCH}"
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return f'"height" must be a number of inches or a list of them, e.g. 70 or [60, 70] (got {json.dumps(value)})'
        if not low <= value <= high:
            return f"height {value:g} is outside {low:g}–{high:g} inches, the heights this model serves"
    return [float(value) for value in values]


# ----------------------------------------------------------------------------- the model file


def save_model(model: LinearModel, path: str | Path, fitted: tuple[float, float] | None = None) -> Path:
    """Write the fitted line as JSON (atomically): ``{"slope", "intercept", "fitted_heights"}``
    (the range of heights it was fitted on, when given)."""
    data = {"kind": "height-weight line", "slope": model.slope, "intercept": model.intercept}
    if fitted is not None:
        data["fitted_heights"] = [float(fitted[0]), float(fitted[1])]
    return write_json(path, data)


def fitted_heights(path: str | Path) -> tuple[float, float] | None:
    """The range of heights a model file says it was fitted on (None for files without it)."""
    value = json.loads(Path(path).read_text(encoding="utf-8")).get("fitted_heights")
    return (float(value[0]), float(value[1])) if isinstance(value, list) and len(value) == 2 else None


def load_model(path: str | Path) -> LinearModel:
    """Read a model written by :func:`save_model`."""
    path = Path(path)
    if not path.is_file():
        raise GymlabError(
            f"no model file at {path}: train one first (lessons/09_model_to_service.py writes model.json)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LinearModel(weights=np.array([float(data["slope"])]), intercept=float(data["intercept"]))
    except (ValueError, KeyError, TypeError):
        raise GymlabError(f'{path} is not a model file: expected JSON with "slope" and "intercept"') from None


# ----------------------------------------------------------------------------- running it


@dataclass
class BackgroundServer:
    """A running server: its address, and how to stop it."""

    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return self.server.server_port

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join()
        self.server.server_close()


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler without the one-line log per request."""

    def log_request(self, *args, **kwargs) -> None:
        pass


def start_server(app: Flask, host: str = "127.0.0.1", port: int = 0, quiet: bool = True) -> BackgroundServer:
    """Serve ``app`` on a background thread; ``port=0`` lets the system pick a free port.
    ``quiet`` drops the access log line werkzeug prints for every request."""
    handler = _QuietHandler if quiet else WSGIRequestHandler
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    thread = threading.Thread(target=server.serve_forever, name="gymlab-serve", daemon=True)
    thread.start()
    return BackgroundServer(server, thread)


def predict_over_http(url: str, payload: Any, timeout: float = 10.0) -> tuple[int, dict]:
    """POST ``payload`` as JSON to ``url``/predict: (HTTP status, the JSON answer)."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    call = urllib.request.Request(
        f"{url}/predict", data=data, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(call, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:  # 4xx/5xx still carry the JSON error
        return error.code, json.loads(error.read())


def main(argv: list[str] | None = None) -> None:
    """``python -m gymlab.experiments.serve model.json [--host H] [--port P]``: serve until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Serve a height → weight model over HTTP.")
    parser.add_argument("model", type=Path, help="model.json written by save_model (lesson 09)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    args = parser.parse_args(argv)
    try:
        model = load_model(args.model)
    except GymlabError as error:
        raise SystemExit(f"error: {error}") from None
    create_app(model, fitted=fitted_heights(args.model)).run(host=args.host, port=args.port)


if __name__ == "__main__":
    main()
