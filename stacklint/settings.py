"""What a lint run is told: which rules, how severe, which environment. Plain data, no I/O."""
from __future__ import annotations

from .diagnostics import Severity
from .record import FrozenRecord

TYPE_CHECKING = False  # importing typing costs start-up: for annotations only (see record.py)
if TYPE_CHECKING:
    from typing import FrozenSet, Mapping, Optional, Tuple


class PerFileIgnore(FrozenRecord):
    _fields = ("pattern", "codes")
    pattern: str  # a glob matched against the file's path (relative to the config file's folder)
    codes: FrozenSet[str]

    def __init__(self, pattern, codes):
        self._set(pattern, codes)


class Settings(FrozenRecord):
    _fields = ("select", "ignore", "severity", "per_file_ignores", "fail_on", "env", "strict_env", "inventory",
               "stack_name", "engine_version", "report_unused_suppressions")
    # None: every rule but the opt-in ones (their pages say `opt_in: true`); otherwise only these codes
    select: Optional[FrozenSet[str]]
    ignore: FrozenSet[str]
    severity: Mapping[str, Severity]
    per_file_ignores: Tuple[PerFileIgnore, ...]
    # None: not given (the config file's fail-on, else error)
    fail_on: Optional[Severity]
    # The variables interpolation sees. None: an empty environment.
    env: Optional[Mapping[str, str]]
    # True when env is the environment of the deploy itself: a required variable it lacks is
    # then an error (Docker would refuse the file), not a warning about the CI environment.
    strict_env: bool
    # A cluster inventory (see stacklint.inventory) for the cluster-aware SL5xx rules.
    inventory: Optional[Mapping]
    # The stack name the file will be deployed as (`docker stack deploy NAME`), when known:
    # SL504 then ignores the ports this very stack already publishes.
    stack_name: Optional[str]
    # The Docker Engine version the stack will be deployed to ("20.10", "28.2.2"), for the deploy
    # rules whose answer depends on it; an inventory's engine version wins. None: CURRENT_ENGINE.
    engine_version: Optional[str]
    # Report suppression comments that suppress nothing (SL009).
    report_unused_suppressions: bool

    def __init__(self, select=None, ignore=frozenset(), severity=None, per_file_ignores=(), fail_on=None, env=None,
                 strict_env=False, inventory=None, stack_name=None, engine_version=None,
                 report_unused_suppressions=True):
        self._set(select, ignore, {} if severity is None else severity, per_file_ignores, fail_on, env, strict_env,
                  inventory, stack_name, engine_version, report_unused_suppressions)

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
    """A copy of base with some fields replaced."""
    return base.replace(**changes)


EnvMapping = dict[str, str]
