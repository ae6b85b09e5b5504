"""Catch what a library logs, so that its warnings can fail a build."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class _Collector(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


@contextmanager
def warnings_logged(logger_name: str) -> Iterator[list[str]]:
    """Yield a list that collects the warnings and errors logged inside the block."""
    messages: list[str] = []
    handler = _Collector(messages)
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
