"""What a lint run is told: which rules, how severe, which environment. Plain data, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Mapping, Optional, Tuple

from .diagnostics import Severity
from .record import FrozenRecord


class PerFileIgnore(FrozenRecord):
    _fields = ("pattern", "codes")
    pattern: str  # a glob matched against the file's path (relative to the config file's folder)
    codes: FrozenSet[str]

    def __init__(self, pattern, codes):
        self._set(pattern, codes)


@dataclass(frozen=True)
class Settings:
    # None: every rule but the opt-in ones (their pages say `opt_in: true`); otherwise only these codes
    select: Optional[FrozenSet[str]] = None
    ignore: FrozenSet[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    per_file_ignores: Tuple[PerFileIgnore, ...] = ()
    # None: not given (the config file's fail-on, else error)
    fail_on: Optional[Severity] = None
    # The variables interpolation sees. None: an empty environment.
    env: Optional[Mapping[str, str]] = None
    # True when env is the environment of the deploy itself: a required variable it lacks is
    # then an error (Docker would refuse the file), not a warning about the CI environment.
    strict_env: bool = False
    # A cluster inventory (see stacklint.inventory) for the cluster-aware SL5xx rules.
    inventory: Optional[Mapping] = None
    # The stack name the file will be deployed as (`docker stack deploy NAME`), when known:
    # SL504 then ignores the ports this very stack already publishes.
    stack_name: Optional[str] = None
    # The Docker Engine version the stack will be deployed to ("20.10", "28.2.2"), for the deploy
    # rules whose answer depends on it; an inventory's engine version wins. None: CURRENT_ENGINE.
    engine_version: Optional[str] = None
    # Report suppression comments that suppress nothing (SL009).
    report_unused_suppressions: bool = True

    @property
    def threshold(self) -> Severity:
        """The lowest severity that makes a run fail."""
        return self.fail_on or Severity.ERROR

    def enabled(self, code: str) -> bool:
        if code in self.ignore:
            return False
        if self.select is None:
            from .catalogue import opt_in  # the rule pages' front matter, from the generated index

            return code not in opt_in()
        return code in self.select

    def severity_of(self, code: str, default: Severity) -> Severity:
        return self.severity.get(code, default)


DEFAULT = Settings()


def merged(base: Settings, **changes) -> Settings:
    """A copy of base with some fields replaced (dataclasses.replace, re-exported for callers)."""
    from dataclasses import replace

    return replace(base, **changes)


EnvMapping = Dict[str, str]
