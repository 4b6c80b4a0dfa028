"""Make executed notebooks differ only where their results differ.

Executing a notebook stamps every cell with timestamps and gives every widget a random id, so
a re-run with identical results still rewrites the file. This script removes the timestamps
(cell metadata ``execution``) and renames widget ids to ids derived from the notebook's name and
the order in which the ids first appear, so the same results give the same bytes.

Usage: python scripts/tidy_notebooks.py NOTEBOOK.ipynb [...]
"""

from __future__ import annotations

import json
import re
import sys
import uuid
from pathlib import Path

__all__ = ["tidy"]

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_NAMESPACE = uuid.UUID("6f6e1b1e-5a1b-4c5e-9d1f-0a7c3e2b8d40")


def _widget_order(nb: dict, state: dict) -> list[str]:
    """Widget ids in an order that does not depend on the ids: the models shown by the cells, in
    cell order, each followed (breadth first) by the models it refers to; then the rest, by content."""
    pattern = re.compile("|".join(map(re.escape, state)))
    shown = pattern.findall(json.dumps(nb.get("cells", []), sort_keys=True))
    order = list(dict.fromkeys(shown))
    i = 0
    while i < len(order):
        for ref in pattern.findall(json.dumps(state[order[i]], sort_keys=True)):
            if ref not in order:
                order.append(ref)
        i += 1
    masked = {k: pattern.sub("ID", json.dumps(v, sort_keys=True)) for k, v in state.items() if k not in order}
    return order + sorted(masked, key=lambda k: (masked[k], k))


def tidy(path: Path) -> bool:
    """Tidy one notebook in place; return True if its file changed."""
    before = path.read_text(encoding="utf-8")
    nb = json.loads(before)
    for cell in nb.get("cells", []):
        cell.get("metadata", {}).pop("execution", None)
    text = json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    if state:
        names = {old: uuid.uuid5(_NAMESPACE, f"{path.name}:{i}").hex for i, old in enumerate(_widget_order(nb, state))}
        pattern = re.compile("|".join(map(re.escape, names)))
        renamed = pattern.sub(lambda m: names[m.group()], text)
        text = json.dumps(json.loads(renamed), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if text != before:
        path.write_text(text, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    for name in sys.argv[1:]:
        tidy(Path(name))
