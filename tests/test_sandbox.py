"""The sandbox pool: answers in order, and every way a task can go wrong costs that task alone."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.sandbox import Answer, Pool

HANDLERS = "sandbox_handlers"  # tests/sandbox_handlers.py; workers find it through the path the pool passes on


def gone(pid: int) -> bool:
    """True when `pid` no longer runs (absent, or a zombie its new parent has yet to reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def wait_gone(pids: list[int], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(gone(p) for p in pids):
            return True
        time.sleep(0.02)
    return False


def test_echo_and_lazy_start() -> None:
    with Pool(HANDLERS, workers=2) as pool:
        assert pool.pids == ()
        assert pool.call("echo", value={"a": [1, "ü", None]}) == Answer(True, {"a": [1, "ü", None]})
        assert len(pool.pids) == 1  # one task needs one worker


def test_order_kept_over_1000_tasks_on_2_workers() -> None:
    with Pool(HANDLERS, workers=2) as pool:
        answers = list(pool.map("tagged", ({"value": i} for i in range(1000))))
    assert all(a.ok for a in answers)
    assert [a.value[0] for a in answers] == list(range(1000))
    assert len({a.value[1] for a in answers}) == 2


def test_args_are_consumed_lazily() -> None:
    with Pool(HANDLERS, workers=2) as pool:
        first = list(itertools.islice(pool.map("echo", ({"value": i} for i in itertools.count())), 5))
        assert [a.value for a in first] == [0, 1, 2, 3, 4]
        assert pool.call("echo", value="after") == Answer(True, "after")  # the abandoned map's tail is dropped


def test_deadline_fails_the_task_and_the_queued_ones_run() -> None:
    """One worker: the task queued behind the slow one is sent again to its replacement."""
    with Pool(HANDLERS, workers=1, seconds=1) as pool:
        start = time.monotonic()
        answers = list(pool.map("sleep", [{"seconds": 0}, {"seconds": 30}, {"seconds": 0}, {"seconds": 0}]))
        assert time.monotonic() - start < 5
    assert [a.ok for a in answers] == [True, False, True, True]
    assert answers[1].error == "ran over 1 s"


def test_deadline_counts_from_when_a_task_starts_not_when_it_was_queued() -> None:
    with Pool(HANDLERS, workers=1, seconds=1) as pool:
        answers = list(pool.map("sleep", [{"seconds": 0.6}] * 3))  # 1.8 s in all, each under 1 s
    assert all(a.ok for a in answers), answers


def test_an_answer_in_the_pipe_while_the_caller_dawdles_is_not_a_timeout() -> None:
    """Nobody reads the pipes while the caller holds an answer; a 600 kB answer still lands in time."""
    with Pool(HANDLERS, workers=1, seconds=1) as pool:
        answers = pool.map("big", [{"size": 10}, {"size": 600_000}])
        assert next(answers) == Answer(True, "x" * 10)
        time.sleep(1.5)  # the second task runs and answers meanwhile
        assert next(answers) == Answer(True, "x" * 600_000)


def test_out_of_memory_is_a_failure_and_the_worker_lives_on() -> None:
    with Pool(HANDLERS, workers=1, memory=256 << 20) as pool:
        before = pool.call("pid").value
        answer = pool.call("hog", size=1 << 30)
        assert not answer.ok and answer.error is not None and answer.error.startswith("out of memory")
        assert pool.call("hog", size=1 << 20) == Answer(True, 1 << 20)
        assert pool.call("pid").value == before


@pytest.mark.parametrize(
    ("name", "args", "reason"),
    [
        ("exit", {"code": 3}, "worker died: exit 3"),
        ("exit", {"code": 4, "words": "last words here"}, "worker died: exit 4 (last words here)"),
        ("segfault", {}, "worker died: signal 11"),
    ],
)
def test_a_dying_worker_fails_only_its_own_task(name: str, args: dict[str, object], reason: str) -> None:
    with Pool(HANDLERS, workers=1) as pool:
        answers = list(pool.map("echo", [{"value": 1}]))
        answers += pool.map(name, [args])
        answers += pool.map("echo", [{"value": 2}, {"value": 3}])
        assert [a.value for a in answers if a.ok] == [1, 2, 3]
        assert answers[1] == Answer(False, error=reason)
        assert len(pool.pids) == 1


def test_a_crash_in_a_map_fails_that_task_alone() -> None:
    """One worker, tasks pipelined: each death fails the running task, the one queued behind it is sent again."""
    with Pool(HANDLERS, workers=1) as pool:
        answers = list(pool.map("exit", [{"code": 5}, {"code": 6}, {"code": 7}]))
    assert [a.error for a in answers] == ["worker died: exit 5", "worker died: exit 6", "worker died: exit 7"]


def test_a_raising_handler_is_a_failure_and_the_worker_lives_on() -> None:
    with Pool(HANDLERS, workers=1) as pool:
        before = pool.call("pid").value
        assert pool.call("fail", message="bad input\nsecond line") == Answer(False, error="ValueError: bad input")
        long = pool.call("fail", message="x" * 10_000)
        assert long.error is not None and long.error.startswith("ValueError: xxx") and len(long.error) <= 300
        assert pool.call("nothing-of-that-name").error == "unknown handler 'nothing-of-that-name'"
        assert pool.call("not_json").error == "TypeError: Object of type set is not JSON serializable"
        assert pool.call("pid").value == before


def test_an_answer_over_the_frame_limit_fails_and_the_worker_is_replaced() -> None:
    with Pool(HANDLERS, workers=1, max_frame=1 << 20) as pool:
        before = pool.call("pid").value
        assert pool.call("big", size=2 << 20) == Answer(False, error=f"answer larger than {1 << 20} bytes")
        assert pool.call("big", size=1000) == Answer(True, "x" * 1000)
        assert pool.call("pid").value != before
        assert pool.call("echo", value="y" * (2 << 20)).error == f"task larger than {1 << 20} bytes"


def test_a_forged_frame_fails_the_task_and_the_worker_is_replaced() -> None:
    with Pool(HANDLERS, workers=1) as pool:
        before = pool.call("pid").value
        assert pool.call("forge", body="not json") == Answer(False, error="worker gave an unreadable answer")
        assert pool.call("forge", body='{"value": 1, "extra": 2}').error == "worker gave an unreadable answer"
        assert pool.call("pid").value != before


def test_stdout_and_megabytes_of_stderr_do_not_get_in_the_way() -> None:
    with Pool(HANDLERS, workers=1, seconds=5) as pool:
        assert pool.call("chatty", megabytes=8) == Answer(True, "done")
        assert pool.call("prints", value=7) == Answer(True, 7)


def test_bad_arguments_raise_before_anything_is_sent() -> None:
    with Pool(HANDLERS, workers=1) as pool:
        with pytest.raises(TypeError):
            list(pool.map("echo", [["not", "a", "dict"]]))  # type: ignore[list-item]
        with pytest.raises(TypeError):
            pool.call("echo", value=object())
        with pytest.raises(ValueError):
            pool.call("echo", value=float("nan"))  # strict JSON: never sent as NaN
        assert pool.pids == ()
    with pytest.raises(ValueError, match="not a module name"):
        Pool("no such; module")


def test_a_handlers_module_that_does_not_import_fails_each_task_with_why() -> None:
    with Pool("no_such_handlers_module", workers=1) as pool:
        answers = list(pool.map("echo", [{}, {}]))
    assert [a.error for a in answers] == [
        "worker died: exit 1 (ModuleNotFoundError: No module named 'no_such_handlers_module')"
    ] * 2


def test_close_reaps_every_worker_idle_or_busy() -> None:
    pool = Pool(HANDLERS, workers=3)
    list(pool.map("echo", [{"value": i} for i in range(10)]))

    def two_sleeps_then_trouble() -> Iterator[dict[str, Any]]:
        yield {"seconds": 30}
        yield {"seconds": 30}
        raise LookupError("the caller's own error")

    with pytest.raises(LookupError):  # leaves two tasks running on two workers
        list(pool.map("sleep", two_sleeps_then_trouble()))
    pids = list(pool.pids)
    assert len(pids) == 3
    start = time.monotonic()
    pool.close()
    pool.close()
    assert time.monotonic() - start < 3
    assert pool.pids == ()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(ValueError, match="closed"):
        pool.call("echo")


def test_a_pool_works_from_another_thread() -> None:
    got: list[list[Answer]] = []
    thread = threading.Thread(target=lambda: got.append(_run_in_thread()))
    thread.start()
    thread.join(10)
    assert [a.value for a in got[0]] == list(range(20))


def _run_in_thread() -> list[Answer]:
    with Pool(HANDLERS, workers=2) as pool:
        return list(pool.map("echo", ({"value": i} for i in range(20))))


def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    running = tmp_path / "running"
    script = textwrap.dedent(
        f"""
        from archive.sandbox import Pool
        pool = Pool({HANDLERS!r}, workers=2)
        list(pool.map("echo", [{{}}, {{}}, {{}}]))
        print(*pool.pids, flush=True)
        pool.call("sleep", seconds=60, touch={str(running)!r})
        """
    )
    tests = str(Path(__file__).parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([tests, os.environ.get("PYTHONPATH", "")])}
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env, text=True)
    try:
        assert parent.stdout is not None
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2
        deadline = time.monotonic() + 5
        while not running.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert running.exists()  # one worker is busy, the other idle
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    assert wait_gone(pids)
