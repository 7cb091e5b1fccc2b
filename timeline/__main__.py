"""Run the command line with ``python -m timeline``."""

from timeline.cli import run

if __name__ == "__main__":  # not when a spawned process imports this module
    run()
