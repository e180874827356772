"""The attack library: submissions that try to break out, cheat or leak, and how each is stopped.

Every attack defines ``f(x, k)``: with ``k == 0`` it attacks, with ``k == 1`` it behaves and
returns ``x * 2``. Each is run on the cases ``(x, 0), (x, 1)``, so every test also proves that a
bad case does not cost the cases after it. Categories follow SANDBOX-NOTES.md.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

HOST_MARKER = "/tmp/tensor-grader-pwned"
_spec = importlib.util.find_spec("exercises.linalg.sum_axis")
EXERCISE_FILE = _spec.origin if _spec else "/nonexistent"


@dataclass(frozen=True)
class Attack:
    """One hostile submission and the outcome that proves it was stopped."""

    name: str
    category: str
    body: str  # the attack, indented under `if k == 0:`
    stopped_when: tuple[str, ...]  # acceptable statuses of the attacking case
    returns: object = None  # if the case may return, the value it must not differ from
    raises: tuple[str, ...] = ()  # if it raises: words one of which its message must contain

    def source(self) -> str:
        """The whole submission."""
        body = "\n".join("        " + line for line in self.body.strip().split("\n"))
        return (
            f"import os, sys, torch\nEXERCISE_FILE = {EXERCISE_FILE!r}\n\n"
            f"def f(x, k):\n    if k == 0:\n{body}\n    return x * 2\n"
        )


RAISED = ("raised",)
ATTACKS = [
    # --- resources -------------------------------------------------------------------------
    Attack("cpu loop", "resources", "while True:\n    pass", ("timeout",)),
    Attack(
        "memory bomb (bytearray)",
        "resources",
        "b = bytearray(8 << 30)\nreturn x",
        ("raised", "crashed"),
    ),
    Attack(
        "memory bomb (torch)",
        "resources",
        "t = torch.ones(1 << 31)\nreturn t.sum()",
        ("raised", "crashed"),
    ),
    Attack(
        "memory creep in a loop",
        "resources",
        "keep = []\nwhile True:\n    keep.append(torch.ones(1 << 24))",
        ("raised", "crashed", "timeout"),
    ),
    Attack("output flood", "resources", "while True:\n    print('A' * 10000)", ("timeout",)),
    Attack("sleep forever", "resources", "import time\ntime.sleep(1000)", ("timeout",)),
    Attack(
        "ignore SIGXCPU and SIGTERM",
        "resources",
        "import signal\nfor s in (signal.SIGXCPU, signal.SIGTERM, signal.SIGINT):\n"
        "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass",
        ("timeout",),
    ),
    Attack(
        "fill the disk",
        "resources",
        "import tempfile\nwith open(tempfile.gettempdir() + '/big', 'wb') as out:\n"
        "    while True:\n        out.write(b'0' * (1 << 20))",
        ("raised", "crashed"),
        raises=("File too large", "No space left"),
    ),
    Attack("deep recursion", "resources", "def r(n):\n    return r(n + 1)\nreturn r(0)", RAISED),
    Attack(
        "raise the resource limits",
        "resources",
        "import resource\nresource.setrlimit(resource.RLIMIT_CPU, (10**6, 10**6))\nreturn x",
        RAISED,
    ),
    # --- processes -------------------------------------------------------------------------
    Attack("fork", "processes", "os.fork()\nreturn x", RAISED),
    Attack("fork bomb", "processes", "while True:\n    os.fork()", RAISED),
    Attack("subprocess", "processes", "import subprocess\nsubprocess.run(['id'])\nreturn x", RAISED),
    Attack(
        "os.system writes a host file",
        "processes",
        f"return os.system('touch {HOST_MARKER}')",
        ("returned",),
        returns=127 << 8,
    ),  # glibc's answer when the shell could not be spawned
    Attack("exec a shell", "processes", "os.execv('/bin/sh', ['sh', '-c', 'id'])", RAISED),
    Attack(
        "multiprocessing",
        "processes",
        "import multiprocessing\np = multiprocessing.Process(target=print)\np.start()\nreturn x",
        RAISED,
    ),
    Attack(
        "ptrace via ctypes",
        "processes",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nreturn libc.ptrace(16, os.getppid(), 0, 0)",
        ("returned",),
        returns=-1,
    ),
    # --- network ---------------------------------------------------------------------------
    Attack(
        "connect to Redis on loopback",
        "network",
        "import socket\nsocket.create_connection(('127.0.0.1', 6379), timeout=1)\nreturn x",
        RAISED,
    ),
    Attack(
        "connect to PostgreSQL",
        "network",
        "import socket\nsocket.create_connection(('127.0.0.1', 5432), timeout=1)\nreturn x",
        RAISED,
    ),
    Attack(
        "unix socket",
        "network",
        "import socket\nsocket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\nreturn x",
        RAISED,
    ),
    Attack(
        "raw socket syscall via ctypes",
        "network",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nreturn libc.socket(2, 1, 0)",
        ("returned",),
        returns=-1,
    ),
    Attack(
        "HTTP request",
        "network",
        "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:5432', timeout=1)\nreturn x",
        RAISED,
    ),
    # --- files -----------------------------------------------------------------------------
    Attack("read /etc/shadow", "files", "return open('/etc/shadow').read()", RAISED),
    Attack("import the grader", "files", "import grader.grading.engine\nreturn x", RAISED),
    Attack(
        "import the exercises (solutions)",
        "files",
        "import exercises.linalg.sum_axis\nreturn x",
        RAISED,
    ),
    Attack("read the exercises by path", "files", "return open(EXERCISE_FILE).read()", RAISED),
    Attack(
        "write into site-packages",
        "files",
        "open(os.path.join(os.path.dirname(torch.__file__), 'pwned.py'), 'w').write('x')\nreturn x",
        RAISED,
    ),
    Attack(
        "write outside the scratch folder",
        "files",
        "open('/usr/pwned', 'w').write('x')\nreturn x",
        RAISED,
    ),
    Attack("list the root folder", "files", "return os.listdir('/')", RAISED),
    Attack("read /proc", "files", "return open('/proc/1/cmdline').read()", RAISED),
    Attack("read the home folder", "files", "return os.listdir(os.path.expanduser('~root'))", RAISED),
    Attack(
        "create a device node",
        "files",
        "import tempfile\nos.mknod(tempfile.gettempdir() + '/null', 0o20666, os.makedev(1, 3))\nreturn x",
        RAISED,
    ),
    # --- signals ---------------------------------------------------------------------------
    Attack("kill every process of the uid", "signals", "os.kill(-1, 9)\nreturn x", RAISED),
    Attack("kill the zygote", "signals", "os.kill(os.getppid(), 9)\nreturn x", RAISED),
    Attack("kill the process group", "signals", "os.killpg(0, 9)\nreturn x", RAISED),
    # --- escaping the process --------------------------------------------------------------
    Attack("sys.exit", "fake results", "sys.exit(0)", RAISED),
    Attack("os._exit", "fake results", "os._exit(0)", ("crashed",)),
    Attack(
        "forge frames on every descriptor",
        "fake results",
        "for fd in range(3, 64):\n    try:\n        os.write(fd, b'TG1\\n' + b'\\xff' * 64)\n"
        "    except OSError:\n        pass\nos._exit(0)",
        ("crashed", "bad_reply"),
    ),
]
