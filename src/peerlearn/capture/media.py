"""What kind of audio or video file an upload is, from its first bytes.

The name and the browser's Content-Type are the uploader's word; the bytes are not.
Only containers a browser can play or a transcriber can read are kept.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaKind:
    extension: str
    content_type: str


def sniff_media(head: bytes) -> MediaKind | None:
    """The kind of recording whose file starts with `head` (at least 12 bytes), or None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return MediaKind("m4a", "audio/mp4")
        return MediaKind("mp4", "video/mp4")  # isom, mp41, mp42, avc1, qt …
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if b"webm" in head[:64]:
            return MediaKind("webm", "video/webm")
        return MediaKind("mkv", "video/x-matroska")
    if head.startswith(b"OggS"):
        return MediaKind("ogg", "audio/ogg")
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return MediaKind("wav", "audio/wav")
    if head.startswith(b"fLaC"):
        return MediaKind("flac", "audio/flac")
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return MediaKind("mp3", "audio/mpeg")
    return None
