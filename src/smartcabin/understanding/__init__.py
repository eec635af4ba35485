"""Understanding: text in, intents out (no vehicle state, no side effects)."""
from .types import Intent, Understanding
from .parser import parse

__all__ = ["Intent", "Understanding", "parse"]
