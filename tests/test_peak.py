"""The machine's peak: a positive rate per precision, with its fields, and utilisation as achieved over peak."""

import pytest

from apparel_lib.errors import ApparelError
from apparel_lib.training.devices import PRECISIONS
from apparel_lib.training.peak import Peak, machine_peaks, measure_peak, utilisation


def test_every_precision_has_a_positive_peak_with_its_fields():
    peaks = machine_peaks(size=64, repeats=2)
    assert list(peaks) == list(PRECISIONS)
    for precision, peak in peaks.items():
        assert peak.precision == precision and peak.size == 64 and peak.threads >= 1
        assert peak.seconds > 0 and peak.flops == 2 * 64**3 and peak.rate == peak.flops / peak.seconds
        assert "GFLOP/s" in str(peak) and "64x64" in str(peak)


def test_a_larger_product_is_no_slower_per_operation_than_a_tiny_one():
    # a 4x4 product is all overhead; the peak is measured where the arithmetic dominates
    assert measure_peak(size=256, repeats=3).rate > measure_peak(size=4, repeats=3).rate


def test_utilisation_is_achieved_rate_over_peak():
    peak = Peak("float32", size=1000, threads=2, seconds=0.02)  # 1e11 FLOP/s
    assert utilisation(5e11, 10.0, peak) == pytest.approx(0.5)
    with pytest.raises(ApparelError, match="positive seconds"):
        utilisation(1e9, 0.0, peak)


def test_bad_arguments_get_a_clear_error():
    with pytest.raises(ApparelError, match="unknown precision 'float16': use float32 or bfloat16-autocast"):
        measure_peak("float16", size=8)
    with pytest.raises(ApparelError, match="size and repeats of at least 1"):
        measure_peak(size=0)


def test_the_side_doubles_until_a_product_is_long_enough(monkeypatch):
    monkeypatch.setattr("apparel_lib.training.peak.PLATEAU_SECONDS", 0.0)
    assert measure_peak(size=2048, repeats=1, warmup=0).size == 256  # any product is long enough
    monkeypatch.setattr("apparel_lib.training.peak.PLATEAU_SECONDS", float("inf"))
    assert measure_peak(size=512, repeats=1, warmup=0).size == 512  # none is: up to the largest side
