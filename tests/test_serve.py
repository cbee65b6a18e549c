"""The height → weight service: predictions, request validation (400 + one JSON sentence), model files."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("flask")

from gymlab.agents.supervised import LinearModel  # noqa: E402
from gymlab.envs.errors import GymlabError  # noqa: E402
from gymlab.experiments.serve import (  # noqa: E402
    MAX_BATCH,
    create_app,
    load_model,
    predict_over_http,
    save_model,
    start_server,
)

MODEL = LinearModel(weights=np.array([3.0]), intercept=-80.0)


@pytest.fixture
def client():
    return create_app(MODEL).test_client()


def test_predicts_one_height_and_a_list(client):
    one = client.post("/predict", json={"height": 70})
    assert one.status_code == 200
    assert one.get_json()["weight"] == pytest.approx(130.0)
    assert one.get_json()["units"] == {"height": "inches", "weight": "pounds"}
    many = client.post("/predict", json={"height": [60, 70.5]})
    assert many.status_code == 200
    assert many.get_json()["weight"] == pytest.approx([100.0, 131.5])


def test_describes_the_model(client):
    answer = client.get("/").get_json()
    assert answer["slope"] == 3.0 and answer["intercept"] == -80.0
    assert "POST /predict" in answer["usage"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("tall", "not valid JSON"),
        ("[70]", "must be a JSON object"),
        ('{"weight": 150}', 'missing field "height"'),
        ('{"height": 70, "age": 30}', 'unknown field(s) "age"'),
        ('{"height": "tall"}', '"height" must be a number'),
        ('{"height": true}', '"height" must be a number'),
        ('{"height": null}', '"height" must be a number'),
        ('{"height": NaN}', '"height" must be a number'),
        ('{"height": []}', "empty list"),
        ('{"height": [60, "x"]}', '"height" must be a number'),
        ('{"height": 500}', "outside 36–96 inches"),
        ('{"height": -5}', "outside 36–96 inches"),
    ],
)
def test_bad_requests_get_400_and_one_clear_sentence(client, body, message):
    answer = client.post("/predict", data=body, content_type="application/json")
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert message in error
    assert "\n" not in error and "Traceback" not in error


def test_too_many_heights_are_refused(client):
    answer = client.post("/predict", json={"height": [70] * (MAX_BATCH + 1)})
    assert answer.status_code == 400
    assert f"at most {MAX_BATCH}" in answer.get_json()["error"]


def test_body_without_json_content_type_is_refused(client):
    answer = client.post("/predict", data='{"height": 70}', content_type="text/plain")
    assert answer.status_code == 400
    assert "Content-Type: application/json" in answer.get_json()["error"]


def test_unknown_route_and_method_answer_in_json(client):
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and "error" in missing.get_json()
    wrong = client.get("/predict")
    assert wrong.status_code == 405 and "error" in wrong.get_json()


def test_model_file_round_trip_and_bad_files(tmp_path):
    path = save_model(MODEL, tmp_path / "model.json")
    loaded = load_model(path)
    assert loaded.slope == 3.0 and loaded.intercept == -80.0
    with pytest.raises(GymlabError, match="no model file"):
        load_model(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text('{"slope": 1}')
    with pytest.raises(GymlabError, match="not a model file"):
        load_model(tmp_path / "bad.json")


def test_background_server_answers_over_http_and_stops():
    server = start_server(create_app(MODEL))
    try:
        assert predict_over_http(server.url, {"height": 70}) == (
            200,
            {"height": 70.0, "weight": 130.0, "units": {"height": "inches", "weight": "pounds"}},
        )
        status, answer = predict_over_http(server.url, b"tall")
        assert status == 400 and "not valid JSON" in answer["error"]
    finally:
        server.stop()
    assert not server.thread.is_alive()


def test_heights_outside_the_fitted_range_get_a_warning(tmp_path):
    from gymlab.experiments.serve import fitted_heights

    path = save_model(MODEL, tmp_path / "model.json", fitted=(60.0, 74.0))
    assert fitted_heights(path) == (60.0, 74.0)
    client = create_app(load_model(path), fitted=fitted_heights(path)).test_client()
    inside = client.post("/predict", json={"height": 70}).get_json()
    assert "warning" not in inside
    outside = client.post("/predict", json={"height": 90}).get_json()
    assert outside["weight"] == pytest.approx(float(MODEL.predict([90.0])[0]))
    assert "outside 60.0–74.0 in" in outside["warning"] and "extrapolation" in outside["warning"]
    assert "warning" in client.post("/predict", json={"height": [65, 40]}).get_json()
