"""The speed benchmark (``python -m apparel_lib bench``): the tutorial's way (``tutorial_way``,
written here for comparison, never used by the library) against the library's, measured by
``measure`` and compared against targets in ``comparisons``.
"""
