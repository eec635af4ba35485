"""smartcabin: an edge-first smart-cockpit assistant."""
from .assistant import Assistant, TurnResult

__all__ = ["Assistant", "TurnResult"]
__version__ = "0.1.0"
