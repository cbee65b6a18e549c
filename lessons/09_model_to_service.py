"""From model to service: the height → weight model answers HTTP requests, and rejects bad ones clearly.

The idea: a model on a laptop helps nobody; a model behind an HTTP endpoint can be called by
any program. This lesson trains the height → weight line, saves it as `model.json` (the
artefact that travels to production), serves it with Flask (`gymlab.experiments.serve.create_app`),
and calls it the way another program would: with `curl`, through `lessons/make_prediction.sh`.
A service must also say clearly what is wrong with a bad request — HTTP 400 and one sentence
of JSON — rather than crash or answer nonsense, and say when a request is legal but far from the
data (a height outside the 60–75 in the line was fitted on gets its weight *and* a warning).

The book's Flask app is a few lines: read the JSON, predict, return. This lesson first serves a
modern equivalent of it (written for gymlab) and sends it the same requests, so the difference
is measured, not claimed.

The server runs on 127.0.0.1 on a free port, in a background thread, and is stopped at the end.

Watch for: the service's answer equals the model's prediction in-process to the last digit;
the book-style app's HTML error pages and its 500 (a crash) against gymlab's sentences; the
warning on a tall height; the time one request takes.

Try next: serve it yourself — `python -m gymlab.experiments.serve runs/…/model.json --port 5000` in
one terminal, `lessons/make_prediction.sh 72 5000` in another; then send `tall` or `500`.
"""

# %%
import json
import shutil
import statistics
import subprocess
import time
import urllib.error
import urllib.request

from gymlab.agents.supervised import fit_closed_form, pearson_r
from gymlab.experiments.datasets import synthetic_height_weight
from gymlab.experiments.i18n import _
from gymlab.experiments.lessons import LESSONS_DIR, lesson_arguments, punchline
from gymlab.experiments.plots.demos import plot_regression
from gymlab.experiments.serve import (
    create_app,
    fitted_heights,
    load_model,
    predict_over_http,
    save_model,
    start_server,
)

CLIENT = LESSONS_DIR / "make_prediction.sh"


def ask(height: str, server) -> tuple[int, str, str]:
    """One prediction through make_prediction.sh (curl) when bash and curl exist, else urllib:
    (HTTP status, the body as text, the command shown)."""
    if shutil.which("bash") and shutil.which("curl"):
        done = subprocess.run(
            ["bash", str(CLIENT), height, str(server.port)], capture_output=True, text=True, timeout=30
        )
        status = int(done.stderr.split()[-1])  # the script reports "HTTP <status>" on stderr
        return status, done.stdout.strip(), f"$ lessons/make_prediction.sh {height} {server.port}"
    status, text = post(server.url, f'{{"height": {height}}}'.encode())
    return status, text, f'POST {server.url}/predict {{"height": {height}}}'


