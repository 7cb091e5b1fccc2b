"""timeline: turn a folder of news articles into a cited event timeline."""

__version__ = "0.1.0"
