"""What the chapters show: figures (``plots``), the flattening lesson's helpers (``spatial``) and
interactive explorers (``widgets``).
"""
