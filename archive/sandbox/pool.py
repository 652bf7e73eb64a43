"""The parent side of the sandbox: a pool of long-lived worker processes that run named handlers on JSON tasks.

Each task has one wall-time limit and each worker one memory limit. A task that runs over, or a worker
that crashes, costs that one task a failure answer; the worker is killed if need be, reaped, and replaced
lazily, and the tasks queued behind it are sent again. A pool is driven from one thread at a time (it
holds no locks); the program may run other threads, though a worker is also killed if the thread that
started it ends (Linux's parent-death signal follows the thread), so keep a pool with a long-lived thread.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import subprocess
import sys
import time
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from archive.sandbox import wire

PER_WORKER = 2  # tasks in flight per worker: the next one waits in its pipe, so it never waits for us
AHEAD = 256  # a `map` runs at most this far past its oldest unanswered task: bounds the answers we hold
TAIL = 4096  # bytes of each worker's stderr kept for failure reasons; the rest is read and dropped
READ = 1 << 20
PIPE_BYTES = 1 << 20  # Linux's default ceiling for an unprivileged process (/proc/sys/fs/pipe-max-size)
EXIT_GRACE = 1.0  # seconds a worker that closed stdout, or was told to stop, has to exit before SIGKILL
_IN, _ERR, _OUT = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Answer:
    """What came of one task: `value` is the handler's JSON result when `ok`, `error` says why not otherwise."""

    ok: bool
    value: Any = None
    error: str | None = None


class _Job:
    """One `map` call's answers, held by index until they are yielded in order."""

    __slots__ = ("answers", "live")

    def __init__(self) -> None:
        self.answers: dict[int, Answer] = {}
        self.live = True  # false once its `map` was left: answers still coming are dropped


@dataclass(slots=True)
class _Task:
    job: _Job
    index: int
    frame: bytes  # kept to send again when the worker it was queued on is lost


