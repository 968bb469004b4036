"""Atomic writes: the target holds the old content or the new, never a mixture, and no debris is left."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from faqbot.files import TargetExistsError, WriteError, write_atomic


def test_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, "one")
    write_atomic(target, b"two")
    assert target.read_text() == "two"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_refuses_to_overwrite_unless_allowed(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(TargetExistsError, match="--force"):
        write_atomic(target, "new", overwrite=False)
    assert target.read_text() == "old"


def test_no_overwrite_holds_even_if_the_file_appears_during_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    real_mkstemp = tempfile.mkstemp

    def someone_else_writes_first(*args: object, **kwargs: object) -> tuple[int, str]:
        target.write_text("theirs")
        return real_mkstemp(*args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", someone_else_writes_first)
    with pytest.raises(TargetExistsError):
        write_atomic(target, "mine", overwrite=False)
    assert target.read_text() == "theirs"
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_an_interrupted_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException, where: str
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old content")

    def fail(*args: object) -> None:
        raise failure

    monkeypatch.setattr(os, where, fail)
    expected = WriteError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected):
        write_atomic(target, "new content " * 10_000)
    monkeypatch.undo()
    assert target.read_text() == "old content"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "new.txt", "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="cannot write"):
        write_atomic(tmp_path / "missing" / "out.txt", "x")
