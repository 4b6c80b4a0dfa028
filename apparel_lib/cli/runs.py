"""``apparel runs list|show|remove``: the runs kept in the results store."""

from __future__ import annotations

import argparse

from .conventions import UsageError, command
from .table import accuracy_cell, count, print_lines, run_line

__all__ = ["add"]


def add(sub: argparse._SubParsersAction) -> None:
    """The ``runs`` command group."""
    runs = sub.add_parser("runs", help="list, show or remove the runs kept in the results store", description="list, show or remove the runs kept in the results store")
    runs_sub = runs.add_subparsers(dest="runs_command", required=True, metavar="COMMAND", parser_class=type(runs))
    command(runs_sub, "list", _runs_list, "one line per stored run: key, model, recipe, seed, data, accuracy")
    show = command(runs_sub, "show", _runs_show, "everything recorded about one run")
    show.add_argument("key", metavar="KEY", help="the run's key (a unique prefix will do)")
    remove = command(runs_sub, "remove", _runs_remove, "delete stored runs (result and checkpoint)")
    remove.add_argument("keys", nargs="*", metavar="KEY", help="keys (unique prefixes will do)")
    remove.add_argument("--all", action="store_true", help="remove every stored run")


def _runs_list(args: argparse.Namespace) -> None:
    from ..runs.store import RunStore

    def line(r) -> str:
        path = r.numeric_path.short() if r.numeric_path is not None else "unknown"
        return run_line(r.key, r, after=f"{path:<9}")

    store = RunStore()
    print_lines(store.runs(), line, f"no stored runs in {store.root}")


def _runs_show(args: argparse.Namespace) -> None:
    from ..runs.store import RunStore

    r = RunStore().find(args.key)
    print(f"run:        {r.key}  ({r.spec.describe()})")
    print(f"recipe:     {r.spec.recipe}")
    print(f"accuracy:   validation {r.val_acc:.4f}, test {accuracy_cell(r.test_acc).strip()} (evaluation mode)")
    if r.val_acc_train_mode is not None:
        print(f"            validation {r.val_acc_train_mode:.4f}, test {accuracy_cell(r.test_acc_train_mode).strip()} (training mode, the tutorial's way)")
    print(f"parameters: {r.parameters:,}")
    print(f"trained:    {r.history.epochs} epochs in {r.seconds:.1f} s on {r.device}, torch {r.torch_version}, apparel_lib {r.library_version}")
    print(f"numerics:   {r.numeric_path or 'not recorded (stored before runs kept their numeric path)'}")
    print(f"data:       {r.fingerprint}")
    print(f"checkpoint: {r.checkpoint}")


def _runs_remove(args: argparse.Namespace) -> None:
    if args.all == bool(args.keys):
        raise UsageError("name the runs to remove, or pass --all (not both)")
    from ..runs.store import RunStore

    store = RunStore()
    keys = [r.key for r in store.runs()] if args.all else [store.find(k).key for k in args.keys]
    for key in keys:
        store.remove(key)
    print(f"removed {count(len(keys), 'stored run')} from {store.root}")
