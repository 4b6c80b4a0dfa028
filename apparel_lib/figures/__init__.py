"""What the chapters show: figures (``plots``), the flattening lesson's helpers (``spatial``),
tables shown whole (``tables``), interactive explorers (``widgets``) and the figures that look
inside a trained model (``inside``).
"""
