"""Linear regression: closed form = numpy's least squares; gradient descent = closed form."""

import numpy as np
import pytest

from gymlab.agents import supervised
from gymlab.envs.errors import GymlabError
from gymlab.experiments import datasets


@pytest.fixture(scope="module")
def height_weight():
    return datasets.synthetic_height_weight(n=3000, seed=7)


def test_closed_form_equals_numpy_lstsq(height_weight):
    height, weight = height_weight
    model = supervised.fit_closed_form(height, weight)
    expected, *_ = np.linalg.lstsq(np.column_stack([height, np.ones_like(height)]), weight, rcond=None)
    np.testing.assert_allclose([model.slope, model.intercept], expected, rtol=1e-10)

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) * [1, 10, 100] + [5, -3, 50]
    y = X @ [2.0, -0.5, 0.01] + 4 + rng.normal(size=200)
    model = supervised.fit_closed_form(X, y)
    expected, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(200)]), y, rcond=None)
    np.testing.assert_allclose(np.append(model.weights, model.intercept), expected, rtol=1e-9)


def test_gradient_descent_agrees_with_the_closed_form_to_1e_6(height_weight):
    height, weight = height_weight
    closed = supervised.fit_closed_form(height, weight)
    descent = supervised.fit_gradient_descent(height, weight, lr=0.1)
    assert descent.slope == pytest.approx(closed.slope, rel=1e-6)
    assert descent.intercept == pytest.approx(closed.intercept, rel=1e-6)
    assert 0 < descent.steps < 10_000
    assert np.all(np.diff(descent.losses) <= 1e-15)  # the loss never goes up


def test_without_feature_scaling_gradient_descent_crawls(height_weight):
    height, weight = height_weight
    closed = supervised.fit_closed_form(height, weight)
    raw = supervised.fit_gradient_descent(height, weight, lr=1e-4, max_steps=2000, scale=False)
    assert raw.steps == 2000  # ran out of steps
    assert abs(raw.intercept - closed.intercept) > 0.5 * abs(closed.intercept)


def test_synthetic_data_matches_the_published_statistics(height_weight):
    height, weight = datasets.synthetic_height_weight()
    s = datasets.HEIGHT_WEIGHT_STATS
    assert len(height) == s["n"] == 25_000
    assert height.mean() == pytest.approx(s["height_mean"], abs=1e-4)
    assert height.std(ddof=1) == pytest.approx(s["height_sd"], abs=1e-4)
    assert weight.mean() == pytest.approx(s["weight_mean"], abs=1e-4)
    assert weight.std(ddof=1) == pytest.approx(s["weight_sd"], abs=1e-4)
    assert supervised.pearson_r(height, weight) == pytest.approx(s["correlation"], abs=1e-4)
    again = datasets.synthetic_height_weight()
    np.testing.assert_array_equal(height, again[0])
    assert not np.array_equal(height, datasets.synthetic_height_weight(seed=1)[0])


def test_pearson_r_equals_numpy(height_weight):
    height, weight = height_weight
    assert supervised.pearson_r(height, weight) == pytest.approx(np.corrcoef(height, weight)[0, 1], rel=1e-12)


def test_bad_regression_inputs():
    with pytest.raises(GymlabError, match="learning rate"):
        supervised.fit_gradient_descent([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], lr=0)
    with pytest.raises(GymlabError, match="rows but y has"):
        supervised.fit_closed_form([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(GymlabError, match="diverged"):
        supervised.fit_gradient_descent([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 5.0], lr=5.0)
