"""``python -m apparel_lib``: see :mod:`apparel_lib.cli`."""

import sys

from .cli import main

sys.exit(main())
