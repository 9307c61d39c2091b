"""Generated stack files that exercise YAML syntax where libyaml 0.1.7 and go-yaml v3 (Docker's
YAML library) have been seen to differ, and around it: flow and block styles, quoting, colons
and `#` inside scalars, anchors, aliases and merge keys, comments (tab-indented ones too), tags,
timestamps, block scalar indicators, complex keys, empty values, trailing commas, document
markers, directives, byte-order marks, duplicate keys and anchors. A quarter are then mutated
(a character inserted, deleted or replaced) so that many are not valid YAML.

Every file is a valid stack apart from its YAML: one service with flow-style ports, volumes
and environment, and the YAML features in `x-` extension fields, which Docker keeps as loaded
(`docker stack config` prints them back), so the data can be compared as well as the verdict.
No `$` anywhere: Docker would interpolate it.

    python3 -m tests.yaml_syntax_cases --write-cache   # ask `docker stack config` again
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SEED = 20261130
COUNT = 600
CACHE = Path(__file__).parent / "data" / "yaml_syntax_docker.json"

_WORDS = ["a", "web", "b c", "x-y", "a_b", "é", "k#v", "a#b"]
_COLONS = ["8080:80", "/srv:/srv:ro", "URL=http://x:80", "a:b", "a::b", "1:2:3", "22:22", "http://x",
           "a:", "tcp://h:2375"]
_TYPED = ["yes", "on", "no", "true", "False", "~", "null", "0755", "012", "08", "1_000", "1e3", ".5", "1.50",
          "0x1F", "0o17", "0b11", "+1", "-1", "-.inf", ".NaN", "9223372036854775807", "2024-01-31",
          "2024-1-2", "2024-01-31T10:20:30Z", "2024-01-31 10:20:30", "2024-02-30", "1.2.3", "-", "<<"]
_ODD = ["a b  c", "-a", "?a", "a?b", "a,b", "a]b", "{a", "a}", "*a", "&a", "!a", "%a", "@a", "`a", "|a", ">a",
        "'a", '"a', "a'b", 'a"b', "a\\b", "a\tb", " a", "a ", "", "...", "---", "a...", "#a", "a #b", "\u00a0"]


def _plain_ok(s: str, flow: bool) -> bool:
    """Whether s can be written plain (else it is quoted): a rough guard, the generator's own."""
    if not s or s != s.strip() or s[0] in "-?:,[]{}#&*!|>'\"%@`" or "\t" in s:
        return False
    if ": " in s or " #" in s or s.endswith(":") and not flow:
        return False
    if flow and any(c in s for c in ",[]{}"):
        return False
    return s not in ("...", "---")


