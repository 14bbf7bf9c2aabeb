"""Properties of the encoding: round trips, no raw separators, and a validator that answers
any value without crashing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hmrc_sync.fraud_headers import (
    parse_key_value_list,
    parse_key_values,
    parse_list,
    percent_decode,
    percent_encode,
)
from hmrc_sync.fraud_headers.encoding import encode_key_values, encode_list, encode_verbatim
from hmrc_sync.fraud_headers.validator import validate_headers
from tests.unit.fraud_headers.examples import (
    EXAMPLES,
    NOW,
    example_with,
)

TEXT = st.text(st.characters(codec="utf-8"), max_size=40)  # any text but lone surrogates
NON_EMPTY = st.text(st.characters(codec="utf-8"), min_size=1, max_size=20)


@given(TEXT)
def test_any_value_survives_encoding_then_decoding(value: str) -> None:
    assert percent_decode(percent_encode(value)) == value


@given(TEXT)
def test_encoded_values_never_hold_raw_separators(value: str) -> None:
    encoded = percent_encode(value)
    assert not set(encoded) & set(",&= ")
    assert encoded.isascii()


@given(TEXT)
def test_verbatim_values_are_ascii_and_decode_back(value: str) -> None:
    encoded = encode_verbatim(value)
    assert encoded.isascii()
    assert encoded.isprintable()
    assert percent_decode(encoded) == value


@given(st.dictionaries(NON_EMPTY, TEXT, min_size=1, max_size=5))
def test_key_values_survive_a_round_trip(pairs: dict[str, str]) -> None:
    assert parse_key_values(encode_key_values(pairs.items())) == pairs


@given(st.lists(NON_EMPTY, min_size=1, max_size=5))
def test_lists_survive_a_round_trip(values: list[str]) -> None:
    assert parse_list(encode_list(values)) == values


@given(st.lists(st.dictionaries(NON_EMPTY, TEXT, min_size=1, max_size=3), min_size=1, max_size=3))
def test_lists_of_key_values_survive_a_round_trip(structures: list[dict[str, str]]) -> None:
    raw = ",".join(encode_key_values(s.items()) for s in structures)
    assert parse_key_value_list(raw) == structures


@given(
    st.sampled_from(sorted(EXAMPLES)),
    st.sampled_from(sorted({name for example in EXAMPLES.values() for name in example})),
    st.text(max_size=60),
)
def test_validator_answers_any_value_without_crashing(base: str, header: str, value: str) -> None:
    answer = validate_headers(example_with(base, header, value), now=NOW).as_hmrc_json()
    assert answer["code"] in {"VALID_HEADERS", "INVALID_HEADERS", "POTENTIALLY_INVALID_HEADERS"}
