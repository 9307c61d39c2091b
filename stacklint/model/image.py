"""An image reference split into repository, tag and digest, the way distribution/reference
reads one (name[:tag][@digest], a `:` after the last `/` starts the tag). Lenient: it never
refuses text, so rules about image names work on any string; syntax is a separate question.
"""
from __future__ import annotations

import re

from ..memo import memo
from ..record import FrozenRecord


class ImageName(FrozenRecord):
    _fields = ("repository", "tag", "digest")
    repository: str  # as written, without tag and digest (registry and path included)
    tag: str | None
    digest: str | None

    def __init__(self, repository, tag, digest):
        self._set(repository, tag, digest)

    @property
    def last_component(self) -> str:
        """The repository's last path component, lower-case (`bitnami/postgresql` -> postgresql)."""
        return self.repository.lower().rsplit("/", 1)[-1]

    @property
    def tokens(self) -> tuple[str, ...]:
        """The repository's words, lower-case, split at / _ . - and the registry port's colon."""
        return tuple(t for t in re.split(r"[/_.\-:]+", self.repository.lower()) if t)


@memo
def split_image(image: str) -> ImageName:
    name, at, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        return ImageName(name[:colon], name[colon + 1:], digest if at else None)
    return ImageName(name, None, digest if at else None)