def post(url: str, payload: bytes) -> tuple[int, str]:
    """POST raw bytes as JSON to ``url``/predict: (status, body text) — whatever the body is."""
    call = urllib.request.Request(
        f"{url}/predict", data=payload, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(call, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def short(text: str) -> str:
    """A body on one line, cut to 90 characters (an HTML error page is long)."""
    line = " ".join(text.split())
    return line if len(line) <= 90 else line[:87] + "…"


args = lesson_arguments(__doc__)
n = 2_000 if args.quick else 25_000
height, weight = synthetic_height_weight(n, seed=args.seed)
model = fit_closed_form(height, weight)
fitted = (float(height.min()), float(height.max()))
model_file = save_model(model, args.out / "model.json", fitted=fitted)
plot_regression(height, weight, model, pearson_r(height, weight), args.out / "served-model.png")
print(_("1. Trained on {n:,} people (heights {low:.1f}–{high:.1f} in): weight ≈ {slope:.3f} · height "
        "{intercept:+.3f}; saved {path}").format(n=n, low=fitted[0], high=fitted[1], slope=model.slope,
                                                   intercept=model.intercept, path=model_file))  # fmt: skip

# %% [markdown]
# ## 2. The book's way: a minimal Flask app
# Read the JSON, predict, return — no checks. (A modern equivalent of the book's app, rewritten.)

# %%
BOOK_APP_PY = """\
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/predict", methods=["POST"])
def predict():
    payload = request.json
    prediction = SLOPE * payload["height"] + INTERCEPT
    return jsonify({"prediction": prediction})
"""
book_namespace = {"SLOPE": model.slope, "INTERCEPT": model.intercept, "__name__": "book_app"}
exec(compile(BOOK_APP_PY, "app.py", "exec"), book_namespace)
book_namespace["app"].logger.disabled = True  # its crash would print a traceback; the status says it
REQUESTS = [("70", b'{"height": 70}'), ("tall", b'{"height": tall}'), ("500", b'{"height": 500}'),
            ('{"weight": 150}', b'{"weight": 150}')]  # fmt: skip
book = {}
server = start_server(book_namespace["app"])
try:
    print(_("2. The book-style app on {url}:").format(url=server.url))
    for label, payload in REQUESTS:
        status, text = post(server.url, payload)
        book[label] = status
        print(
            _("   {label:<16} → HTTP {status}: {body}").format(label=label, status=status, body=short(text))
        )
finally:
    server.stop()

# %% [markdown]
# ## 3. gymlab's service: validated requests, one-sentence errors, a warning off the fitted range

# %%
served = load_model(model_file)  # the service gets the model from the file, as in production
server = start_server(create_app(served, fitted=fitted_heights(model_file)))
ours = {}
try:
    print(_("3. gymlab's service on {url} (background thread)").format(url=server.url))
    status, text, command = ask("70", server)
    answer = json.loads(text)
    local = float(model.predict([70.0])[0])
    print(f"   {command}\n   HTTP {status}: {text}")
    same = answer["weight"] == local
    print(_("   in-process prediction: {local!r} lb — {verdict}").format(
        local=local, verdict=_("identical") if same else _("DIFFERENT")))  # fmt: skip
    for label, payload in REQUESTS:
        status, text = post(server.url, payload)
        ours[label] = status
        body = json.loads(text)
        print(_("   {label:<16} → HTTP {status}: {body}").format(
            label=label, status=status, body=body.get("error", body.get("weight"))))  # fmt: skip
    tall = 80 if fitted[1] < 80 else int(fitted[1]) + 5
    status, text, command = ask(str(tall), server)
    warned = json.loads(text)
    print(f"   {command}\n   HTTP {status}: {warned.get('weight'):.1f} lb — {warned.get('warning')}")

    requests = 50 if args.quick else 500
    print(_("4. {requests} requests from Python (urllib), one at a time").format(requests=requests))
    seconds = []
    for k in range(requests):
        started = time.perf_counter()
        predict_over_http(server.url, {"height": 60 + k % 15})
        seconds.append(time.perf_counter() - started)
    latency = 1000 * statistics.median(seconds)
    print(_("   median {median:.2f} ms per request, slowest {slowest:.1f} ms").format(
        median=latency, slowest=1000 * max(seconds)))  # fmt: skip
finally:
    server.stop()
print(_("5. Server stopped. Plot of the served line: {path}").format(path=args.out / "served-model.png"))

# %%
punchline(
    _("the service answered 70 in → {weight:.2f} lb, identical to the model in-process, in a median {latency:.1f} "
      "ms over {requests} requests; to 'tall', 500 in and a missing height the book-style app answered HTTP "
      "{book_tall}, {book_500} (a made-up {book_weight:.0f} lb) and {book_missing}, gymlab's service {ours_tall}, "
      "{ours_500} and {ours_missing} with a sentence each; {tall} in got its weight and a warning"),
    args.out,
    weight=local,
    identical=same,
    latency=latency,
    requests=requests,
    book_tall=book["tall"],
    book_500=book["500"],
    book_weight=model.slope * 500 + model.intercept,
    book_missing=book['{"weight": 150}'],
    ours_tall=ours["tall"],
    ours_500=ours["500"],
    ours_missing=ours['{"weight": 150}'],
    tall=tall,
    warned="warning" in warned,
)  # fmt: skip
