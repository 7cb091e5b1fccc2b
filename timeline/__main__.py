"""Run the command line with ``python -m timeline``."""

import sys

from timeline.cli import main

sys.exit(main())
