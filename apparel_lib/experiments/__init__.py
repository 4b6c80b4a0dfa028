"""Many experiments, each trained once: run specs and results (``spec``), training a spec
(``runner``), the results store that keeps every run for reuse (``store``), reading many
runs at once or probing a trained model (``analysis``), and tuning with Optuna (``sweep``, whose
defaults the command line reads from ``defaults``).
"""
