"""Errors a user can fix: printed as one line, with a non-zero exit and nothing changed.

A leaf module: it imports nothing of ours, so web/, flows/, reports/, notifications/ may import it.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input or environment; the message is shown as is."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
