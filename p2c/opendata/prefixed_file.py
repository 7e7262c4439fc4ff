"""A file read as a few bytes followed by a file on disk, without writing those bytes anywhere.

`/data/pledges-excel.csv` is the byte order mark (3 bytes) followed by exactly the bytes of the written
`pledges.csv`. Writing it as a file of its own cost 583 MB more written and fsynced at 1M pledges (issue 19);
the worker writes only the CSV, and the web serves the excel download as `PrefixedFile(BOM, csv_path)`.

`PrefixedFile(prefix, path)` is a read-only, seekable, unbuffered binary file (`io.RawIOBase`) whose
content is `prefix + <the bytes of path>`. Positions, offsets and `size` are in bytes; position 0 is the
first byte of the prefix; `size` is len(prefix) + the file's size when it was opened (the written files
are never changed once published); `mtime` is the file's modification time (seconds since the epoch,
the Last-Modified a path would get). `seek` may go past the end (reads there give b""), as with a file.

It has no `fileno()` (`io.UnsupportedOperation`, as for any `RawIOBase`) on purpose: gunicorn's file
wrapper sends a response body with `os.sendfile` whenever it has a descriptor, which would send the CSV
file without its prefix.
"""

from __future__ import annotations

import io
import os


class PrefixedFile(io.RawIOBase):
    """`prefix` (bytes) then the file at `path`, read as one file of `size` bytes."""

    def __init__(self, prefix: bytes, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self._prefix = bytes(prefix)
        self._file: io.FileIO | None = None  # set before anything can fail: close() runs from __del__ too
        self._file = io.FileIO(path, "rb")
        stat = os.fstat(self._file.fileno())
        self.size = len(self._prefix) + stat.st_size
        self.mtime = stat.st_mtime
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        self._check_open()
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._check_open()
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = self.size + offset
        else:
            raise ValueError(f"invalid whence ({whence!r})")
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        self._position = position
        return position

    def readinto(self, buffer) -> int:
        """Fill `buffer` from the current position: the rest of the prefix first, then the file. Returns
        the number of bytes read (fewer than asked only at the end, 0 there)."""
        self._check_open()
        view = memoryview(buffer).cast("B")
        done = 0
        if self._position < len(self._prefix):
            head = self._prefix[self._position:self._position + len(view)]
            view[:len(head)] = head
            done = len(head)
        if done < len(view):
            # The file's own position is not trusted (a seek only moves ours): set it for every read.
            self._file.seek(self._position + done - len(self._prefix))
            done += self._file.readinto(view[done:]) or 0
        self._position += done
        return done

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file.")
