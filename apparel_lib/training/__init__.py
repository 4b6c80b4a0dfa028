"""Training and judging models: recipes (``recipes``), devices, the bfloat16 policy and numeric
paths (``devices``), whether bfloat16 pays here (``precision``), one training step and its optimiser (``step``), the loop
(``loop``), its record (``history``), augmentation (``augment``), keeping freed memory for reuse
(``memory``), timing steps in turns (``turns``) and under the machine's policy (``timing``),
counting a run's arithmetic (``flops``), the machine's peak rate of arithmetic and the share
of it a run achieves (``peak``), a step's time by operator (``operators``), evaluation (``evaluate``), accuracy on moved pictures
(``probes``), batch-norm recalibration (``batchnorm``), checkpoints (``checkpoint``) and class
probabilities of one's own pictures (``classify``).
"""
