"""The command's exit skips the interpreter's teardown only when nothing waits for it."""
from __future__ import annotations

import os
import subprocess
import sys

from .conftest import ROOT

# An object whose finaliser prints: it runs in the interpreter's teardown, not after os._exit.
_PROGRAM = """
import sys
from stacklint.quick_exit import exit_now

class Noisy:
    def __del__(self):
        print("teardown ran")

noisy = Noisy()
sys.stdout.write("report")  # left in the buffer: exit_now must flush it
sys.stderr.write("note")
{setup}
exit_now(3)
"""


def _run(setup: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # -S: no site hooks, whose .pth files may register atexit callbacks of their own (then the
    # ordinary exit is right, and these tests would not see the quick one)
    return subprocess.run([sys.executable, "-S", "-c", _PROGRAM.format(setup=setup)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)


def test_nothing_waiting_leaves_at_once_with_the_streams_flushed():
    proc = _run()
    assert (proc.returncode, proc.stdout, proc.stderr) == (3, "report", "note")


def test_an_atexit_callback_gets_the_ordinary_exit():
    proc = _run("import atexit; atexit.register(print, ' at exit')")
    assert (proc.returncode, proc.stdout, proc.stderr) == (3, "report at exit\nteardown ran\n", "note")


def test_a_running_thread_gets_the_ordinary_exit():
    setup = ("import threading, time\n"
             "threading.Thread(target=lambda: (time.sleep(0.2), print(' thread done'))).start()")
    proc = _run(setup)
    assert (proc.returncode, proc.stdout, proc.stderr) == (3, "report thread done\nteardown ran\n", "note")


def test_a_daemon_thread_does_not_hold_the_exit():
    setup = "import threading, time\nthreading.Thread(target=time.sleep, args=(30,), daemon=True).start()"
    proc = _run(setup)
    assert (proc.returncode, proc.stdout, proc.stderr) == (3, "report", "note")
