"""A read-only Docker Engine API client: GET requests only, standard library only.

It finds the engine as the docker CLI does: DOCKER_HOST (with DOCKER_TLS_VERIFY / DOCKER_TLS /
DOCKER_CERT_PATH for tcp://), else the context named by DOCKER_CONTEXT or by `currentContext` in
the CLI's config.json (contexts/meta/<sha256(name)>/meta.json), else unix:///var/run/docker.sock.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_HOST = "unix:///var/run/docker.sock"
TIMEOUT = 30.0


# The largest answer read from the engine (a /services list of a big Swarm is a few MB).
MAX_ANSWER_BYTES = 256 * 1024 * 1024


class EngineError(Exception):
    """The engine cannot be reached or answers with an error; the message is one line for users."""


@dataclass(frozen=True)
class Endpoint:
    host: str  # unix:///path or tcp://host:port
    where: str  # how it was chosen, for error messages: "DOCKER_HOST", "context prod", "default"
    tls: bool = False
    verify: bool = True
    ca: str | None = None
    cert: str | None = None
    key: str | None = None


def _config_dir(env: dict[str, str]) -> Path:
    if env.get("DOCKER_CONFIG"):
        return Path(env["DOCKER_CONFIG"])
    return Path(env.get("HOME") or Path.home()) / ".docker"


def _tls_files(folder: Path) -> dict[str, str | None]:
    out = {}
    for key, name in (("ca", "ca.pem"), ("cert", "cert.pem"), ("key", "key.pem")):
        path = folder / name
        out[key] = str(path) if path.is_file() else None
    return out


def resolve_endpoint(env: dict[str, str] | None = None) -> Endpoint:
    """Where the docker CLI would connect, given this environment (os.environ by default)."""
    env = dict(os.environ if env is None else env)
    host = env.get("DOCKER_HOST", "")
    if host:
        verify = bool(env.get("DOCKER_TLS_VERIFY"))
        tls = verify or bool(env.get("DOCKER_TLS"))
        files = _tls_files(Path(env["DOCKER_CERT_PATH"]) if env.get("DOCKER_CERT_PATH") else _config_dir(env))
        return Endpoint(host, "DOCKER_HOST", tls=tls, verify=verify, **files)
    config = _config_dir(env)
    name = env.get("DOCKER_CONTEXT", "")
    if not name:
        try:
            name = json.loads((config / "config.json").read_text(encoding="utf-8")).get("currentContext") or ""
        except (OSError, ValueError, AttributeError):
            name = ""
    if name and name != "default":
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
        meta_path = config / "contexts" / "meta" / digest / "meta.json"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            docker = meta["Endpoints"]["docker"]
        except (OSError, ValueError, KeyError, TypeError):
            raise EngineError(f"docker context {name!r} not found or unreadable ({meta_path})") from None
        files = _tls_files(config / "contexts" / "tls" / digest / "docker")
        tls = any(files.values())
        return Endpoint(docker.get("Host") or DEFAULT_HOST, f"docker context {name!r}", tls=tls,
                        verify=not docker.get("SkipTLSVerify", False), **files)
    return Endpoint(DEFAULT_HOST, "default")


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


class Client:
    """GET-only access to one engine. Every method returns decoded JSON."""

    def __init__(self, endpoint: Endpoint, timeout: float = TIMEOUT):
        self.endpoint = endpoint
        self.timeout = timeout

    def _connection(self) -> http.client.HTTPConnection:
        ep = self.endpoint
        url = urlsplit(ep.host)
        if url.scheme == "unix":
            return _UnixConnection(url.path, self.timeout)
        if url.scheme in ("tcp", "http", "https"):
            tls = ep.tls or url.scheme == "https"
            port = url.port or (2376 if tls else 2375)
            if not url.hostname:
                raise EngineError(f"{ep.host} ({ep.where}) has no host name")
            if not tls:
                return http.client.HTTPConnection(url.hostname, port, timeout=self.timeout)
            ctx = ssl.create_default_context(cafile=ep.ca if ep.verify else None)
            if not ep.verify:
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            if ep.cert and ep.key:
                ctx.load_cert_chain(ep.cert, ep.key)
            return http.client.HTTPSConnection(url.hostname, port, timeout=self.timeout, context=ctx)
        raise EngineError(f"{ep.host} ({ep.where}): only unix:// and tcp:// engines are supported "
                          f"(for ssh://, forward the socket: ssh -L /tmp/docker.sock:/var/run/docker.sock HOST)")

    def get(self, path: str):
        """GET path and decode its JSON; the one request method this client has."""
        ep = self.endpoint
        try:
            conn = self._connection()
            try:
                conn.request("GET", path, headers={"Accept": "application/json"})
                resp = conn.getresponse()
                body = resp.read(MAX_ANSWER_BYTES + 1)
            finally:
                conn.close()
        except EngineError:
            raise
        except (OSError, http.client.HTTPException, ssl.SSLError) as err:
            reason = getattr(err, "strerror", None) or str(err) or type(err).__name__
            raise EngineError(f"cannot reach the Docker engine at {ep.host} ({ep.where}): {reason}") from None
        if resp.status >= 400:
            try:
                message = json.loads(body).get("message") or body.decode("utf-8", "replace")
            except (ValueError, AttributeError):
                message = body.decode("utf-8", "replace")
            message = " ".join(str(message).split())
            if resp.status == 503 and "swarm" in message.lower():
                raise EngineError(f"the Docker engine at {ep.host} ({ep.where}) is not a swarm manager: {message}")
            raise EngineError(f"GET {path} on {ep.host} failed: HTTP {resp.status}: {message}")
        if len(body) > MAX_ANSWER_BYTES:
            raise EngineError(f"GET {path} on {ep.host}: the answer is over {MAX_ANSWER_BYTES // 1048576} MiB")
        try:
            return json.loads(body)
        except ValueError:
            raise EngineError(f"GET {path} on {ep.host}: the answer is not JSON") from None
