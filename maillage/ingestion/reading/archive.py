"""Safe opening of the ZIP archives DOCX and ODT files are: the number of parts, the size they
expand to and the compression ratio are checked against the declared sizes first, then again while
inflating, in chunks with a running total, since a hostile archive can lie in its headers."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.utils.translation import gettext as _

from ..found import UnreadableDocument
from . import limits


def damaged(format_label: str) -> UnreadableDocument:
    return UnreadableDocument(
        _(
            "Ce fichier %(format)s est endommagé ou n'est pas un vrai fichier %(format)s : il ne "
            "peut pas être ouvert. Ouvrez-le dans votre traitement de texte, enregistrez-le à "
            "nouveau, puis importez-le."
        )
        % {"format": format_label}
    )


def bomb() -> UnreadableDocument:
    return UnreadableDocument(
        _(
            "Ce fichier ressemble à une bombe de décompression : une fois décompressé, il "
            "dépasserait les limites acceptées (%(entries)s parties, %(megabytes)s Mo, un taux de "
            "compression de %(ratio)s). Il n'a pas été lu."
        )
        % {
            "entries": f"{limits.MAX_ARCHIVE_ENTRIES:,}".replace(",", "\u202f"),
            "megabytes": limits.MAX_EXPANDED_MEGABYTES,
            "ratio": limits.MAX_COMPRESSION_RATIO,
        }
    )


_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_END_OF_DIRECTORY = b"PK\x06\x06"
_END_SEARCH_BYTES = 22 + 0xFFFF  # the record and the longest archive comment


def check_directory(data: bytes) -> None:
    """Refuse an archive declaring too many parts, or a directory too large for that many, before
    the directory is parsed: a 50 MB file can hold a million entries while its end record claims
    one, and parsing them all costs far more memory than the file."""
    tail = data[-_END_SEARCH_BYTES:]
    end = tail.rfind(_END_OF_DIRECTORY)
    if end < 0 or len(tail) < end + 16:
        return  # no directory: the ZIP reader will call the file damaged
    entries, directory_bytes = struct.unpack("<HI", tail[end + 10 : end + 16])
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:  # ZIP64: see its own record
        end64 = tail.rfind(_ZIP64_END_OF_DIRECTORY, 0, end)
        if end64 >= 0 and len(tail) >= end64 + 48:
            entries, directory_bytes = struct.unpack("<QQ", tail[end64 + 32 : end64 + 48])
    if entries > limits.MAX_ARCHIVE_ENTRIES or directory_bytes > limits.MAX_CENTRAL_DIRECTORY_BYTES:
        raise bomb()


class SafeArchive:
    """A ZIP archive read part by part within the limits; `format_label` names it in messages."""

    def __init__(self, archive: zipfile.ZipFile, format_label: str) -> None:
        self.format_label = format_label
        self._zip = archive
        infos = archive.infolist()
        if len(infos) > limits.MAX_ARCHIVE_ENTRIES:
            raise bomb()
        if sum(info.file_size for info in infos) > limits.MAX_EXPANDED_BYTES:
            raise bomb()
        if any(_too_compressed(info.file_size, info.compress_size) for info in infos):
            raise bomb()
        self._infos = {info.filename: info for info in infos}
        self._expanded = 0

    @classmethod
    def open(cls, data: bytes, format_label: str) -> SafeArchive | None:
        """The archive, or None when the bytes are not a readable ZIP; raises `UnreadableDocument`
        when it exceeds the limits. The directory is parsed once, here."""
        check_directory(data)
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            return None
        return cls(archive, format_label)

    @property
    def names(self) -> set[str]:
        return set(self._infos)

    def size(self, name: str) -> int:
        """The declared expanded size of a part (0 when absent); `read` checks the real one."""
        info = self._infos.get(name)
        return info.file_size if info is not None else 0

    def read(self, name: str) -> bytes | None:
        """The part's bytes, or None when the archive has no such part."""
        info = self._infos.get(name)
        if info is None:
            return None
        chunks = []
        entry_bytes = 0
        try:
            with self._zip.open(info) as entry:
                while chunk := entry.read(limits.READ_CHUNK_BYTES):
                    entry_bytes += len(chunk)
                    self._expanded += len(chunk)
                    if self._expanded > limits.MAX_EXPANDED_BYTES or _too_compressed(
                        entry_bytes, info.compress_size
                    ):
                        raise bomb()
                    chunks.append(chunk)
        except (
            zipfile.BadZipFile,
            NotImplementedError,  # a compression method no word processor uses
            RuntimeError,  # an encrypted part
            OSError,
            zlib.error,
            EOFError,
        ) as error:
            raise damaged(self.format_label) from error
        return b"".join(chunks)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _too_compressed(expanded: int, compressed: int) -> bool:
    if expanded < limits.RATIO_CHECK_FROM_BYTES:
        return False
    return expanded > limits.MAX_COMPRESSION_RATIO * max(compressed, 1)