class _Worker:
    """One child process, its three pipes (all non-blocking), and its tasks in order: the oldest is running."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        pipe = subprocess.PIPE
        self.proc = subprocess.Popen(command, stdin=pipe, stdout=pipe, stderr=pipe, env=env, bufsize=0)
        assert self.proc.stdin and self.proc.stdout and self.proc.stderr
        self.fds = (self.proc.stdout.fileno(), self.proc.stderr.fileno(), self.proc.stdin.fileno())
        for fd in self.fds:
            os.set_blocking(fd, False)
        for fd in self.fds[:2]:
            _widen(fd)
        self.tasks: deque[_Task] = deque()
        self.since = 0.0  # when tasks[0] started running
        self.outgoing = bytearray()  # frames the pipe did not take yet
        self.incoming = bytearray()
        self.tail = b""
        self.reaped = False

    def read_stderr(self, rounds: int) -> bool:
        """Keep the tail of what is waiting on stderr; false at its end."""
        for _ in range(rounds):
            try:
                chunk = os.read(self.fds[_ERR], READ)
            except BlockingIOError:
                return True
            except OSError:
                return False
            if not chunk:
                return False
            self.tail = (self.tail + chunk)[-TAIL:]
        return True

    def last_line(self) -> str:
        return wire.reason(self.tail.decode("utf-8", "replace").strip().rpartition("\n")[2])


def _widen(fd: int) -> None:
    """Let a pipe hold PIPE_BYTES where Linux allows it.

    Nobody reads the pipes while the caller holds an answer: a worker whose answer and stderr fit in them
    finishes meanwhile, instead of waiting for us while its deadline runs.
    """
    if hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _child_env() -> dict[str, str]:
    """Our environment, with our import path as PYTHONPATH, so a worker imports the very code its parent does.

    The interpreter's own directories are left out: a worker started with another interpreter keeps its own.
    """
    import site
    import sysconfig

    schemes = [
        sysconfig.get_paths(),
        sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix}),
    ]
    own = {os.path.realpath(s[key]) for s in schemes for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    own.update(os.path.realpath(p) for p in [*site.getsitepackages(), site.getusersitepackages()])
    paths: list[str] = []
    for entry in sys.path:
        path = os.path.realpath(entry or os.getcwd())
        inside = any(path == d or path.startswith(d + os.sep) for d in own)
        if not inside and os.path.exists(path) and path not in paths:
            paths.append(path)
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _death(returncode: int) -> str:
    return f"signal {-returncode}" if returncode < 0 else f"exit {returncode}"


class Pool:
    """Up to `workers` processes running `python -m archive.sandbox.worker HANDLERS`, started as tasks need them.

    `handlers` names a module defining `HANDLERS: dict[str, Callable[..., Any]]`; a task calls
    `HANDLERS[name](**args)` in a worker. `seconds` bounds each task's wall time from when it starts
    running (a fresh worker's start-up counts towards its first task), `memory` each worker's address
    space in bytes, `max_frame` the JSON of one task or answer. Use it as a context manager, or `close` it.

    The pool reads its workers' pipes only inside `map` and `call`; the clock runs on while the caller
    holds an answer, so a caller that dawdles longer than `seconds` can see a task whose answer or
    stderr overflows its pipe (over PIPE_BYTES) run over.
    """

    def __init__(
        self,
        handlers: str,
        workers: int | None = None,
        *,
        seconds: float = 60.0,
        memory: int = 2 << 30,
        max_frame: int = wire.FRAME_LIMIT,
        python: str = sys.executable,
    ) -> None:
        if not all(part.isidentifier() for part in handlers.split(".")):
            raise ValueError(f"not a module name: {handlers!r}")
        size = workers if workers is not None else _cpus()
        if size < 1 or seconds <= 0 or memory <= 0 or not 0 < max_frame < 1 << 32:
            raise ValueError("workers, seconds, memory and max_frame must be positive (max_frame under 4 GiB)")
        self._size, self._seconds, self._memory, self._max_frame = size, seconds, memory, max_frame
        self._command = [python, "-m", "archive.sandbox.worker", handlers, str(memory)]
        self._env = _child_env()
        self._workers: list[_Worker] = []
        self._by_fd: dict[int, tuple[_Worker, int]] = {}
        self._poll = select.poll()
        self._retry: deque[_Task] = deque()  # tasks of lost workers, sent before anything new
        self._closed = False

    @property
    def pids(self) -> tuple[int, ...]:
        """The process ids of the live workers (for monitoring and tests)."""
        return tuple(w.proc.pid for w in self._workers)

    def call(self, name: str, /, **args: Any) -> Answer:
        """Run one task and wait for its answer."""
        answers = self._run(name, iter((args,)))
        try:
            return next(answers)
        finally:
            answers.close()

    def map(self, name: str, args: Iterable[dict[str, Any]]) -> Iterator[Answer]:
        """Answers to `HANDLERS[name](**a)` for each `a` in `args`, in the order of `args`, streamed.

        `args` is consumed lazily, as workers have room. Arguments that are not a JSON object raise
        TypeError or ValueError when they are reached; a task over `max_frame` gets a failure answer.
        """
        if self._closed:
            raise ValueError("pool is closed")
        return self._run(name, iter(args))

    def close(self) -> None:
        """Stop every worker and reap it: idle ones are told to exit, busy or slow ones are killed. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for w in self._workers:
            self._forget(w.fds[_OUT])
            assert w.proc.stdin is not None
            w.proc.stdin.close()  # end of input: an idle worker exits at once
        grace = time.monotonic() + EXIT_GRACE
        for w in list(self._workers):
            if not w.tasks:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    w.proc.wait(max(0.0, grace - time.monotonic()))
            self._reap(w)
        self._workers.clear()
        self._retry.clear()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # The engine: feeding tasks, polling pipes, enforcing deadlines, replacing workers.

    def _run(self, name: str, source: Iterator[dict[str, Any]]) -> Generator[Answer, None, None]:
        job = _Job()
        sent = done = 0
        pending: _Task | None = None
        exhausted = False
        try:
            while True:
                if self._closed:
                    raise ValueError("pool is closed")
                while True:  # send what there is room for: lost tasks first, then ours
                    if self._retry:
                        if not self._retry[0].job.live:
                            self._retry.popleft()
                            continue
                        if (w := self._slot()) is None:
                            break
                        self._send(w, self._retry.popleft())
                        continue
                    if pending is None and not exhausted and sent - done < AHEAD:
                        try:
                            args = next(source)
                        except StopIteration:
                            exhausted = True
                        else:
                            pending = self._task(job, sent, name, args)
                            sent += 1
                    if pending is None or (w := self._slot()) is None:
                        break
                    self._send(w, pending)
                    pending = None
                self._flush()  # before yielding: workers run while the caller looks at an answer
                if done in job.answers:
                    yield job.answers.pop(done)
                    done += 1
                elif exhausted and done == sent:
                    return
                else:
                    self._pump()
        finally:
            job.live = False

    def _task(self, job: _Job, index: int, name: str, args: dict[str, Any]) -> _Task | None:
        if not isinstance(args, dict):
            raise TypeError(f"task arguments must be a dict, not {type(args).__name__}")
        frame = wire.encode([name, args])
        if len(frame) - wire.HEADER.size > self._max_frame:
            job.answers[index] = Answer(False, error=f"task larger than {self._max_frame} bytes")
            return None
        return _Task(job, index, frame)

    def _slot(self) -> _Worker | None:
        """A worker to take one more task: an idle one, else a new one, else one with room in its pipe."""
        roomy = None
        for w in self._workers:
            if not w.tasks:
                return w
            if roomy is None and len(w.tasks) < PER_WORKER:
                roomy = w
        if len(self._workers) < self._size:
            return self._start()
        return roomy

    def _start(self) -> _Worker:
        w = _Worker([*self._command, str(os.getpid())], self._env)
        self._workers.append(w)
        for stream in (_IN, _ERR):
            self._by_fd[w.fds[stream]] = (w, stream)
            self._poll.register(w.fds[stream], select.POLLIN)
        return w

    def _send(self, w: _Worker, task: _Task) -> None:
        """Queue a task on a worker; `_flush` writes it, so frames sent in one round go in one write."""
        if not w.tasks:
            w.since = time.monotonic()
        w.tasks.append(task)
        w.outgoing += task.frame

    def _flush(self) -> None:
        for w in self._workers:
            if w.outgoing and w.fds[_OUT] not in self._by_fd:
                self._write(w)
                if w.outgoing:  # the pipe is full: the rest goes when the poll says there is room
                    self._by_fd[w.fds[_OUT]] = (w, _OUT)
                    self._poll.register(w.fds[_OUT], select.POLLOUT)

    def _write(self, w: _Worker) -> None:
        try:
            written = os.write(w.fds[_OUT], w.outgoing)
        except BlockingIOError:
            return
        except OSError:  # the worker is gone; its closed stdout tells us why
            w.outgoing.clear()
            return
        del w.outgoing[:written]

    def _pump(self) -> None:
        """Wait for pipes or the nearest deadline, handle what happened, and stop tasks that ran over."""
        deadlines = [w.since + self._seconds for w in self._workers if w.tasks]
        if not deadlines:  # cannot happen while an answer is awaited; never wait for nothing
            raise RuntimeError("sandbox: no task in flight to wait for")
        wait = max(0, int((min(deadlines) - time.monotonic()) * 1000) + 1)
        for fd, _events in self._poll.poll(wait):
            found = self._by_fd.get(fd)
            if found is None:  # its worker was retired earlier in this round
                continue
            w, stream = found
            if stream == _IN:
                self._read(w)
            elif stream == _ERR:
                if not w.read_stderr(4):
                    self._forget(w.fds[_ERR])
            else:
                self._write(w)
                if not w.outgoing:
                    self._forget(w.fds[_OUT])
        now = time.monotonic()
        for w in [w for w in self._workers if w.tasks and now - w.since >= self._seconds]:
            self._retire(w, f"ran over {self._seconds:g} s")

    def _read(self, w: _Worker) -> None:
        ended = False
        while True:
            try:
                chunk = os.read(w.fds[_IN], READ)
            except BlockingIOError:
                break
            if not chunk:
                ended = True
                break
            w.incoming += chunk
            if len(chunk) < READ:
                break
        # Answers that came before the end count: only the task running when it ended fails.
        buf, at = w.incoming, 0
        while len(buf) - at >= wire.HEADER.size:
            (size,) = wire.HEADER.unpack_from(buf, at)
            if size > self._max_frame:
                self._retire(w, f"answer larger than {self._max_frame} bytes")
                return
            end = at + wire.HEADER.size + size
            if len(buf) < end:
                break
            body = bytes(buf[at + wire.HEADER.size : end])
            at = end
            if not w.tasks:
                self._retire(w, None)  # an answer nobody asked for: the worker is not ours any more
                return
            answer = _answer(body)
            if answer is None:
                self._retire(w, "worker gave an unreadable answer")
                return
            task = w.tasks.popleft()
            w.since = time.monotonic()
            if task.job.live:
                task.job.answers[task.index] = answer
        del buf[:at]
        if ended:  # the worker closed stdout: it is dying (give it a moment to finish) or hostile
            with contextlib.suppress(subprocess.TimeoutExpired):
                w.proc.wait(EXIT_GRACE)
            self._retire(w, self._obituary(self._reap(w), w.last_line()))

    def _obituary(self, code: int, last: str) -> str:
        why = f"worker died: {_death(code)}" + (f" ({last})" if last else "")
        if "MemoryError" in last or "Cannot allocate memory" in last:
            return f"out of memory (limit {self._memory >> 20} MiB); {why}"
        return why

    def _retire(self, w: _Worker, reason: str | None) -> None:
        """Kill and reap a worker; its running task fails with `reason`, the rest are sent again."""
        self._reap(w)
        if reason is not None and w.tasks:
            task = w.tasks.popleft()
            if task.job.live:
                task.job.answers[task.index] = Answer(False, error=reason)
        self._retry.extendleft(reversed([t for t in w.tasks if t.job.live]))
        w.tasks.clear()

    def _reap(self, w: _Worker) -> int:
        """SIGKILL the worker by its pid unless it is gone, reap it, keep its last words, close its pipes; once."""
        if w.reaped:
            return w.proc.wait()
        w.reaped = True
        if w.proc.poll() is None:
            w.proc.kill()
        code = w.proc.wait()
        w.read_stderr(16)  # bounded: a grandchild may still hold stderr open
        if w in self._workers:
            self._workers.remove(w)
        for fd in w.fds:
            self._forget(fd)
        for pipe in (w.proc.stdin, w.proc.stdout, w.proc.stderr):
            if pipe is not None:
                pipe.close()  # raw pipes: nothing to flush, nothing to fail
        return code

    def _forget(self, fd: int) -> None:
        if self._by_fd.pop(fd, None) is not None:
            self._poll.unregister(fd)


def _answer(body: bytes) -> Answer | None:
    """An answer frame's body as an Answer; None when it is not one (a worker we cannot trust)."""
    try:
        message = wire.decode(body)
    except (ValueError, RecursionError):
        return None
    if isinstance(message, dict) and len(message) == 1:
        if "value" in message:
            return Answer(True, message["value"])
        if isinstance(message.get("error"), str):
            return Answer(False, error=wire.reason(message["error"]))
    return None


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
