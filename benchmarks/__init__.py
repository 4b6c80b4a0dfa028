"""The speed benchmark (``python -m benchmarks`` from the repository): the tutorial's way
(``tutorial_way``) against the library's, each measurement (``measure``) a row of the report
(``report``), the parts registered in ``parts``, run by ``run``.

It is repository tooling, not part of the installed package: it imports ``apparel_lib`` like any
user, and its ``book`` part runs the repository's tests and notebooks.
"""
