"""``apparel data info|export``: where the data came from, and the practice layout written out."""

from __future__ import annotations

import argparse
from pathlib import Path

from .conventions import command, data_arg, progress_arg

__all__ = ["add", "load"]


def add(sub: argparse._SubParsersAction) -> None:
    """The ``data`` command group."""
    data = sub.add_parser("data", help="inspect or export the Fashion-MNIST data", description="inspect or export the Fashion-MNIST data")
    data_sub = data.add_subparsers(dest="data_command", required=True, metavar="COMMAND", parser_class=type(data))
    info = command(data_sub, "info", _data_info, "where the data came from, whether it verified, counts per split and class")
    data_arg(info)
    export = command(data_sub, "export", _data_export, "write the practice-problem layout (CSV files and PNG images) to DIR")
    export.add_argument("dir", type=Path, metavar="DIR", help="an empty or new folder to write the layout to")
    data_arg(export)
    progress_arg(export)


def load(args: argparse.Namespace, progress: bool = True):  # -> FashionMNIST
    """The data the command's ``--data`` and ``--no-download`` ask for."""
    from ..data.dataset import load_data

    return load_data(args.data, download=not args.no_download, progress=progress)


def _data_info(args: argparse.Namespace) -> None:
    import numpy as np

    from ..constants import CLASSES

    data = load(args)
    src = data.source
    print(f"source:      {src.origin} ({src.folder})")
    print("verified:    yes, the sha256 of every decompressed file matches (unverified data is never loaded)")
    print(f"fingerprint: {data.fingerprint}")
    print(f"train:       {len(data.train_labels):,} images {data.train_images.shape[1]}x{data.train_images.shape[2]}")
    print(f"test:        {len(data.test_labels):,} images {data.test_images.shape[1]}x{data.test_images.shape[2]}")
    train_counts = np.bincount(data.train_labels, minlength=len(CLASSES))
    test_counts = np.bincount(data.test_labels, minlength=len(CLASSES))
    print(f"\n{'':2}{'class':<13}{'train':>7}{'test':>7}")
    for i, name in enumerate(CLASSES):
        print(f"{i:<2}{name:<13}{train_counts[i]:>7,}{test_counts[i]:>7,}")


def _data_export(args: argparse.Namespace) -> None:
    from ..practice.layout import export_layout

    folder = export_layout(load(args), args.dir, progress=not args.no_progress)
    print(f"wrote the practice layout to {folder}: train.csv, train/, test.csv, test/, sample_submission.csv")
