"""``python -m jaxresample.cli``: the ``jaxresample`` command."""

import sys

from . import main

if __name__ == "__main__":  # not when a doctest collector imports this module
    sys.exit(main())
