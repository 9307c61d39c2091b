"""What a lint run is told: which rules, how severe, which environment. Plain data, no I/O."""
from __future__ import annotations

from collections.abc import Mapping

from .diagnostics import Severity
from .record import FrozenRecord


class PerFileIgnore(FrozenRecord):
    _fields = ("pattern", "codes")
    pattern: str  # a glob matched against the file's path (relative to the config file's folder)
    codes: frozenset[str]

    def __init__(self, pattern, codes):
        self._set(pattern, codes)


class Settings(FrozenRecord):
    _fields = ("select", "ignore", "severity", "per_file_ignores", "fail_on", "env", "strict_env", "inventory",
               "stack_name", "engine_version", "report_unused_suppressions")
    # None: every rule but the opt-in ones (their pages say `opt_in: true`); otherwise only these codes
    select: frozenset[str] | None
    ignore: frozenset[str]
    severity: Mapping[str, Severity]
    per_file_ignores: tuple[PerFileIgnore, ...]
    # None: not given (the config file's fail-on, else error)
    fail_on: Severity | None
    # The variables interpolation sees. None: an empty environment.
    env: Mapping[str, str] | None
    # True when env is the environment of the deploy itself: a required variable it lacks is
    # then an error (Docker would refuse the file), not a warning about the CI environment.
    strict_env: bool
    # A cluster inventory (see stacklint.inventory) for the cluster-aware SL5xx rules.
    inventory: Mapping | None
    # The stack name the file will be deployed as (`docker stack deploy NAME`), when known:
    # SL504 then ignores the ports this very stack already publishes.
    stack_name: str | None
    # The Docker Engine version the stack will be deployed to ("20.10", "28.2.2"), for the deploy
    # rules whose answer depends on it; an inventory's engine version wins. None: CURRENT_ENGINE.
    engine_version: str | None
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
