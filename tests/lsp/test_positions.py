"""The position-encoding edge: engine (code points) <-> client (UTF-16, UTF-8 or UTF-32 units), on
the one line model both share (breaks at CRLF, CR and LF only)."""
from __future__ import annotations

import pytest

from stacklint.lsp.positions import UTF8, UTF16, UTF32, PositionMap, column_of_units, units

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


def test_nel_and_unicode_separators_do_not_break_lines():
    # YAML 1.1 and str.splitlines break at U+2028, U+2029 and NEL; the engine and LSP do not.
    text = f"k: a\u2028b\u2029{FACE}\nv: \x85w: x\n"
    pmap = PositionMap(text)
    assert pmap.to_client(0, 8) == (0, 9)  # past a, LS, b, PS (one unit each) and the face (two)
    assert pmap.to_client(1, 4) == (1, 4)
    assert pmap.to_engine(0, 9) == (0, 8)
    assert pmap.to_engine(1, 5) == (1, 5)


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
def test_a_change_replaces_the_client_range_in_utf16_units(start, end, new, expected):
    text = f"é{FACE}x\r\ny"
    assert PositionMap(text).changed(start, end, new).text == expected


def replaced(text: str, start, end, new: str, encoding: str = UTF16) -> str:
    """The text after a didChange, spliced here at the offsets a map of the old text gives (not
    by PositionMap.changed, which the tests below check against it)."""
    pmap = PositionMap(text, encoding)
    a, b = sorted((pmap.client_offset(*start), pmap.client_offset(*end)))
    return text[:a] + new + text[b:]


def test_every_position_agrees_with_an_independent_reference_on_random_texts():
    """For random texts of CR, LF, CRLF, NEL, U+2028, U+2029, tabs, é and astral characters,
    every engine position converts as the reference (a plain walk for the lines, the codecs of
    the standard library for the units) says, in all three encodings, and back."""
    import random

    from .conftest import lsp_lines, client_position

    rng = random.Random(7)
    alphabet = ["a", "b", " ", ":", "\n", "\r", "\r\n", "é", FACE, "\u2028", "\u2029", "\x85", "\t"]
    codecs = {UTF16: "utf-16-le", UTF8: "utf-8", UTF32: "utf-32-le"}
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        lines = lsp_lines(text)
        for encoding, codec in codecs.items():
            pmap = PositionMap(text, encoding)
            for n, line in enumerate(lines):
                for col in range(len(line) + 1):
                    want = client_position(lines, n, col, codec)
                    assert pmap.to_client(n, col) == want, (repr(text), encoding, n, col)
                    assert pmap.to_engine(*want) == (n, col), (repr(text), encoding, n, col)


def test_ascii_texts_convert_like_the_general_path_even_past_a_line_or_the_file():
    """ASCII texts skip the offset round trip (a column is a column in every encoding); clamped
    positions (past a line's end, before its start, past the last line) still come out the same."""
    import random

    rng = random.Random(11)
    alphabet = ["a", " ", ":", "\n", "\r", "\r\n", "\t"]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        pmap = PositionMap(text, UTF16)
        assert pmap.ascii
        for line in range(-1, len(pmap.lines) + 2):
            for col in range(-1, 12):
                general = pmap.offset_to_client(pmap.lines.offset(line, col))
                assert pmap.to_client(line, col) == general, (repr(text), line, col)


@pytest.mark.parametrize("text,start,end,new", [
    ("a\rX\nb", (1, 0), (1, 1), ""),  # the CR and the LF around the deleted X become one break
    ("a\rX\nb", (1, 0), (1, 1), "Y"),
    ("é\nX\r\nb", (1, 0), (1, 1), FACE),
])
def test_the_map_after_a_change_counts_the_lines_of_the_new_text(text, start, end, new):
    after = PositionMap(text).changed(start, end, new)
    assert (after.text, after.lines.starts) == (replaced(text, start, end, new), PositionMap(after.text).lines.starts)


def test_the_map_after_a_change_equals_one_built_from_the_new_text(monkeypatch):
    """PositionMap.changed moves the old map's line starts when an edit breaks no line; on random
    texts and random edits (line breaks, a CR before the edit, non-ASCII) it must equal a map built
    from scratch, and its text the splice `replaced` makes."""
    import random

    from stacklint.lsp import positions

    scans = []  # per LineIndex made: whether it scanned its text
    unspied = positions.LineIndex.__init__
    monkeypatch.setattr(positions.LineIndex, "__init__",
                        lambda self, text, starts=None: scans.append(starts is None) or unspied(self, text, starts))
    rng = random.Random(11)
    alphabet = ["a", "b", " ", ":", "\n", "\r", "\r\n", "é", FACE, "\u2028", "\x85", "\t"]
    typed = ["", "x", "é", FACE, "ab", "\n", "\r", "a\nb", "\r\n"]
    moved = 0
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        encoding = rng.choice([UTF8, UTF16, UTF32])
        pmap = PositionMap(text, encoding)
        lines = max(len(pmap.lines), 1)
        start = (rng.randrange(lines + 1), rng.randrange(6))
        end = start if rng.random() < 0.4 else (rng.randrange(lines + 1), rng.randrange(6))
        new = rng.choice(typed)
        before = len(scans)
        after = pmap.changed(start, end, new)
        moved += scans[before:] == [False]
        fresh = PositionMap(after.text, encoding)
        assert after.text == replaced(text, start, end, new, encoding)
        assert (after.lines.starts, after.ascii, after.encoding) == (fresh.lines.starts, fresh.ascii, encoding), \
            (repr(text), start, end, repr(new))
    assert moved > 500  # a good share of the edits took the moved-starts path, not a rebuild
