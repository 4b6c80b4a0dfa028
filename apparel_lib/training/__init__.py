"""Training and judging models: recipes (``recipes``), the bfloat16 policy (``precision``),
devices and numeric paths (``devices``), one training step and its optimiser (``step``), the loop
(``loop``), its record (``history``), augmentation (``augment``), keeping freed memory for reuse
(``memory``), timing steps in turns (``turns``) and under the machine's policy (``timing``),
counting a run's arithmetic (``flops``), evaluation (``evaluate``), accuracy on moved pictures
(``probes``), batch-norm recalibration (``batchnorm``), checkpoints (``checkpoint``) and class
probabilities of one's own pictures (``classify``).
"""
