"""Many experiments, each trained once: run specs and results (``spec``), training a spec
(``runner``), the results store that keeps every run for reuse (``store``), reading many
runs at once or probing a trained model (``analysis``), an ablation's steps (``ablation``), and
tuning with Optuna: the search space (``search_space``), one trial (``objective``), where studies
live (``study_storage``), reading a study (``study_report``) and the workers (``sweep``), whose
defaults the command line reads from ``defaults``.
"""
