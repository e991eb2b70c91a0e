"""The one error of the configuration, raised at start-up."""

from __future__ import annotations


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to set."""
