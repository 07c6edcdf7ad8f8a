"""Clauses added after files were first signed: hashed and written only once they are set.

A signed file's hash is over its model's whole dump. A new field, even one whose default
changes nothing, would add a key to the dump of every file signed before it existed and break
that file's hash. A field declared with `added(...)` is left out of the signed dump, and out of
the file the store writes, while it holds its default; once a room sets it, it is hashed and
written like any other clause. So an old file keeps its hash and its meaning, and a new clause
still cannot change unsigned.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

_MARK = "workbench_added"


def added(default: Any = None, **kwargs: Any) -> Any:
    """`Field(...)` for a clause added later; its default must change no verdict."""
    extra = dict(kwargs.pop("json_schema_extra", None) or {})
    extra[_MARK] = True
    if "default_factory" in kwargs:
        return Field(json_schema_extra=extra, **kwargs)
    return Field(default=default, json_schema_extra=extra, **kwargs)


def is_added(model: type[BaseModel], name: str) -> bool:
    extra = model.model_fields[name].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get(_MARK))


def _at_default(model: BaseModel, name: str) -> bool:
    field = type(model).model_fields[name]
    return bool(getattr(model, name) == field.get_default(call_default_factory=True))


def prune_added(model: BaseModel, dumped: Any) -> Any:
    """Drop from `dumped` (this model's `model_dump`) every added field still at its default,
    at any depth: inside nested models, lists and tables of models."""
    if not isinstance(dumped, dict):
        return dumped
    for name in type(model).model_fields:
        key = name
        if key not in dumped:
            continue
        if is_added(type(model), name) and _at_default(model, name):
            del dumped[key]
            continue
        _prune_value(getattr(model, name), dumped[key])
    return dumped


def _prune_value(value: Any, dumped: Any) -> None:
    if isinstance(value, BaseModel):
        prune_added(value, dumped)
    elif isinstance(value, list | tuple) and isinstance(dumped, list):
        for item, raw in zip(value, dumped, strict=False):
            _prune_value(item, raw)
    elif isinstance(value, dict) and isinstance(dumped, dict):
        for key, item in value.items():
            if key in dumped:
                _prune_value(item, dumped[key])


def signed_dump(model: BaseModel, **kwargs: Any) -> Any:
    """`model.model_dump(**kwargs)` without the added fields still at their defaults."""
    return prune_added(model, model.model_dump(**kwargs))
