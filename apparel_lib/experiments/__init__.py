"""Many experiments, each trained once: run specs and results (``spec``), training a spec
(``runner``), the results store that keeps every run for reuse (``store``), the results ledger
of the chapters' converged runs, computed once and shipped in the repository (``ledger``), what
each chapter's evidence is made of (``plans``), making and verifying the ledger (``results``),
the test set scored on request and once (``test_set``), reading many runs at once or probing a
trained model (``analysis``), an ablation's steps (``ablation``), and tuning with Optuna: the
search space (``search_space``), one trial (``objective``), where studies live
(``study_storage``), reading a study (``study_report``) and the workers (``sweep``), whose
defaults the command line reads from ``defaults``, and chapter 10's study, computed once and
shipped in the ledger (``study_plan``).
"""
