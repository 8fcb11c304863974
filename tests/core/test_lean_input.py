"""``core.lean_input.LeanInput`` gives the serializer's ``validated_data`` or nothing: whenever it
answers, the serializer accepts the same input and gives the same data; whenever the serializer
refuses, it does not answer (so the 400 is the serializer's own)."""

from __future__ import annotations

import json
import random

import pytest
from rest_framework import serializers

from motcua.core.lean_input import LeanInput
from motcua.dossiers.serializers import IntakeSerializer

FULL = {
    "procedure": "1.000603", "procedure_version": 65, "receiving_unit": "000.00.01.H15",
    "applicant": {"kind": "person", "name": "Nguyễn Văn Đo", "id_number": "066085123456",
                  "birth_date": "1985-03-15", "gender": "male", "phone": "0912345678",
                  "address": "12 Lê Duẩn", "email": "a@b.vn", "tax_code": "",
                  "representative_name": "", "authorised_by": ""},
    "documents": [{"required": 3, "provided_as": "original", "copies": 2},
                  {"name": "Bản vẽ", "provided_as": "copy"}, {}],
    "channel": 1, "counter": 4, "delivery": {"method": "counter", "address": ""},
    "request_summary": "Hồ sơ", "notes": "",
}

# Values each key may take in the random bodies: good ones, coerced ones (DRF turns 5 into
# "5" for a text field), blank, null, wrong types, characters DRF refuses.
ODD = [None, "", "   ", "  có khoảng trắng  ", 5, 5.5, True, False, 0, -1, 10**6, [], {},
       "\x00", "a\ud800", "1", "male", "original", "counter", "person", "organization", 2, 3]
MISSING = object()


def _serializer(data):
    s = IntakeSerializer(data=data)
    if not s.is_valid():
        return None
    return json.loads(json.dumps(s.validated_data))


def _mutate(rng: random.Random, value):
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            pick = rng.random()
            if pick < 0.08:
                continue  # missing
            out[key] = rng.choice(ODD) if pick < 0.2 else _mutate(rng, inner)
        return out
    if isinstance(value, list):
        return [_mutate(rng, v) for v in value if rng.random() > 0.1]
    return value


LEAN = LeanInput(IntakeSerializer)


def test_the_full_body_and_the_bench_body_are_read_alike():
    bench = {k: v for k, v in FULL.items() if k not in ("counter", "delivery", "notes")}
    bench["documents"] = []
    for body in (FULL, bench):
        assert LEAN.validated(body) is not None
        assert LEAN.validated(body) == _serializer(body)


@pytest.mark.parametrize("change", [
    {"channel": "2"}, {"counter": None}, {"applicant": {"name": "  An  "}},
    {"applicant": {"name": "An", "birth_date": None, "gender": ""}},
    {"documents": [{"copies": 1}, {"required": None}]},
    {"delivery": {}}, {"request_summary": "  tóm tắt  "},
], ids=str)
def test_defaults_trimming_and_nulls_match(change):
    body = {**FULL, **change}
    assert LEAN.validated(body) is not None
    assert LEAN.validated(body) == _serializer(body)


@pytest.mark.parametrize("change", [
    {"receiving_unit": ""}, {"receiving_unit": None}, {"receiving_unit": 5},
    {"applicant": {"name": "   "}}, {"applicant": "An"}, {"documents": {}},
    {"documents": [{"copies": -1}]}, {"channel": 9}, {"channel": True}, {"delivery": None},
    {"applicant": {"name": "A\x00n"}}, {"counter": "4"}, {"procedure_version": 1.0},
], ids=str)
def test_anything_doubtful_is_left_to_the_serializer(change):
    body = {**FULL, **change}
    assert LEAN.validated(body) is None


def test_random_bodies_never_disagree_with_the_serializer():
    rng = random.Random(18)
    answered = refused = 0
    for _ in range(3000):
        body = _mutate(rng, FULL)
        lean, full = LEAN.validated(body), _serializer(body)
        if lean is not None:
            answered += 1
            assert lean == full, body
        if full is None:
            refused += 1
            assert lean is None, body
    assert answered > 100 and refused > 100  # both sides were exercised
    assert LEAN.validated([FULL]) is None and LEAN.validated("x") is None


def test_a_serializer_that_validates_on_its_own_is_refused():
    class Own(serializers.Serializer):
        name = serializers.CharField()

        def validate_name(self, value):
            return value

    class Other(serializers.Serializer):
        when = serializers.DateTimeField()

    class Checked(serializers.Serializer):
        code = serializers.CharField(validators=[lambda v: None])

    for cls in (Own, Other, Checked):
        with pytest.raises(TypeError):
            LeanInput(cls)
