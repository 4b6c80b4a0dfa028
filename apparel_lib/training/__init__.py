"""Training and judging models: recipes (``recipes``), devices (``devices``), one training step
(``step``), the loop (``loop``), its record (``history``), augmentation (``augment``), keeping
freed memory for reuse (``memory``), timing a step (``timing``), counting a run's arithmetic (``flops``), whether bfloat16
autocast pays here (``precision``), evaluation (``evaluate``),
batch-norm recalibration (``batchnorm``), checkpoints (``checkpoint``) and class probabilities
of one's own pictures (``classify``).
"""
