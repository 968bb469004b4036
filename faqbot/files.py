"""Where faqbot keeps its own files, and atomic writes: a reader sees the old file or the new one, never half.

Exports, saved conversations and imported knowledge bases are written to a temporary file in the same
directory, flushed to disk, then renamed over the target. A crash, a full disk or Ctrl-C in the middle of
a write leaves the previous file as it was (and no stray temporary file behind).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import FaqbotError

__all__ = ["TargetExistsError", "WriteError", "cache_dir", "data_dir", "write_atomic"]


def data_dir() -> Path:
    """faqbot's own lasting files (the signing secret, REPL history): `$FAQBOT_DATA_DIR`, else the user's data
    directory (XDG on Linux)."""
    from platformdirs import user_data_dir

    return Path(os.environ.get("FAQBOT_DATA_DIR") or user_data_dir("faqbot", appauthor=False))


def cache_dir() -> Path | None:
    """Files faqbot can always make again (calibrations, indexes): `$FAQBOT_CACHE_DIR`, else the user's cache
    directory; None when caching is turned off with `FAQBOT_CACHE_DIR=` (empty)."""
    configured = os.environ.get("FAQBOT_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("faqbot", appauthor=False))


class TargetExistsError(FaqbotError):
    """The target exists and the caller did not allow overwriting it (the CLI's `--force`)."""


class WriteError(FaqbotError):
    """The file could not be written (no such directory, permission denied, disk full)."""


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, overwrite: bool = True) -> Path:
    """Write `data` (text is UTF-8) to `path` atomically and return the path.

    With `overwrite=False` an existing file is never replaced, even one that appears while we write:
    the final step is then a hard link, which fails if the name is taken, instead of a rename.
    """
    target = Path(path)
    if target.is_dir():
        raise WriteError(f"{target}: is a directory; name a file to write")
    if not overwrite and target.exists():
        raise TargetExistsError(f"{target}: file exists (use --force to overwrite it)")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise WriteError(f"{target}: cannot write: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(target))
        _publish(tmp, target, overwrite)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise WriteError(f"{target}: cannot write: {exc.strerror or exc}") from exc
        raise
    _fsync_dir(target.parent)
    return target


def _publish(tmp: Path, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise TargetExistsError(f"{target}: file exists (use --force to overwrite it)") from None
    except OSError:  # a file system without hard links: fall back to a (checked) rename
        if target.exists():
            raise TargetExistsError(f"{target}: file exists (use --force to overwrite it)") from None
        os.replace(tmp, target)
        return
    tmp.unlink()


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0o666 minus the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); harmless to skip where directories cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
