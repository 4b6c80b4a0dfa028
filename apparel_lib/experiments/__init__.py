"""Many experiments, each trained once: run specs and results (``spec``), training a spec
(``runner``) and the results store that keeps every run for reuse (``store``).
"""
