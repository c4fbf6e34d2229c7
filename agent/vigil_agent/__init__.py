"""Vigil host agent: collects system metrics from /proc and posts heartbeats to the Vigil API.

Standard library only, so it runs on any Linux with Python 3.8+ and nothing to install.
"""

__version__ = "1.0.0"
