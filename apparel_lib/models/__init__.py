"""The book's networks (``networks``) and the registry that builds them by name (``registry``).

The registry is importable without torch, so the command line can list model names quickly.
"""
