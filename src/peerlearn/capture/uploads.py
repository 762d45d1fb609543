"""Streaming a recording upload to disk with a size limit.

Django's default handlers keep small files in memory and spool large ones to a
temporary file; this handler, put first, stops the upload as soon as it passes the
limit, so a huge file is refused without being written out. A request whose declared
length is already too large is refused before anything is read.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


class SizeLimitHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data  # the next handler (temporary file) keeps it

    def file_complete(self, file_size: int) -> None:
        return None


def declared_too_large(request: HttpRequest, limit: int) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > limit + 64 * 1024  # multipart headers and the other fields
