"""Tuning with Optuna: the tutorial's knobs as a search space (``space``), one trial trained
through the results store (``objective``), where studies live (``storage``), the workers
(``sweep``), reading a study (``report``), and the defaults the command line shows without
loading optuna or torch (``defaults``).
"""
