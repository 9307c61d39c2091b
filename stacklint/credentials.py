"""Recognising credentials in a service's environment, without ever printing one.

A variable is credential-like by its name (the last words decide: DB_PASSWORD, API_TOKEN,
FLASK_SECRET_KEY, PGPASSWORD; not PASSWORD_MIN_LENGTH or PGPASSFILE). Its value is a literal
secret when the stack file writes it out, or writes it as the default of a `${VAR:-default}`;
a bare `${VAR}` (the deploy's environment provides it), a `/run/secrets/...` path and the
`*_FILE` convention are the good patterns and never count as literals.
"""
from __future__ import annotations

from functools import lru_cache

from .interpolation import PATTERN
from .lazy_regex import LazyRegex

_WORDS = LazyRegex(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# Last words that name a secret on their own.
_NOUNS = frozenset(["PASSWORD", "PASSWD", "PASS", "PWD", "PW", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY",
                    "CREDENTIAL", "CREDENTIALS", "SECRETKEY", "PRIVATEKEY", "ACCESSKEY"])
# Single words that end in a secret noun (PGPASSWORD, AUTHTOKEN); PASS and PWD are too short for this.
_NOUN_ENDINGS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY", "SECRETKEY", "PRIVATEKEY", "ACCESSKEY")
# <qualifier>_KEY is a secret; other keys (CACHE_KEY, PARTITION_KEY) are not.
_KEY_QUALIFIERS = frozenset(["SECRET", "API", "ACCESS", "PRIVATE", "ENCRYPTION", "SIGNING", "MASTER", "AUTH",
                             "LICENSE", "LICENCE", "APP", "CLIENT", "CRYPT", "ENC", "SESSION", "HMAC", "JWT",
                             "SHARED", "ADMIN", "ROOT", "SERVICE", "WEBHOOK", "SSH", "TLS", "SSL"])
_NOT_SECRETS = frozenset(["PWD", "OLDPWD"])  # the shell's working directories
# Words that make a password-named variable a switch about passwords, not one:
# MYSQL_RANDOM_ROOT_PASSWORD=yes, ALLOW_EMPTY_PASSWORD=yes, MYSQL_ONETIME_PASSWORD=yes.
_SWITCH_WORDS = frozenset(["ALLOW", "RANDOM", "EMPTY", "GENERATE", "SKIP", "ONETIME", "DISABLE", "ENABLE",
                           "REQUIRE", "EXPIRE", "CHANGE", "RESET", "MIN", "MAX", "LENGTH", "POLICY"])
_FILE_SUFFIXES = ("_FILE", "__FILE", "-FILE", ".FILE")
# An absolute path of two or more parts: nobody's password, somebody's password file.
_FILE_PATH = LazyRegex(r"/[\w.\-]+(/[\w.\-]+)+")
_URL_CREDENTIALS = LazyRegex(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<user>[^/@:\s]*):(?P<password>[^/@\s]+)@")


def _url_credentials(text: str):
    """The first `scheme://user:password@` in text, or None; a text without `://` (most) is told
    without compiling the pattern."""
    return _URL_CREDENTIALS.search(text) if "://" in text else None


def words(name: str):
    return [w.upper() for w in _WORDS.findall(name)]


# A pure function of the name, asked for every variable of every service by several rules and
# again for the code frames; a stack repeats the same few dozen names across its services.
@lru_cache(maxsize=4096)
def is_credential_name(name: str) -> bool:
    """DB_PASSWORD, GITHUB_TOKEN, FLASK_SECRET_KEY, SECRET_KEY_BASE, PGPASSWORD: yes."""
    if name.upper() in _NOT_SECRETS:
        return False
    w = words(name)
    if not w:
        return False
    if _SWITCH_WORDS.intersection(w[:-1]):
        return False
    last = w[-1]
    if last in _NOUNS or (len(last) > 8 and last.endswith(_NOUN_ENDINGS)):
        return True
    if last == "KEY" and len(w) >= 2 and w[-2] in _KEY_QUALIFIERS:
        return True
    return w[-3:] == ["SECRET", "KEY", "BASE"]


@lru_cache(maxsize=4096)  # as is_credential_name
def is_secret_file_name(name: str) -> bool:
    """POSTGRES_PASSWORD_FILE and friends: the credential comes from a file (a Docker secret)."""
    upper = name.upper()
    for suffix in _FILE_SUFFIXES:
        if upper.endswith(suffix):
            return is_credential_name(name[:-len(suffix)])
    return False


def written_value(environment, key):
    """The value of the `environment` entry at key as the file writes it (before interpolation):
    the mapping's value, or what follows `=` in a list entry; None when absent."""
    if isinstance(environment, dict):
        written = environment.get(key)
    elif isinstance(environment, list) and isinstance(key, int) and key < len(environment):
        written = environment[key]
    else:
        return None
    if isinstance(key, int) and isinstance(written, str):
        _, sep, value = written.partition("=")
        return value if sep else None
    return written


def literal_kind(raw, value) -> str | None:
    """'literal', 'default' (a `${VAR:-secret}` default), or None (no literal secret)."""
    if value is None or value == "" or isinstance(value, bool) or isinstance(raw, bool):
        return None  # nothing, or a YAML boolean (not a secret)
    text = str(value)
    if text.startswith("/run/secrets/") or (text.startswith("{{") and text.endswith("}}")):
        return None  # a Docker secret's path, or a Swarm template expanded on the node
    if _FILE_PATH.fullmatch(text):
        return None  # /etc/app/db.pass: the path of a file that holds it (the *_PASSWORD_FILE idea)
    if not isinstance(raw, str) or "$" not in raw:
        return "literal"
    rest = []
    last = 0
    has_default = False
    for m in PATTERN.finditer(raw):
        rest.append(raw[last:m.start()])
        last = m.end()
        if m.group("escaped"):
            rest.append("$")
            continue
        sub = m.group("named") or m.group("braced") or ""
        # Docker tries `:-` before `-` (so `${A:?must-be}` has the default "be")
        default = sub.split(":-", 1)[1] if ":-" in sub else sub.split("-", 1)[1] if "-" in sub else ""
        has_default = has_default or bool(default)
    rest.append(raw[last:])
    if has_default:
        return "default"
    return "literal" if "".join(rest).strip() else None


def url_password(raw) -> tuple[str, str, str] | None:
    """(scheme, user, kind) when a URL written in the file carries a password that is not a bare ${VAR}."""
    if not isinstance(raw, str):
        return None
    m = _url_credentials(raw)
    if not m:
        return None
    password = m.group("password")
    kind = literal_kind(password, password)
    return (m.group("scheme"), m.group("user"), kind) if kind else None


def literal_values(documents) -> tuple:
    """(values, sources, texts) for documents given as (data, text) pairs. values: the literal
    secrets the files write in their services' environments (as written, and as Docker reads them
    with `$$` as `$`) and the passwords inside URLs there; an alias or a reference name can carry
    one to another place, where a message would quote it. sources: the environment values they
    come from, once per use; texts: the files' texts (redact.hide_literals weighs the two)."""
    found, sources = set(), []
    for data, _ in documents:
        services = data.get("services") if isinstance(data, dict) else None
        for svc in services.values() if isinstance(services, dict) else ():
            env = svc.get("environment") if isinstance(svc, dict) else None
            if isinstance(env, dict):
                pairs = [(k, v) for k, v in env.items() if isinstance(k, str) and isinstance(v, str)]
            elif isinstance(env, list):
                pairs = [e.split("=", 1) for e in env if isinstance(e, str) and "=" in e]
            else:
                continue
            for name, raw in pairs:
                literal = is_credential_name(name) and literal_kind(raw, raw)
                if literal:
                    found.update((raw, raw.replace("$$", "$")))
                m = _url_credentials(raw)
                if m:
                    found.add(m.group("password"))
                if literal or m:
                    sources.append(raw)
    return found, sources, [text for _, text in documents]


def may_be_secret(data, path: tuple) -> bool:
    """Whether the string at path (in the data as written) may hold a credential: its key, or
    the NAME of a NAME=value list entry, is credential-like, or it is a URL with a password."""
    cur = data
    for key in path:
        if isinstance(cur, dict):
            cur = cur.get(key)
        elif isinstance(cur, list) and isinstance(key, int) and key < len(cur):
            cur = cur[key]
        else:
            return False
    return secret_looking(path, cur)


def secret_looking(path: tuple, value) -> bool:
    """Whether value, found at path, may be a credential: a string under a credential-like key
    (or a NAME=value list entry with such a NAME), or a URL with a password."""
    if not isinstance(value, str) or not path:
        return False
    last = path[-1]
    name = last if isinstance(last, str) else value.partition("=")[0]
    return is_credential_name(name) or bool(_url_credentials(value))


def masked(raw) -> str:
    """The first `${VAR:-default}` of raw with its default replaced by ****."""
    for m in PATTERN.finditer(raw if isinstance(raw, str) else ""):
        sub = m.group("named") or m.group("braced") or ""
        for sep in (":-", "-"):
            if sep in sub:
                return "${" + sub.split(sep, 1)[0] + sep + "****}"
    return "****"


# `  KEY: value`, `  - KEY=value`, `"KEY": 'value'  # comment` on one line of YAML source
_SOURCE_ENTRY = LazyRegex(r"""^(?P<lead>\s*(?:-\s+)?["']?)(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)(?P<sep>["']?\s*(?::\s|=)\s*)"""
                           r"""(?P<value>.*?)(?P<tail>\s+#.*)?$""")


# An entry inside a flow collection: `{DB_PASSWORD: x, ...}`, `[API_TOKEN=x, "K=v"]`
_FLOW_ENTRY = LazyRegex(r"""[{\[,]\s*(?P<open>["']?)(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)(?P<close>["']?)"""
                          r"""\s*(?::\s*|=)""")


def _flow_value_end(line: str, start: int, quote: str) -> int:
    """Where a flow entry's value that starts at start ends: at its closing quote (quote is
    the entry's or the value's own), else before the next `,`, `]`, `}` or comment."""
    if not quote and start < len(line) and line[start] in "\"'":
        quote, start = line[start], start + 1
    i = start
    while i < len(line):
        ch = line[i]
        if quote:
            if (ch == "\\" and quote == '"') or (ch == "'" == quote and line[i + 1:i + 2] == "'"):
                i += 2  # an escape, or '' inside single quotes
                continue
            if ch == quote:
                return i
        elif ch in ",]}" or (ch == "#" and i > 0 and line[i - 1] == " "):
            return i
        i += 1
    return len(line)


def _masked(line: str, start: int, end: int) -> str:
    return line[:start] + "*" * (end - start) + line[end:]


def mask_source_line(line: str) -> str:
    """A line of the stack file fit to print next to a finding: the value of a credential-like
    key (or NAME=value entry, in block or flow style) and the password of a URL become asterisks
    of the same length, so the rest of the line and the markers under it keep their columns."""
    m = _SOURCE_ENTRY.match(line)
    if m and m.group("value") and is_credential_name(m.group("name")):
        line = _masked(line, *m.span("value"))
    for m in _FLOW_ENTRY.finditer(line) if "{" in line or "[" in line or "," in line else ():
        if is_credential_name(m.group("name")):
            # `"NAME=value"` quotes the whole entry: the value ends at that quote
            quote = m.group("open") if m.group("open") and not m.group("close") else ""
            start = m.end()
            end = _flow_value_end(line, start, quote)
            if not quote and start < len(line) and line[start] in "\"'":
                start += 1  # keep the value's own quotes
            line = _masked(line, start, end)
    for url in _URL_CREDENTIALS.finditer(line) if "://" in line else ():
        start, end = url.span("password")
        line = line[:start] + "*" * (end - start) + line[end:]
    return line
