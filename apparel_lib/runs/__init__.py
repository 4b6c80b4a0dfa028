"""Runs kept as data and trained once: run specs and results (``spec``), training a spec
(``runner``), the results store that keeps every run for reuse (``store``), the results ledger of
converged runs, computed once and shipped with the book (``ledger``), the held-out test set
scored on request and once (``holdout``), the log of every look at it (``looks``), the one
way the book weighs a difference (``weigh``), and comparison tables over seeds (``compare``).
"""
