"""Range checks for typed settings: each raises ValueError("field: reason"), which the config loader
reports under the field's full key ("ingest.timeout_s: must be more than 0")."""

from __future__ import annotations


def at_least(settings: object, **lowest: float) -> None:
    """Raise ValueError("name: must be at least X") for the first field below its lowest value."""
    for name, low in lowest.items():
        if getattr(settings, name) < low:
            raise ValueError(f"{name}: must be at least {low:g}")


def above(settings: object, **lowest: float) -> None:
    """Raise ValueError("name: must be more than X") for the first field not above its bound."""
    for name, low in lowest.items():
        if getattr(settings, name) <= low:
            raise ValueError(f"{name}: must be more than {low:g}")


def within(settings: object, **bounds: tuple[float, float]) -> None:
    """Raise ValueError("name: must be between A and B") for the first field outside its bounds."""
    for name, (low, high) in bounds.items():
        if not low <= getattr(settings, name) <= high:
            raise ValueError(f"{name}: must be between {low:g} and {high:g}")
