"""From model to service: the height → weight model answers HTTP requests, and rejects bad ones clearly.

The idea: a model on a laptop helps nobody; a model behind an HTTP endpoint can be called by
any program. This lesson trains the height → weight line, saves it as `model.json` (the
artefact that travels to production), serves it with Flask (`gymlab.experiments.serve.create_app`),
and calls it the way another program would: with `curl`, through `lessons/make_prediction.sh`.
A service must also say clearly what is wrong with a bad request — HTTP 400 and one sentence
of JSON — rather than crash or answer nonsense.

The server runs on 127.0.0.1 on a free port, in a background thread, and is stopped at the end.

Watch for: the service's answer equals the model's prediction in-process to the last digit;
the error messages name the problem and the fix; the time one request takes.

Try next: serve it yourself — `python -m gymlab.experiments.serve runs/…/model.json --port 5000` in
one terminal, `lessons/make_prediction.sh 72 5000` in another; then send `tall` or `500`.
"""

import json
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from gymlab.agents.supervised import fit_closed_form, pearson_r
from gymlab.experiments.datasets import synthetic_height_weight
from gymlab.experiments.lessons import lesson_arguments, punchline
from gymlab.experiments.plots.demos import plot_regression
from gymlab.experiments.serve import create_app, load_model, predict_over_http, save_model, start_server

CLIENT = Path(__file__).resolve().parent / "make_prediction.sh"


def ask(height: str, server) -> tuple[int, dict, str]:
    """One prediction through make_prediction.sh (curl) when bash and curl exist, else urllib."""
    if shutil.which("bash") and shutil.which("curl"):
        done = subprocess.run(
            ["bash", str(CLIENT), height, str(server.port)], capture_output=True, text=True, timeout=30
        )
        status = int(done.stderr.split()[-1])  # the script reports "HTTP <status>" on stderr
        return status, json.loads(done.stdout), f"$ lessons/make_prediction.sh {height} {server.port}"
    payload = f'{{"height": {height}}}'.encode()
    status, answer = predict_over_http(server.url, payload)
    return status, answer, f"POST {server.url}/predict {payload.decode()}"


def main() -> None:
    args = lesson_arguments(__doc__)
    n = 2_000 if args.quick else 25_000
    height, weight = synthetic_height_weight(n, seed=args.seed)
    model = fit_closed_form(height, weight)
    model_file = save_model(model, args.out / "model.json")
    plot_regression(height, weight, model, pearson_r(height, weight), args.out / "served-model.png")
    print(
        f"1. Trained on {n:,} people: weight ≈ {model.slope:.3f} · height {model.intercept:+.3f}; saved {model_file}"
    )

    served = load_model(model_file)  # the service gets the model from the file, as in production
    server = start_server(create_app(served))
    try:
        print(f"2. Serving on {server.url} (background thread)")
        status, answer, command = ask("70", server)
        local = float(model.predict([70.0])[0])
        print(f"   {command}\n   HTTP {status}: {json.dumps(answer)}")
        print(
            f"   in-process prediction: {local!r} lb — {'identical' if answer['weight'] == local else 'DIFFERENT'}"
        )

        print("3. Bad requests get HTTP 400 and a sentence that says what to fix")
        rejected = {}
        for bad in ("tall", "500"):
            status, answer, command = ask(bad, server)
            rejected[bad] = (status, answer["error"])
            print(f"   {command}\n   HTTP {status}: {answer['error']}")
        status, answer = predict_over_http(server.url, {"weight": 150})
        print(f'   POST {{"weight": 150}} → HTTP {status}: {answer["error"]}')

        requests = 50 if args.quick else 500
        print(f"4. {requests} requests from Python (urllib), one at a time")
        seconds = []
        for k in range(requests):
            began = time.perf_counter()
            predict_over_http(server.url, {"height": 60 + k % 20})
            seconds.append(time.perf_counter() - began)
        latency = 1000 * statistics.median(seconds)
        print(f"   median {latency:.2f} ms per request, slowest {1000 * max(seconds):.1f} ms")
    finally:
        server.stop()
    print(f"5. Server stopped. Plot of the served line: {args.out}/served-model.png")

    punchline(
        f"the service answered 70 in → {local:.2f} lb, identical to the model in-process, in a median "
        f"{latency:.1f} ms over {requests} requests; the bad request 'tall' got HTTP {rejected['tall'][0]} "
        f"and 500 in got HTTP {rejected['500'][0]}: {rejected['500'][1]}"
    )


if __name__ == "__main__":
    main()
