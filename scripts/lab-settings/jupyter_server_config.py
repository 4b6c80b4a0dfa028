"""JupyterLab's server settings for `make lab` and the browser tests (`--config` this file).

The chapters' {term} links lead to their glossary entries: the contents manager of
book/_ext/lab_glossary.py (jupytext's, which also keeps the .py twins in step) adds the book's
glossary to each chapter JupyterLab opens and takes it out again when JupyterLab saves.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

c = get_config()  # noqa: F821 (traitlets provides it to a config file)
c.ServerApp.contents_manager_class = "lab_glossary.GlossaryContentsManager"
c.GlossaryContentsManager.glossary = str(ROOT / "book" / "glossary.md")
