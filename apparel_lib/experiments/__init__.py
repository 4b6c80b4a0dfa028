"""Many experiments, each trained once: run specs and results (``spec``), training a spec
(``runner``), the results store that keeps every run for reuse (``store``), and reading many
runs at once or probing a trained model (``analysis``).
"""
