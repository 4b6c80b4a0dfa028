"""The real Fashion-MNIST data: IDX files (``idx``), where they come from (``sources``), the
dataset, splits and loaders (``dataset``), and data variants for experiments (``variants``).

Import from the modules (``apparel_lib.data.dataset``) or from the package top (``apparel_lib``).
"""
