"""The tolerant comparison that the nbval plugin (tests/nbval_numbers.py) applies to each output."""

from __future__ import annotations

import pytest
from nbval_numbers import Tolerance, compare_text, split_numbers, tolerance_of


def test_identical_text_passes():
    assert compare_text("accuracy 0.9405 after 8 epochs", "accuracy 0.9405 after 8 epochs") is None


def test_float_rounding_between_processors_passes_by_default():
    assert compare_text("-0.0948089640", "-0.0948089739") is None
    assert compare_text("[[0.123456, 1.5e-05]]", "[[0.123457, 1.6e-05]]") is None


def test_one_unit_of_the_last_digit_passes_but_two_fail():
    assert compare_text("gap 3.55 points", "gap 3.56 points") is None
    assert "beyond the default tolerance" in compare_text("gap 3.55 points", "gap 3.59 points")


def test_a_changed_word_fails():
    assert compare_text("plain network 0.88", "plain netwerk 0.88") == "the text differs, not only its numbers"
    assert compare_text("clear: True", "clear: False") is not None


def test_integers_must_match_exactly():
    why = compare_text("85,418 parameters", "85,419 parameters")
    assert why is not None and "integer" in why
    assert compare_text("torch.Size([64, 1, 28, 28])", "torch.Size([64, 1, 28, 27])") is not None
    assert compare_text("3 seeds.", "4 seeds.") is not None  # a full stop does not make it a decimal


def test_a_sign_change_within_tolerance_passes():
    tol = Tolerance(plain=0.5)
    assert compare_text("plain network changes by -0.06 points", "plain network changes by +0.13 points", tol) is None
    assert compare_text("drop \u22120.06", "drop 0.13", tol) is None


def test_declared_tolerance_applies_to_decimals_and_per_cents():
    tol = Tolerance(plain=0.005)
    assert compare_text("val 0.9405, 94.05%", "val 0.9441, 94.41%", tol) is None
    assert "cell's tolerance 0.005" in compare_text("val 0.9405", "val 0.9465", tol)
    assert "cell's tolerance 0.5" in compare_text("94.05%", "94.65%", tol)
    # a tolerance never loosens integers
    assert compare_text("8 epochs", "9 epochs", tol) is not None


def test_percent_tolerance_can_be_declared_separately():
    tol = Tolerance(plain=0.9, percent=0.3)
    assert compare_text("ahead by 14.9 points (94.05%)", "ahead by 15.7 points (94.25%)", tol) is None
    assert compare_text("ahead by 14.9 points (94.05%)", "ahead by 14.9 points (94.45%)", tol) is not None


def test_a_percent_sign_that_appears_or_goes_fails():
    assert compare_text("94.05%", "94.05") is not None


def test_html_tables_compare_cell_by_cell():
    ref = "<tr><th>0</th><td>linear</td><td>7,850</td><td>84.46%</td></tr>"
    assert compare_text(ref, ref.replace("84.46%", "84.47%")) is None
    assert compare_text(ref, ref.replace("84.46%", "84.86%")) is not None
    assert compare_text(ref, ref.replace("7,850", "7,851")) is not None
    assert compare_text(ref, ref.replace("linear", "plain")) is not None


def test_split_numbers_masks_every_number():
    skeleton, numbers = split_numbers("conv2d: 4 filters, 12.5% of -3e-05")
    assert [m.group(0) for m in numbers] == ["4", "12.5%", "-3e-05"]
    assert "4" not in skeleton and "12.5" not in skeleton and "conv2d" in skeleton


def test_tags_declare_tolerances():
    assert tolerance_of(None) == Tolerance()
    assert tolerance_of(["remove-cell", "nbval-tolerance=0.006"]) == Tolerance(plain=0.006)
    assert tolerance_of(["nbval-tolerance=0.9", "nbval-tolerance-percent=0.6"]) == Tolerance(0.9, 0.6)
    for bad in ("nbval-tolerance=", "nbval-tolerance=abc", "nbval-tolerance=-1", "nbval-tolerance-percent=nan"):
        with pytest.raises(ValueError, match="non-negative number"):
            tolerance_of([bad])
