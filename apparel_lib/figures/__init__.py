"""What the chapters show: figures (``plots``), the flattening lesson's helpers (``spatial``),
tables shown whole (``tables``), interactive explorers (``widgets``), the figures that look
inside a trained model (``inside``), and each chapter's self-check questions (``questions``,
drawn in the page by ``selfcheck``).
"""
