"""The small pieces the lessons added to the shared API: TSV files, the hold-out split, error
measures, lesson options, and the plots the lessons draw."""

from __future__ import annotations

import numpy as np
import pytest

from gymlab.agents.supervised import prediction_errors, train_test_split
from gymlab.envs.errors import GymlabError
from gymlab.experiments.datasets import read_numeric_csv, write_csv
from gymlab.experiments.lessons import lesson_arguments


def test_tsv_round_trip_keeps_every_value(tmp_path):
    table = {"points": np.array([22.5, 5.0, np.nan]), "assists": np.array([3.0, 8.25, 1.0])}
    path = write_csv(tmp_path / "players.tsv", table, index=True, delimiter="\t")
    assert path.read_text().splitlines()[:2] == ["Index\tpoints\tassists", "1\t22.5\t3.0"]
    back = read_numeric_csv(path, delimiter="\t")
    assert list(back) == ["Index", "points", "assists"]
    np.testing.assert_array_equal(back["points"], table["points"])
    np.testing.assert_array_equal(back["assists"], table["assists"])


def test_train_test_split_is_a_seeded_partition():
    train, test = train_test_split(100, test_share=0.2, seed=3)
    assert len(train) == 80 and len(test) == 20
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(100))
    again = train_test_split(100, test_share=0.2, seed=3)
    assert np.array_equal(train, again[0]) and np.array_equal(test, again[1])
    assert not np.array_equal(test, train_test_split(100, test_share=0.2, seed=4)[1])


@pytest.mark.parametrize(("n", "share"), [(100, 0.0), (100, 1.0), (2, 0.2)])
def test_train_test_split_refuses_impossible_splits(n, share):
    with pytest.raises(GymlabError):
        train_test_split(n, test_share=share)


def test_prediction_errors_by_hand():
    errors = prediction_errors(np.array([10.0, 20.0, 30.0, 40.0]), np.array([12.0, 20.0, 25.0, 40.0]), 2.0)
    assert errors["rmse"] == pytest.approx(np.sqrt((4 + 0 + 25 + 0) / 4))
    assert errors["mae"] == pytest.approx(7 / 4)
    assert errors["within"] == pytest.approx(3 / 4)


