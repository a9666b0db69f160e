"""Check Bot API calls and objects against the vendored botapi.json.

Form-encoded calls carry every value as a string; `decode_params` turns them
back into typed values the way Telegram does, guided by the declared types:
``{"chat_id": "42", "reply_markup": '{"inline_keyboard": []}'}`` becomes
``{"chat_id": 42, "reply_markup": {"inline_keyboard": []}}``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from bot.sandbox.files import Upload

_PRIMITIVES = {"Integer", "Float", "Boolean", "String", "InputFile"}
_INT = re.compile(r"-?\d+")


@dataclass
class Decoded:
    """The typed parameters of one call and what was wrong with them."""

    params: dict[str, Any] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def problems(self, method: str) -> list[str]:
        """Describe every problem in one human-readable line each."""
        out = [f"{method}: unknown parameter {name!r}" for name in self.unknown]
        out += [f"{method}: missing required parameter {name!r}" for name in self.missing]
        out += [f"{method}: {what}" for what in self.wrong]
        return out


class Schema:
    """The Bot API description: methods with their parameters, types with their fields."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.version: str = data["version"]
        self.methods: dict[str, dict[str, Any]] = data["methods"]
        self.types: dict[str, dict[str, Any]] = data["types"]
        self._lower = {name.lower(): name for name in self.methods}

    def method_name(self, name: str) -> str | None:
        """Resolve a method name case-insensitively, as Telegram does."""
        return self._lower.get(name.lower())

    def decode_params(self, method: str, raw: dict[str, Any]) -> Decoded:
        """Turn raw request values into typed ones and list what does not fit."""
        fields = {f["name"]: f for f in self.methods[method].get("fields", [])}
        out = Decoded()
        for name, value in raw.items():
            spec = fields.get(name)
            if spec is None:
                out.unknown.append(name)
                continue
            ok, typed, why = self._decode(value, spec["types"], name)
            if ok:
                out.params[name] = typed
            else:
                out.wrong.append(why)
        out.missing = [
            name for name, spec in fields.items() if spec["required"] and name not in raw
        ]
        return out

    def _decode(self, value: Any, types: list[str], path: str) -> tuple[bool, Any, str]:
        if isinstance(value, Upload):
            if "InputFile" in types:
                return True, value, ""
            return False, None, f"{path}: a file upload where {' or '.join(types)} is expected"
        if not isinstance(value, str):  # a JSON body: already typed
            errors = self.check_value(value, types, path)
            return (not errors), value, "; ".join(errors)
        for t in types:
            if t == "Integer" and _INT.fullmatch(value):
                return True, int(value), ""
            if t == "Float":
                try:
                    return True, float(value), ""
                except ValueError:
                    continue
            if t == "Boolean" and value.lower() in ("true", "false", "1", "0"):
                return True, value.lower() in ("true", "1"), ""
            if t == "String":
                return True, value, ""
        for t in types:
            if t not in _PRIMITIVES:
                try:
                    parsed = json.loads(value)
                except ValueError:
                    continue
                errors = self.check_value(parsed, [t], path)
                if not errors:
                    return True, parsed, ""
                return False, None, "; ".join(errors)
        return False, None, f"{path}: {value[:40]!r} is not {' or '.join(types)}"

    def check_value(self, value: Any, types: list[str], path: str) -> list[str]:
        """Return the problems of a typed value against any of the given types."""
        best: list[str] | None = None
        for t in types:
            errors = self._check_one(value, t, path)
            if not errors:
                return []
            if best is None or len(errors) < len(best):
                best = errors
        return best or [f"{path}: no type given"]

    def _check_one(self, value: Any, t: str, path: str) -> list[str]:
        if t.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{path}: expected {t}, got {type(value).__name__}"]
            inner = t.removeprefix("Array of ")
            return [
                e for i, v in enumerate(value) for e in self._check_one(v, inner, f"{path}[{i}]")
            ]
        if t == "Integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif t == "Float":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif t == "Boolean":
            ok = isinstance(value, bool)
        elif t == "String":
            ok = isinstance(value, str)
        elif t == "InputFile":
            ok = isinstance(value, Upload)
        elif t in self.types:
            return self.check_object(value, t, path)
        else:
            return [f"{path}: unknown type {t}"]
        return [] if ok else [f"{path}: expected {t}, got {type(value).__name__}"]

    def check_object(self, value: Any, type_name: str, path: str = "") -> list[str]:
        """Return the problems of a JSON object against a Bot API type, recursively."""
        path = path or type_name
        spec = self.types[type_name]
        if "subtypes" in spec:
            return self.check_value(value, spec["subtypes"], path)
        if not isinstance(value, dict):
            return [f"{path}: expected {type_name} object, got {type(value).__name__}"]
        fields = {f["name"]: f for f in spec.get("fields", [])}
        errors = [f"{path}: unknown field {k!r} in {type_name}" for k in value if k not in fields]
        for name, f in fields.items():
            if name not in value:
                if f["required"]:
                    errors.append(f"{path}: missing required field {name!r} of {type_name}")
                continue
            errors += self.check_value(value[name], f["types"], f"{path}.{name}")
        return errors


@cache
def load_schema() -> Schema:
    """Load the vendored botapi.json once."""
    text = resources.files("bot.sandbox").joinpath("botapi.json").read_text(encoding="utf-8")
    return Schema(json.loads(text))
