"""The book's networks (``networks``), the registry that builds them by name (``registry``),
and tools to look inside a network (``anatomy``).

The registry is importable without torch, so the command line can list model names quickly.
"""