def test_lesson_arguments_data_option(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n")
    args = lesson_arguments("Summary.", ["--out", str(tmp_path / "out"), "--data", str(data)], data="a CSV")
    assert args.data == data and args.out.is_dir() and not args.quick and args.seed == 0
    assert lesson_arguments("Summary.", ["--out", str(tmp_path / "o2")], data="a CSV").data is None
    with pytest.raises(SystemExit) as stop:
        lesson_arguments("Summary.", ["--out", str(tmp_path / "o3"), "--data", str(tmp_path / "no.csv")], "x")
    assert stop.value.code == 2
    with pytest.raises(SystemExit):  # lessons without data do not take --data
        lesson_arguments("Summary.", ["--out", str(tmp_path / "o4"), "--data", str(data)])


def _is_png(path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_restart_spread_plot_copes_with_lengths_equal_up_to_round_off(tmp_path):
    from gymlab.experiments.plots.tsp import plot_restart_spread

    lengths = [3.4130165, 3.4130165 + 4e-16, 3.4130165]
    assert _is_png(plot_restart_spread(lengths, 3.4130165, tmp_path / "spread.png", name="equal"))


def test_coins_plot_without_a_learner(tmp_path):
    from gymlab.experiments.plots.coins import plot_coins_per_amount

    path = plot_coins_per_amount(
        (10, 60, 100), [100, 110, 120], [1, 2, 2], [1, 2, 3], None, tmp_path / "c.png"
    )
    assert _is_png(path)


def test_sample_position_and_prediction_error_plots(tmp_path):
    from gymlab.experiments.plots.demos import plot_prediction_errors, plot_sample_positions

    rng = np.random.default_rng(0)
    assert _is_png(plot_sample_positions(rng.integers(0, 100, 500), 100, 50, tmp_path / "pos.png"))
    misses = {"model": rng.normal(0, 5, 200), "baseline": rng.normal(0, 10, 200)}
    assert _is_png(plot_prediction_errors(misses, 10.0, "lb", tmp_path / "err.png"))


# --- spread across seeds ------------------------------------------------------------------------


def test_seed_spread_plot(tmp_path):
    from gymlab.experiments.plots.demos import plot_seed_spread

    path = plot_seed_spread({"a": [1.0, 1.2, 0.9], "b": []}, "s", tmp_path / "s.png", "t", "lap time")
    assert _is_png(path)


# --- translations (gettext) -------------------------------------------------------------------


def test_po_catalog_compiles_to_mo_that_gettext_reads():
    import gettext
    import io

    from gymlab.experiments.i18n import compile_mo, parse_po

    po = (
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '# a comment\nmsgid "two coins"\nmsgstr "동전 두 개"\n\n'
        'msgid ""\n"long "\n"message"\nmsgstr ""\n"긴 "\n"메시지"\n\n'
        '#, fuzzy\nmsgid "unsure"\nmsgstr "모름"\n\nmsgid "untranslated"\nmsgstr ""\n'
    )
    entries = parse_po(po)
    assert entries == {"two coins": "동전 두 개", "long message": "긴 메시지"}
    catalog = gettext.GNUTranslations(io.BytesIO(compile_mo(entries)))
    assert catalog.gettext("two coins") == "동전 두 개" and catalog.gettext("long message") == "긴 메시지"
    assert catalog.gettext("unsure") == "unsure"  # fuzzy entries are not used
    with pytest.raises(GymlabError):
        parse_po('msgid "a"\nmsgstr "b"\ngarbage\n')


def test_language_comes_from_the_option_or_the_locale_environment():
    from gymlab.experiments.i18n import detect_language

    assert detect_language("ko") == detect_language("ko_KR") == detect_language("KO-kr") == "ko"
    assert detect_language(None, {"LANG": "ko_KR.UTF-8"}) == "ko"
    assert detect_language(None, {"LC_ALL": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}) == "ko"
    assert detect_language(None, {"LANGUAGE": "en", "LC_ALL": "ko_KR.UTF-8"}) == "en"  # first one set wins
    assert detect_language(None, {"LANGUAGE": "fr:ko"}) == "ko"
    assert detect_language(None, {"LANG": "C.UTF-8"}) == detect_language(None, {}) == "en"
    with pytest.raises(GymlabError, match="unknown language 'xx'"):
        detect_language("xx")


def test_placeholders_must_survive_translation():
    from gymlab.experiments.i18n import missing_translations, placeholders

    assert placeholders("{n:,} rows, {name!r}") == [("n", ","), ("name", "")]
    assert missing_translations("ko", {"a message nobody translated"}) == ["a message nobody translated"]


def test_plot_text_falls_back_to_english_without_a_hangul_font(monkeypatch, capsys):
    from gymlab.experiments import i18n

    monkeypatch.setattr(i18n, "hangul_font", lambda: None)
    i18n.set_language("ko")
    try:
        assert i18n._("step") == "스텝"  # the narration is Korean …
        assert i18n.plot_text("step") == "step"  # … the plot stays English
        assert i18n.plot_text("lap time") == "lap time"
        notices = capsys.readouterr().err.strip().splitlines()
        assert len(notices) == 1 and "Hangul" in notices[0] or "한글" in notices[0]
        monkeypatch.setattr(i18n, "hangul_font", lambda: "DejaVu Sans")
        i18n.set_language("ko")
        assert i18n.plot_text("step") == "스텝"
    finally:
        i18n.set_language("en")


def test_hangul_detection_reads_the_font_file():
    from matplotlib import font_manager

    from gymlab.experiments.i18n import has_hangul

    dejavu = font_manager.findfont("DejaVu Sans")
    assert has_hangul(dejavu) is False  # DejaVu has no Hangul syllables
    assert has_hangul("/no/such/font.ttf") is False


def test_a_fallback_font_that_maps_every_hangul_syllable_to_one_box_does_not_count():
    from matplotlib import font_manager

    from gymlab.experiments.i18n import has_hangul

    last_resort = [f.fname for f in font_manager.fontManager.ttflist if "last resort" in f.name.lower()]
    if not last_resort:
        pytest.skip("no Last Resort font installed here")
    assert has_hangul(last_resort[0]) is False
