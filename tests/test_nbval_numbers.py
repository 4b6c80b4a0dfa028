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


# Chapter 6's shuffled-pixel summary as stored (AMD EPYC) and as an Intel Xeon with AMX computed
# it: the plain network's mean drop lost its minus sign, so pandas laid the columns out again.
STORED_DROPS = ("                     plain network   CNN\n"
                "mean drop (points)           -0.06  3.59\n"
                "spread across seeds           0.42  0.45")
XEON_DROPS = ("                     plain network   CNN\n"
              "mean drop (points)            0.13  3.44\n"
              "spread across seeds           0.22  0.64")


def test_a_table_laid_out_again_passes():
    assert compare_text(STORED_DROPS, XEON_DROPS, Tolerance(plain=1.4)) is None


def test_a_realigned_table_still_fails_on_numbers_words_rows_and_columns():
    tol = Tolerance(plain=1.4)
    assert "beyond the cell's tolerance" in compare_text(STORED_DROPS, XEON_DROPS.replace("3.44", "5.44"), tol)
    assert compare_text(STORED_DROPS, XEON_DROPS.replace("spread", "sprEad"), tol) is not None
    one_row_less = XEON_DROPS.rsplit("\n", 1)[0]
    assert compare_text(STORED_DROPS, one_row_less, tol) is not None
    one_column_more = XEON_DROPS.replace("CNN\n", "CNN  wide\n").replace("3.44\n", "3.44  1.00\n")
    assert compare_text(STORED_DROPS, one_column_more, tol) is not None
    # a line break is layout no more: words may not move to another line
    assert compare_text("a b\nc", "a\nb c") is not None


def test_a_number_that_gains_a_digit_relays_its_column():
    ref = "model   val\nplain  9.97\ncnn    9.50"
    test = "model    val\nplain  10.02\ncnn     9.51"
    assert compare_text(ref, test, Tolerance(plain=0.1)) is None
    assert compare_text(ref, test) is not None  # beyond the default tolerance, as before


def test_a_header_wider_than_its_values_relays_the_table():
    ref = "   long header\n0         0.5\n1         0.6"
    test = "   long header\n0        -0.5\n1         0.6"
    assert compare_text(ref, test, Tolerance(plain=1.1)) is None
    assert compare_text(ref, test.replace("long", "short"), Tolerance(plain=1.1)) is not None


def test_rows_declare_their_own_tolerance():
    tol = tolerance_of(["nbval-tolerance=0.01", r"nbval-tolerance[^0\.07\s]=0.2"])
    ref = "learning rate  seed  val\n0.07  0  0.6512\n0.07  1  0.7234\n0.01  0  0.8123"
    noisy = ref.replace("0.6512", "0.7512")  # +10 points in a noisy row: within its 20
    assert compare_text(ref, noisy, tol) is None
    tight = ref.replace("0.8123", "0.8323")  # +2 points in the tight row: beyond its 1
    assert "cell's tolerance 0.01" in compare_text(ref, tight, tol)
    assert "cell's tolerance 0.2" in compare_text(ref, ref.replace("0.7234", "0.9934"), tol)


def test_rows_of_an_html_table_declare_their_own_tolerance():
    html = ("<table><thead><tr><th>rate</th><th>val</th></tr></thead><tbody>\n"
            "<tr>\n  <th>0.07</th>\n  <td>0.6512</td>\n</tr>\n"
            "<tr>\n  <th>0.01</th>\n  <td>0.8123</td>\n</tr>\n</tbody></table>")
    tol = tolerance_of(["nbval-tolerance=0.01", r"nbval-tolerance[^0\.07\s]=0.2"])
    assert compare_text(html, html.replace("0.6512", "0.7512"), tol) is None
    assert compare_text(html, html.replace("0.8123", "0.8323"), tol) is not None


def test_row_tags_are_checked():
    assert tolerance_of([r"nbval-tolerance[3\shidden]=0.036"]).rows == ((r"3\shidden", 0.036),)
    with pytest.raises(ValueError, match="non-negative number"):
        tolerance_of(["nbval-tolerance[cnn]=x"])
    with pytest.raises(ValueError, match="not a regular expression"):
        tolerance_of(["nbval-tolerance[(]=0.1"])


def test_an_output_with_html_is_compared_by_its_html():
    from nbformat import from_dict
    from nbval_numbers import _flatten

    table = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
             "data": {"text/plain": "   a  \\\n0  1\n\n   b\n0  2", "text/html": "<td>1</td><td>2</td>"}}
    text = {"output_type": "stream", "name": "stdout", "text": "3 seeds\n"}
    flat = _flatten([from_dict(table), from_dict(text)], set(), lambda s: s)
    assert flat["text/html"] == ["<td>1</td><td>2</td>"] and "text/plain" not in flat
    assert flat["stdout"] == ["3 seeds\n"]
    # where HTML is not compared (nbval's --nbval-skip-compare), the plain text is
    assert _flatten([from_dict(table)], {"text/html"}, lambda s: s)["text/plain"] == [table["data"]["text/plain"]]
    plain_only = {**table, "data": {"text/plain": "Recipe(lr=0.07)"}}
    assert _flatten([from_dict(plain_only)], set(), lambda s: s)["text/plain"] == ["Recipe(lr=0.07)"]
