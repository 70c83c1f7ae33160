"""The one way a build puts a file in place: whole, atomically, and only when it changed.

Written beside its target, flushed to disk, then renamed over it: a crash or a failed build never
leaves half a file under its name, and a file whose bytes are unchanged keeps its mtime.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomically(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` in one step; leave it alone (mtime too) if unchanged."""
    path = Path(path)
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes owner-only files; outputs are shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
