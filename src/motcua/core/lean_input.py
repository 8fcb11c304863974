"""A plain serializer's ``validated_data`` for plain JSON input, without DRF's per-request work
(kiểm tra đầu vào nhanh).

``Serializer.is_valid`` deep-copies every declared field of the serializer and of each nested
one on every request, then runs each field's validators: about a tenth of a staff intake's CPU
time (docs/performance.md, "Intake, round two"). ``LeanInput`` reads the same field objects once
per process and gives the same ``validated_data`` for input made of the JSON types a client
sends; whenever the serializer could answer anything else (an error, a value DRF would coerce,
a field kind it does not know) it gives ``None`` and the caller runs the serializer, whose
answer (the 400 and its ``{code, message, fields}``) is then exactly what it always was.

Understood: ``CharField`` (blank, trimming, null, max/min length), ``IntegerField`` (min/max),
``ChoiceField``, nested serializers and ``many=True`` lists of them; ``required`` and
``default``. A serializer with ``validate``/``validate_<field>`` methods or validators of its
own is refused when built (``TypeError``). tests/core/test_lean_input.py compares the two on
valid and invalid input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import fields as drf
from rest_framework import serializers

# Returned by a field reader for "the serializer must decide": any doubt at all.
_UNSURE = object()
# Returned by a field reader for "absent from validated_data" (not required, no default).
_SKIP = object()

Reader = Callable[[Any], Any]


class LeanInput:
    """``LeanInput(SerializerClass).validated(data)``: the serializer's ``validated_data`` as
    plain dicts and lists, or None when the serializer must run (see the module)."""

    def __init__(self, serializer_class: type[serializers.Serializer]):
        self._read = _serializer_reader(serializer_class())

    def validated(self, data: Any) -> dict | None:
        value = self._read(data)
        return None if value is _UNSURE else value


def _serializer_reader(serializer: serializers.Serializer) -> Reader:
    cls = type(serializer)
    own = [name for name in vars(cls) if name == "validate" or name.startswith("validate_")]
    if own or serializer.validators:
        raise TypeError(f"{cls.__name__} validates on its own ({own or 'validators'})")
    readers = [(name, _field_reader(field)) for name, field in serializer.fields.items()
               if not field.read_only]

    def read(data: Any) -> Any:
        if type(data) is not dict:
            return _UNSURE
        out = {}
        for name, reader in readers:
            value = reader(data.get(name, drf.empty))
            if value is _UNSURE:
                return _UNSURE
            if value is not _SKIP:
                out[name] = value
        return out

    return read


def _field_reader(field: drf.Field) -> Reader:
    convert: Reader
    if isinstance(field, serializers.ListSerializer):
        inner = _serializer_reader(field.child)  # type: ignore[arg-type]
        if (getattr(field, "min_length", None) is not None
                or getattr(field, "max_length", None) is not None or not field.allow_empty):
            raise TypeError("list bounds are not read")

        def as_list(data: Any) -> Any:
            if type(data) is not list:
                return _UNSURE
            out = []
            for item in data:
                value = inner(item)
                if value is _UNSURE:
                    return _UNSURE
                out.append(value)
            return out

        convert = as_list
    elif isinstance(field, serializers.Serializer):
        convert = _serializer_reader(field)
    elif isinstance(field, drf.ChoiceField):
        if type(field) not in (drf.ChoiceField,):
            raise TypeError(f"{type(field).__name__} is not read")
        choices = dict(field.choice_strings_to_values)
        allow_blank = field.allow_blank

        def as_choice(data: Any) -> Any:
            if data == "" and allow_blank:
                return ""
            if type(data) not in (str, int):
                return _UNSURE
            return choices.get(str(data), _UNSURE)

        convert = as_choice
    elif type(field) is drf.CharField:
        convert = _char(field)
    elif type(field) is drf.IntegerField:
        low, high = field.min_value, field.max_value
        if len(field.validators) != (low is not None) + (high is not None):
            raise TypeError("an IntegerField with validators of its own is not read")

        def as_int(data: Any) -> Any:
            if type(data) is not int:
                return _UNSURE
            if (low is not None and data < low) or (high is not None and data > high):
                return _UNSURE
            return data

        convert = as_int
    else:
        raise TypeError(f"{type(field).__name__} is not read")
    return _presence(field, convert)


def _presence(field: drf.Field, convert: Reader) -> Reader:
    """Missing (``required``, ``default``) and null (``allow_null``), as
    ``Field.validate_empty_values`` decides them."""
    required, allow_null = field.required, field.allow_null
    default = field.default
    if default is not drf.empty and callable(default):
        raise TypeError("callable defaults are not read")

    def read(data: Any) -> Any:
        if data is drf.empty:
            if default is not drf.empty:
                return default
            return _UNSURE if required else _SKIP
        if data is None:
            return None if allow_null else _UNSURE
        return convert(data)

    return read


def _char(field: drf.CharField) -> Reader:
    allow_blank, trim = field.allow_blank, field.trim_whitespace
    low, high = field.min_length, field.max_length
    expected = 2 + (low is not None) + (high is not None)  # null and surrogate characters
    if len(field.validators) != expected:
        raise TypeError("a CharField with validators of its own is not read")

    def convert(data: Any) -> Any:
        if type(data) is not str or "\x00" in data:
            return _UNSURE
        try:
            data.encode("utf-8")  # a lone surrogate does not encode: DRF refuses it
        except UnicodeEncodeError:
            return _UNSURE
        value = data.strip() if trim else data
        if value == "" and (data == "" or trim):
            return "" if allow_blank else _UNSURE
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            return _UNSURE
        return value

    return convert