class _Gen:
    def __init__(self, r: random.Random):
        self.r = r
        self.anchors: list = []
        self.map_anchors: list = []  # anchors of block mappings: what a merge key can take
        self.pending: list = []

    def scalar(self, flow: bool) -> str:
        r = self.r
        pool = r.choice([_WORDS, _COLONS, _COLONS, _TYPED, _TYPED, _ODD])
        s = r.choice(pool)
        style = r.random()
        if style < 0.6 and _plain_ok(s, flow):
            text = s
        elif style < 0.8:
            text = "'" + s.replace("'", "''") + "'"
        else:
            text = json.dumps(s, ensure_ascii=r.random() < 0.3)
        return self.decorate(text)

    def decorate(self, text: str) -> str:
        r = self.r
        x = r.random()
        if x < 0.05:
            text = r.choice(["!!str ", "!!int ", "!!float ", "!!bool ", "! ", "!local ", "!!timestamp ",
                             "!!null ", "!<tag:yaml.org,2002:str> "]) + text
        elif x < 0.08:
            text = "!!binary " + r.choice(["aGk=", "aGVsbG8=", "d29ybGQ=", "aGk=", "'!!'"])
        if r.random() < 0.08:
            name = r.choice(["s", "t", "x-1", "s"])
            self.anchors.append(name)
            text = f"&{name} {text}"
        return text

    def alias(self) -> str:
        return "*" + self.r.choice(self.anchors) if self.anchors else "~"

    def key(self) -> str:
        r = self.r
        k = r.choice(["a", "b", "c", "web", "x", "a:b", "k#", "8080:80", "<<", "'a'", '"b"', "? c", "x y", "é",
                      "a", "b", "c", "'1'", "a.b"])
        if r.random() < 0.04:  # not a string: Docker refuses it below the top level
            k = r.choice(["1", "true", "~", "2024-01-31", "[a]", "{a: b}"])
        if k == "? c":
            return k
        if r.random() < 0.03 and self.anchors:
            return self.alias()
        return k

    def flow(self, depth: int) -> str:
        r = self.r
        if depth > 2 or r.random() < 0.4:
            return self.scalar(True) if r.random() < 0.93 else self.alias()
        sep = r.choice([", ", ",", " , ", ",\t", ",\n    "])
        if r.random() < 0.5:
            items = [self.flow(depth + 1) for _ in range(r.randint(0, 4))]
            if r.random() < 0.1 and items:
                items[-1] = self.key() + ": " + items[-1]
            text = "[" + sep.join(items) + ("," if items and r.random() < 0.1 else "") + "]"
        else:
            items = []
            for _ in range(r.randint(0, 3)):
                k = self.key().lstrip("? ")
                items.append(k + r.choice([": ", ":  ", " : "]) + self.flow(depth + 1) if r.random() < 0.9 else k)
            text = "{" + sep.join(items) + ("," if items and r.random() < 0.1 else "") + "}"
        return self.decorate(text) if r.random() < 0.1 else text

    def block_scalar(self, indent: int) -> str:
        r = self.r
        head = r.choice(["|", ">", "|-", ">+", "|2", ">-", "|+", "| # c", "|1-"])
        body = " " * (indent + 2)
        lines = [body + r.choice(["x", "y: z", "# not a comment", "", " more", "a\tb", "- c", "2024-01-31"])
                 for _ in range(r.randint(1, 3))]
        return head + "\n" + "\n".join(lines)

    def comment_lines(self, indent: int) -> str:
        r = self.r
        lines = [" " * indent + "# " + r.choice(["note", "a: b", "8080:80"])]
        for _ in range(r.randint(0, 2)):
            lines.append(r.choice(["\t# tabbed", "  \t# mixed", "", " " * indent + "# more", " " * indent + "# more"]
                                  + ["\t"] * (r.random() < 0.2)))
        return "\n".join(lines) + "\n"

    def block(self, indent: int, depth: int) -> str:
        """A mapping's value after `key:` (starts with a space or a line break)."""
        mark = len(self.pending)
        text = self._block(indent, depth)
        for name, is_seq in self.pending[mark:]:
            self.anchors.append(name)
            if not is_seq:
                self.map_anchors.append(name)
        del self.pending[mark:]
        return text

    def _block(self, indent: int, depth: int) -> str:
        r = self.r
        x = r.random()
        if depth > 3 or x < 0.3:
            text = " " + (self.scalar(False) if r.random() < 0.9 else self.alias())
            return text + (r.choice([" # c", "\t# c", "  # a: b"]) if r.random() < 0.1 else "")
        if x < 0.45:
            return " " + self.flow(0)
        if x < 0.55:
            return " " + self.block_scalar(indent)
        child = indent + r.choice([2, 2, 2, 4, 1])
        is_seq = r.random() < 0.4
        out = " &" + (r.choice(["list", "base"]) if is_seq and r.random() < 0.9 else r.choice(["base", "m"])) \
            if r.random() < 0.15 else ""
        if out:  # known to aliases after its content (an alias inside it would be recursive)
            self.pending.append((out[2:], is_seq))
        if is_seq:
            for _ in range(r.randint(1, 3)):
                out += "\n" + " " * child + r.choice(["- ", "-  ", "- "])
                y = r.random()
                if y < 0.6:
                    out += self.flow(1) if r.random() < 0.5 else self.scalar(False)
                else:
                    out += self.key().lstrip("? ") + ":" + self.block(child + 2, depth + 1)
            return out
        used = set()
        for _ in range(r.randint(1, 4)):
            if r.random() < 0.1:
                out += "\n" + self.comment_lines(child).rstrip("\n")
            if r.random() < 0.1 and "<<" not in used:
                used.add("<<")
                sources = self.map_anchors if r.random() < 0.9 else self.anchors
                merge = r.choice(["*" + r.choice(sources), "[" + ", ".join("*" + a for a in sources[-2:]) + "]"]) \
                    if sources else "{m: 1}"
                out += "\n" + " " * child + "<<: " + merge
                continue
            k = self.key()
            if k in used and r.random() < 0.9:
                continue
            used.add(k)
            if k.startswith("? "):
                out += "\n" + " " * child + k + "\n" + " " * child + ":" + self.block(child + 2, depth + 1)
            else:
                out += "\n" + " " * child + k + r.choice([":", ":", " :"]) + self.block(child + 2, depth + 1)
        return out


