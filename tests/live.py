"""Tests that need a live service skip with a reason where none runs, and fail in CI instead."""

import os

import pytest


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide this service: {reason}")
    pytest.skip(reason)
