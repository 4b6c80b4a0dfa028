"""Training and judging models: recipes (``recipes``), devices (``devices``), the loop (``loop``),
its record (``history``), augmentation (``augment``), evaluation (``evaluate``) and checkpoints
(``checkpoint``).
"""
