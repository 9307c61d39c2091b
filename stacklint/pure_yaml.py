"""ruamel's pure-Python composer, set up to give document.py the node tree the C composer gives.

Used only where ruamel.yaml.clib is not installed (the VS Code extension's bundled copy of
stacklint ships pure-Python packages, one copy for every platform). About 10x slower than C
(the 60 corpus files: about 1 s against 0.1 s). ruamel's pure scanner and parser differ from
libyaml (which the C module wraps, and which Docker's go-yaml is a port of) in the YAML version
they scan and in where they put empty values and the end of the file; all are set back here,
so positions are the same with either composer (tests/test_document_pure.py compares them).
Error messages are the composer's own and differ in wording, not in position. The bridges
of go_yaml.py that document.py applies around the C composer (tab-indented comment lines after
a comment, byte-order marks past the start, the tokens scanned past the first document) are
not applied here; the pure scanner reads flow colons (`[8080:80]`) as Docker does by itself.
"""
from __future__ import annotations

from ruamel.yaml import YAML
from ruamel.yaml.events import ScalarEvent
from ruamel.yaml.parser import Parser
from ruamel.yaml.resolver import BaseResolver
from ruamel.yaml.scanner import Scanner
from ruamel.yaml.tag import Tag
from ruamel.yaml.tokens import ValueToken


def make_loader(untyped_resolver: type) -> YAML:
    """A pure-Python safe loader that leaves typing to scalars.py, like document._yaml."""

    class Resolver(untyped_resolver, BaseResolver):
        # The pure composer asserts it gets Tag objects where the C composer takes strings.
        _tags: dict = {}

        def __init__(self, version=None, loader=None, loadumper=None):
            BaseResolver.__init__(self, loadumper=loadumper or loader)

        def resolve(self, kind, value, implicit):
            name = untyped_resolver.resolve(kind, value, implicit)
            tag = self._tags.get(name)
            if tag is None:
                tag = self._tags[name] = Tag(suffix=name)
            return tag

        # The pure scanner asks which YAML version it reads. The libyaml inside the C module
        # scans like 1.1 (`?` ends a plain scalar in flow style, `#` ends a tag, no `: v`
        # without a key), whatever the %YAML directive says.
        processing_version = (1, 1)

    yaml = YAML(typ="safe", pure=True)
    yaml.Resolver = Resolver
    yaml.Scanner = _LibyamlMarksScanner
    yaml.Parser = _LibyamlMarksParser
    return yaml


class _LibyamlMarksScanner(Scanner):
    def fetch_stream_end(self) -> None:
        # libyaml ends an unterminated last line before closing the open blocks, so a block
        # that runs to the end of the file ends at the start of the line after it.
        if self.reader.column != 0:
            self.reader.line += 1
            self.reader.column = 0
        super().fetch_stream_end()


class _LibyamlMarksParser(Parser):
    """Puts an empty value (`key:` and nothing) where libyaml puts it."""

    def parse_block_mapping_value(self):
        # libyaml: right after the colon; ruamel: at the next token, often on the next line.
        colon = self._value_indicator()
        event = super().parse_block_mapping_value()
        if colon is not None and _is_empty(event):
            event.start_mark = event.end_mark = colon.end_mark
        return event

    def parse_flow_mapping_value(self):
        # `{a: , b: 1}`: libyaml at the token after the colon; ruamel right after the colon.
        return self._empty_at_next_token(super().parse_flow_mapping_value)

    def parse_flow_sequence_entry_mapping_value(self):
        return self._empty_at_next_token(super().parse_flow_sequence_entry_mapping_value)

    def _empty_at_next_token(self, parse):
        colon = self._value_indicator()
        event = parse()
        if colon is not None and _is_empty(event):
            event.start_mark = event.end_mark = self.scanner.peek_token().start_mark
        return event

    def _value_indicator(self):
        return self.scanner.peek_token() if self.scanner.check_token(ValueToken) else None


def _is_empty(event) -> bool:
    # What process_empty_scalar makes; a written scalar is never plain and empty.
    return (isinstance(event, ScalarEvent) and event.value == "" and event.style is None
            and event.tag is None and event.anchor is None)
