"""Validated models as plain data and back, without pydantic: what the validated-content
cache (`leaflet.sources.validated`) stores, and the `PlainModel` objects it gives back,
which read like the models (attribute access, iteration over (name, value),
`model_fields`, `model_fields_set`, `model_copy`, `model_dump`, `model_dump_json`)."""

from __future__ import annotations

import datetime as dt
from typing import Any


class Uncacheable(Exception):
    """A value the cache cannot hold as plain data: the model is not stored."""


SCALARS = (str, int, float, bool, type(None), dt.date, dt.datetime)


class Encoder:
    """A validated model as JSON data: models, dicts, tuples and dates tagged."""

    def __init__(self) -> None:
        self.classes: dict[str, dict[str, Any]] = {}

    def encode(self, value: Any) -> Any:
        kind = type(value)
        if kind in (str, int, float, bool, type(None)):
            return value
        if kind is list:
            return [self.encode(item) for item in value]
        if kind is tuple:
            return {"t": [self.encode(item) for item in value]}
        if kind is dict:
            if any(type(key) is not str for key in value):
                raise Uncacheable
            return {"d": {key: self.encode(item) for key, item in value.items()}}
        if kind is dt.date:
            return {"date": value.isoformat()}
        fields = getattr(kind, "model_fields", None)
        if fields is None:
            raise Uncacheable  # a datetime, a set, an object of another kind
        name = f"{kind.__module__}.{kind.__qualname__}"
        if name not in self.classes:
            from leaflet.sources.schema.behaviour import MIXINS

            mixins = [mixin for mixin, cls in MIXINS.items() if issubclass(kind, cls)]
            self.classes[name] = {"name": kind.__name__, "fields": list(fields), "mixins": mixins}
        node: dict[str, Any] = {
            "m": name,
            "v": [self.encode(getattr(value, field)) for field in fields],
        }
        if value.model_fields_set != set(fields):
            node["s"] = sorted(value.model_fields_set)
        return node


class PlainModel:
    """A validated model read back from the cache, without pydantic: frozen fields."""

    model_fields: dict[str, None] = {}
    _qualified = ""
    _mixins: list[str] = []
    model_fields_set: set[str]
    _json: str | None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __iter__(self) -> Any:
        return ((name, getattr(self, name)) for name in self.model_fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return list(self) == list(other)

    def __hash__(self) -> int:
        return hash(tuple(value for _, value in self))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self)
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        cls = type(self)
        table = {"name": cls.__name__, "fields": list(cls.model_fields), "mixins": cls._mixins}
        return _plain_object, (cls._qualified, table, dict(self.__dict__))

    def model_dump(self) -> dict[str, Any]:
        """The fields as plain data, models inside as dicts (as pydantic's `model_dump`)."""
        return {name: _dumped(value) for name, value in self}

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Any:
        """A copy with `update`'s fields replaced, not validated again (as pydantic's
        `model_copy`)."""
        changes = update or {}
        copy = object.__new__(type(self))
        copy.__dict__.update(
            self.__dict__,
            **changes,
            model_fields_set=self.model_fields_set | set(changes),
            _json=None,  # the stored JSON no longer says what the copy holds
        )
        return copy

    def model_dump_json(self) -> str:
        """The JSON pydantic wrote for this model when it was stored."""
        if self._json is None:
            raise ValueError("only a stored file's own model keeps its JSON")
        return self._json


def _dumped(value: Any) -> Any:
    if isinstance(value, PlainModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_dumped(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_dumped(item) for item in value)
    if isinstance(value, dict):
        return {key: _dumped(item) for key, item in value.items()}
    return value


_plain_classes: dict[tuple[str, tuple[str, ...], tuple[str, ...]], type[PlainModel]] = {}


class Decoder:
    """An entry's value as plain objects."""

    def __init__(self, classes: dict[str, dict[str, Any]], top_json: str | None) -> None:
        self.tables = classes
        self.top_json = top_json
        self.classes: dict[str, tuple[type[PlainModel], list[str]]] = {}

    def decode(self, value: Any, top: bool = True) -> Any:
        kind = type(value)
        if kind is list:
            return [self.decode(item, False) for item in value]
        if kind is not dict:
            return value
        name = value.get("m")
        if name is None:
            if "t" in value:
                return tuple(self.decode(item, False) for item in value["t"])
            if "d" in value:
                return {key: self.decode(item, False) for key, item in value["d"].items()}
            return dt.date.fromisoformat(value["date"])
        known = self.classes.get(name)
        if known is None:
            cls = _plain_class(name, self.tables[name])
            known = self.classes[name] = (cls, list(cls.model_fields))
        cls, fields = known
        values = value["v"]
        if len(values) != len(fields):
            raise ValueError("an entry's model does not match its table")
        obj = object.__new__(cls)
        state = obj.__dict__
        for field, item in zip(fields, values, strict=True):
            state[field] = item if type(item) is str else self.decode(item, False)
        state["model_fields_set"] = set(value.get("s", fields))
        state["_json"] = self.top_json if top else None
        return obj


def _plain_class(qualified: str, table: dict[str, Any]) -> type[PlainModel]:
    """One plain class per model, named as the model, with its fields and behaviour."""
    from leaflet.sources.schema.behaviour import MIXINS

    key = (qualified, tuple(table["fields"]), tuple(table["mixins"]))
    cls = _plain_classes.get(key)
    if cls is None:
        bases = (PlainModel, *(MIXINS[name] for name in table["mixins"]))
        fields = {str(name): None for name in table["fields"]}
        namespace = {
            "model_fields": fields,
            "_qualified": qualified,
            "_mixins": list(table["mixins"]),
            "__module__": __name__,
        }
        cls = type(str(table["name"]), bases, namespace)
        _plain_classes[key] = cls
    return cls


def _plain_object(qualified: str, table: dict[str, Any], state: dict[str, Any]) -> PlainModel:
    """A plain object again, as pickle makes it (a batch sends its setup to workers)."""
    obj = object.__new__(_plain_class(qualified, table))
    obj.__dict__.update(state)
    return obj
