"""Training and judging models: recipes (``recipes``), devices (``devices``), the loop (``loop``),
its record (``history``), augmentation (``augment``), evaluation (``evaluate``), batch-norm recalibration (``batchnorm``) and checkpoints
(``checkpoint``).
"""
