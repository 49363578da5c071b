"""Makes the real `intents` package importable for the tests in this folder; the fake OpenAI server."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# pytest puts tests/ on sys.path, where this folder would pass for the `intents` package (as an
# empty namespace) unless the project root is on the path too: a regular package always wins.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.append(_ROOT)
if "intents" in sys.modules and getattr(sys.modules["intents"], "__file__", None) is None:
    del sys.modules["intents"]


@pytest.fixture
def fake_openai():
    """A running fake OpenAI-compatible server on 127.0.0.1 (see fake_openai.py)."""
    from fake_openai import FakeOpenAI

    fake = FakeOpenAI()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
