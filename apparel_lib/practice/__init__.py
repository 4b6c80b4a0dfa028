"""The practice problem's files: the CSV + PNG folder the tutorial reads (``layout``), and
submission files scored locally (``submission``). Ids shared by both live in ``ids``.
"""
