"""How much a file may weigh before and after decompression: an import reads files sent by
anyone, so every limit is checked before the work it protects."""

from __future__ import annotations

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FILE_MEGABYTES = MAX_FILE_BYTES // (1024 * 1024)


def too_large_message() -> str:
    """Why a file over `MAX_FILE_BYTES` is refused, whether the upload or the reader sees it."""
    return _("Le fichier dépasse %(megabytes)s Mo : il est trop volumineux pour être importé.") % {
        "megabytes": MAX_FILE_MEGABYTES
    }


# A DOCX or ODT is a ZIP archive: a real document has a few dozen parts and rarely expands to more
# than a few megabytes; a ZIP bomb expands a few kilobytes into gigabytes.
MAX_ARCHIVE_ENTRIES = 2_000
# An XML part parsed as a tree costs about 17 times its size in memory.
MAX_EXPANDED_BYTES = 30 * 1024 * 1024
MAX_EXPANDED_MEGABYTES = MAX_EXPANDED_BYTES // (1024 * 1024)
# A directory entry takes 46 bytes plus its name: 300 bytes each is generous for real names.
MAX_CENTRAL_DIRECTORY_BYTES = MAX_ARCHIVE_ENTRIES * 300
MAX_COMPRESSION_RATIO = 200
# Below this many expanded bytes a high ratio is harmless (small XML parts compress well).
RATIO_CHECK_FROM_BYTES = 1024 * 1024
READ_CHUNK_BYTES = 64 * 1024

# A PDF whose pages hold fewer characters than this on average has no real text layer.
MIN_PDF_CHARACTERS_PER_PAGE = 20
# Text extraction takes about 25 ms a page: beyond this a file would hold a worker for minutes.
MAX_PDF_PAGES = 2_000

# The 2015 report holds 727 000 characters; a document a hundred times longer is not one a person
# wrote, but a file built to hold a worker (nested tables, pages repeating one huge stream).
MAX_TEXT_CHARACTERS = 5_000_000
# A dense page holds about 5 000 characters.
MAX_PDF_PAGE_CHARACTERS = 100_000
# Checked between pages: a single page's extraction is not interrupted.
MAX_PDF_SECONDS = 60
