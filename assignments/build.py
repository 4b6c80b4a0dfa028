"""Build the assignment edition (``make assignments``) from ``assignments/apparel_cnn.py``.

The source is one notebook (jupytext percent format) in otter-grader's assignment format: each
question, its solution and its tests. ``otter assign`` splits it into

    OUT/student/apparel_cnn.ipynb      the questions without solutions, for the class, with
    OUT/student/tests/                 the checks a student runs (``grader.check``)
    OUT/autograder/apparel_cnn.ipynb   the solutions
    OUT/autograder/autograder.zip      what ``assignments/grade.py`` grades with

Tracked files are never written. Usage: python assignments/build.py [OUT]   (default
_build/assignments)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jupytext

__all__ = ["SOURCE", "NOTEBOOK", "build_assignments"]

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assignments" / "apparel_cnn.py"
NOTEBOOK = "apparel_cnn.ipynb"
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def build_assignments(out: Path, *, source: Path = SOURCE) -> Path:
    """Write the assignment edition into ``out`` (emptied first); return the autograder's zip."""
    if out.resolve() in (ROOT.resolve(), *ROOT.resolve().parents) or out.resolve() == source.parent.resolve():
        raise SystemExit(f"{out} holds the book itself: choose an empty folder such as _build/assignments")
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="assignments-") as work:
        master = Path(work) / NOTEBOOK
        notebook = jupytext.read(source)
        notebook.metadata["kernelspec"] = KERNEL
        jupytext.write(notebook, master)
        done = subprocess.run([sys.executable, "-m", "otter", "assign", str(master), str(out.resolve())],
                              cwd=work, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"otter assign failed on {source}:\n{done.stdout}{done.stderr}")
    zips = sorted((out / "autograder").glob("*.zip"))
    if len(zips) != 1:
        raise SystemExit(f"otter assign wrote {len(zips)} autograder zips in {out / 'autograder'}, not one")
    return zips[0].rename(out / "autograder" / "autograder.zip")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", default=ROOT / "_build" / "assignments",
                        help="the folder to write (emptied first; default: _build/assignments)")
    args = parser.parse_args(argv)
    autograder = build_assignments(args.out)
    print(f"The assignment edition is in {args.out}: hand out {args.out / 'student'}; grade with {autograder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
