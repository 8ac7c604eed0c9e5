"""Build frozen dataclasses from parsed YAML, rejecting unknown keys and wrong types by name."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from bot.errors import ConfigError

T = TypeVar("T")


def from_mapping(cls: type[T], data: object, where: str = "") -> T:
    """Return cls(**data) with every value checked against cls's type hints."""
    label = where or "the config"
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{label}: expected a mapping of keys to values, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    flat: set[str] = set()
    split = getattr(cls, "typed_fields", None)
    if split is not None:  # fields typed by the data itself, written beside the others (a source's options)
        data, extra = _checked(lambda: split(data), where, label, list(data))
        hints, flat = {**hints, **extra}, set(extra)
    names = [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
    for key in data:
        if key not in names or (key in flat and not isinstance(data[key], dict)):
            raise ConfigError(f"{_join(where, str(key))}: unknown key (known keys: {', '.join(names)})")
    values = {
        key: _coerce(hints[key], value, where if key in flat else _join(where, key))
        for key, value in data.items()
    }
    return _checked(lambda: cls(**values), where, label, names)


def _checked(make: Any, where: str, label: str, names: list[str]) -> Any:
    """Return make(); a "field: reason" error from a dataclass's own checks names the key."""
    try:
        return make()
    except (TypeError, ValueError) as exc:
        field, sep, reason = str(exc).partition(": ")
        if sep and field in names:
            raise ConfigError(f"{_join(where, field)}: {reason}") from exc
        raise ConfigError(f"{label}: {exc}") from exc


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _coerce(hint: Any, value: object, where: str) -> Any:
    origin = get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return from_mapping(hint, value, where)  # type: ignore[arg-type]
    if origin is Literal:
        options = get_args(hint)
        if value not in options:
            raise ConfigError(f"{where}: must be one of {', '.join(map(repr, options))}, got {value!r}")
        return value
    if origin in (Union, types.UnionType):
        options = get_args(hint)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _coerce(option, value, where)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(errors[0] if len(errors) == 1 else f"{where}: invalid value {value!r}")
    if origin in (tuple, list):
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where}: expected a list, got {type(value).__name__}")
        item = get_args(hint)[0]
        items = [_coerce(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected a whole number, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected text, got {value!r}")
        return value
    raise ConfigError(f"{where}: unsupported setting type {hint!r}")
