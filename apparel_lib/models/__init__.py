"""The book's networks (``networks``: linear, plain, the tutorial's CNN; ``convnet``: CNNs built
from a stage description, and chapter 7's best CNN; ``speedrun``: chapter 11's faster CNN), the registry that builds them by name
(``registry``), running a model in a chosen mode and then as it was (``modes``), what its layers
cost (``parameters``), a plain network rewired for shuffled pixels (``rewire``), and tools to
look inside a network (``anatomy``) and at which pixels mattered (``attribution``).

The registry is importable without torch, so the command line can list model names quickly.
"""
