"""ruff, configured in pyproject.toml, finds nothing in the library, the tests or the benchmark."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_check_passes():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_finds_what_it_is_configured_for(tmp_path):
    """The check can fail: an unused import and a bare ``except Exception`` are reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\n\ntry:\n    pass\nexcept Exception:\n    pass\n")
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"),
                           "--output-format", "concise", str(bad)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 1 and "F401" in proc.stdout and "BLE001" in proc.stdout, proc.stdout + proc.stderr
