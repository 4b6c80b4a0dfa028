"""The real Fashion-MNIST data: IDX files (``idx``), where they come from (``sources``), the
dataset, splits and loaders (``dataset``), data variants for experiments (``variants``), and a
reader's own picture made 28x28 step by step (``picture``).

Import from the modules (``apparel_lib.data.dataset``) or from the package top (``apparel_lib``).
"""
