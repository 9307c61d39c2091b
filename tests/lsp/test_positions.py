"""The position-encoding edge: engine (YAML lines, code points) <-> client (LSP lines, UTF-16)."""
from __future__ import annotations

import pytest

from stacklint.lsp.positions import UTF8, UTF16, UTF32, PositionMap, apply_change, column_of_units, units

FACE = "\U0001F600"  # astral plane: two UTF-16 units, four UTF-8 bytes


def test_units_per_encoding():
    s = f"a{FACE}é"
    assert units(s, UTF16) == 4
    assert units(s, UTF8) == 1 + 4 + 2
    assert units(s, UTF32) == 3
    assert units("plain ascii", UTF16) == 11


def test_column_of_units_rounds_down_inside_a_character_and_clamps():
    line = f"a{FACE}b"
    assert column_of_units(line, 0) == 0
    assert column_of_units(line, 1) == 1
    assert column_of_units(line, 2) == 1  # half a surrogate pair
    assert column_of_units(line, 3) == 2
    assert column_of_units(line, 4) == 3
    assert column_of_units(line, 99) == 3
    assert column_of_units(line, 3, UTF8) == 1  # inside the 4-byte sequence
    assert column_of_units(line, 5, UTF8) == 2


def test_non_ascii_and_astral_before_a_column():
    text = f"x: é{FACE}z\ny: 1\n"
    pmap = PositionMap(text)
    assert pmap.to_client(0, 5) == (0, 6)  # z: after é (1 unit) and the face (2 units)
    assert pmap.to_client(0, 6) == (0, 7)
    assert pmap.to_client(1, 3) == (1, 3)
    assert pmap.to_engine(0, 6) == (0, 5)
    assert PositionMap(text, UTF8).to_client(0, 5) == (0, 9)
    assert PositionMap(text, UTF32).to_client(0, 5) == (0, 5)


def test_crlf_and_lone_cr_break_lines_on_both_sides():
    text = f"a: {FACE}\r\nb: 2\rc: 3\n"
    pmap = PositionMap(text)
    assert pmap.to_client(0, 4) == (0, 5)
    assert pmap.to_client(1, 3) == (1, 3)
    assert pmap.to_client(2, 0) == (2, 0)
    # a column past the line's end stops before the line break
    assert pmap.to_client(0, 50) == (0, 5)
    assert pmap.client_offset(0, 50) == 4


def test_yaml_only_line_breaks_shift_lines_for_the_client():
    # libyaml (and the engine) break lines at U+2028 and NEL; LSP clients do not.
    text = "k: a\u2028b\nv: \x85w: x\n"
    pmap = PositionMap(text)
    assert pmap.to_client(1, 0) == (0, 5)  # engine line 1 ("b") is on client line 0
    assert pmap.to_client(2, 0) == (1, 0)
    assert pmap.to_client(3, 1) == (1, 5)
    assert pmap.to_engine(0, 5) == (1, 0)
    assert pmap.to_engine(1, 5) == (3, 1)


def test_positions_past_the_end_clamp():
    pmap = PositionMap("a: 1\n")
    assert pmap.to_client(7, 3) == (1, 0)
    assert pmap.client_offset(9, 0) == 5
    assert PositionMap("").to_client(0, 0) == (0, 0)


@pytest.mark.parametrize("start,end,new,expected", [
    ((0, 4), (0, 5), "Z", f"é{FACE}xZ\r\ny"),
    ((0, 3), (0, 3), "!", f"é{FACE}!x\r\ny"),
    ((0, 4), (1, 0), "", f"é{FACE}xy"),
    ((1, 1), (1, 1), "\n-", f"é{FACE}x\r\ny\n-"),
    ((1, 0), (0, 1), "", "éy"),  # reversed range: still the text between the two
    ((5, 0), (5, 0), "+", f"é{FACE}x\r\ny+"),
])
def test_apply_change_in_utf16_units(start, end, new, expected):
    text = f"é{FACE}x\r\ny"
    assert apply_change(text, start, end, new) == expected


def _client_position_brute_force(text: str, offset: int):
    """Independent reference: walk the text, LSP breaks only, UTF-16 units."""
    line, col, i = 0, 0, 0
    while i < offset:
        ch = text[i]
        if ch == "\r" and text[i + 1:i + 2] == "\n":
            line, col, i = line + 1, 0, i + 2
            continue
        if ch in "\r\n":
            line, col = line + 1, 0
        else:
            col += 2 if ord(ch) > 0xFFFF else 1
        i += 1
    return line, col


def test_line_indexes_agree_with_a_brute_force_walk_on_random_texts():
    import random

    from stacklint.lsp.positions import _LSP_BREAK, LineIndex

    rng = random.Random(7)
    alphabet = ["a", "b", " ", ":", "\n", "\r", "\r\n", "é", FACE, "\u2028", "\x85", "\t"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        pmap = PositionMap(text)
        fast, slow = LineIndex(text), LineIndex(text, _LSP_BREAK)
        if "\u2028" not in text and "\x85" not in text:
            assert fast.starts == slow.starts, repr(text)
            assert [fast.end(i) for i in range(len(fast))] == [slow.end(i) for i in range(len(slow))]
        # Every engine position maps to the client position of the same offset.
        engine_lines = text.splitlines(keepends=True) or [""]
        offset = 0
        for n, line in enumerate(engine_lines):
            content = len(line.rstrip("\r\n\x85\u2028"))
            for col in range(content + 1):
                assert pmap.to_client(n, col) == _client_position_brute_force(text, offset + col), (repr(text), n, col)
            offset += len(line)