def _service(r: random.Random) -> str:
    ports = r.choice(["[8080:80]", "[8080:80, 443:443]", '["8080:80"]', "[80]", "[8080:80/udp]", "[127.0.0.1:8080:80]"])
    volumes = r.choice(["[/srv:/srv:ro]", "[/srv:/srv]", "['/srv:/srv:ro']", "[data:/data]"])
    env = r.choice(["[URL=http://x:80]", "{URL: http://x:80}", "[A=1, B=a:b]", "{A: 0755, B: 2024-01-31}",
                    "[URL=http://x:80,]", "{A: yes, B: 1e3}"])
    labels = r.choice(["{a: b:c}", "{a.b: x}", "[a=b:c]", "{when: 2024-01-31}"])
    return (f"  web:\n    image: nginx:1.27\n    ports: {ports}\n    volumes: {volumes}\n"
            f"    environment: {env}\n    labels: {labels}\n")


def document(r: random.Random) -> str:
    g = _Gen(r)
    head = ""
    if r.random() < 0.08:
        head += r.choice(["%YAML 1.1\n", "%YAML 1.2\n", "%TAG !e! tag:example.com,2000:\n", "# head\n"])
    if head.startswith("%") or r.random() < 0.2:
        head += r.choice(["---\n", "--- # start\n"])
    if r.random() < 0.04:
        head = "\ufeff" + head
    body = 'version: "3.8"\nservices:\n' + _service(r)
    if r.random() < 0.3:
        body += "    x-data:" + g.block(4, 1) + "\n"
    for i in range(r.randint(1, 3)):
        if r.random() < 0.15:
            body += g.comment_lines(0)
        body += f"x-f{i}:" + g.block(0, 0) + "\n"
    if r.random() < 0.05:
        body += "volumes:\n  data:\n"
    elif "data:/data" in body:
        body += "volumes: {data: {}}\n"
    tail = ""
    if r.random() < 0.1:
        tail = r.choice(["...\n", "---\nother: [\n", "...\n%FOO bar\n", "--- |0\n", "---\nb: 1\n", "# end\n"])
    doc = head + body + tail
    if r.random() < 0.03:
        doc = doc.replace("\n", "\r\n")
    if r.random() < 0.25:
        for _ in range(r.randint(1, 2)):
            i = r.randrange(len(doc) + 1)
            ch = r.choice(" \t:#-[]{},'\"\n?&*!|>%@\\")
            op = r.random()
            doc = doc[:i] + ch + doc[i:] if op < 0.5 else doc[:i] + doc[i + 1:] if op < 0.8 else doc[:i] + ch + doc[i + 1:]
    return doc


def documents(seed: int = SEED, count: int = COUNT) -> list:
    r = random.Random(seed)
    return [document(r) for _ in range(count)]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def docker_answer(text: str, docker: str = "docker") -> dict:
    """`docker stack config` on the file: exit status, first line of its error, its output."""
    proc = subprocess.run([docker, "stack", "config", "-c", "-"], input=text.encode("utf-8", "surrogatepass"),
                          capture_output=True, timeout=60,
                          env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/nonexistent", "DOCKER_CONFIG": "/nonexistent"})
    # the clock in its log lines (warnings such as "ignoring IP-address") is not an answer
    error = re.sub(r'time="[^"]*" ', "", proc.stderr.decode("utf-8", "replace")).strip()
    return {"status": proc.returncode, "error": error,
            "output": proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else ""}


def ask_docker(texts: list, docker: str = "docker") -> list:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda t: docker_answer(t, docker), texts))


def main() -> int:
    if "--write-cache" not in sys.argv[1:]:
        print(__doc__)
        return 2
    texts = documents()
    answers = ask_docker(texts)
    version = subprocess.run(["docker", "version", "--format", "{{.Client.Version}}"], capture_output=True,
                             text=True).stdout.strip()
    CACHE.parent.mkdir(exist_ok=True)
    CACHE.write_text(json.dumps({"docker": version, "seed": SEED, "count": COUNT,
                                 "answers": {digest(t): a for t, a in zip(texts, answers)}},
                                indent=0, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    refused = sum(a["status"] != 0 for a in answers)
    print(f"{len(texts)} documents, Docker {version}: {len(texts) - refused} accepted, {refused} refused -> {CACHE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
