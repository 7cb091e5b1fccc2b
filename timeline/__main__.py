"""Run the command line with ``python -m timeline``."""

import sys

from timeline.cli import main

if __name__ == "__main__":  # not when a spawned process imports this module
    sys.exit(main())
