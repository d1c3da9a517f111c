"""The OpenStreetMap part of the upload gate: sniffing, and the private copy libosmium reads.

Used by :mod:`geo.io.uploads` (recognising OSM content by its first bytes) and
:mod:`geo.io.osm_reader` (the private temporary file).

Formats: PBF (a ``BlobHeader`` of type ``OSMHeader``), XML (``<osm``), and XML compressed
with gzip or bzip2 (``.osm.gz``, ``.osm.bz2``: only the start is decompressed, at most
:data:`SNIFF_BYTES` bytes of output, so a compression bomb costs nothing here).
"""

from __future__ import annotations

import bz2
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["OSM_SUFFIXES", "SNIFF_BYTES", "decompressed_head", "osm_format", "private_copy"]

#: File name ending per libosmium format name.
OSM_SUFFIXES: dict[str, str] = {"pbf": ".osm.pbf", "osm": ".osm", "osm.gz": ".osm.gz",
                                "osm.bz2": ".osm.bz2"}

#: Decompressed bytes looked at when sniffing compressed XML.
SNIFF_BYTES = 65_536
_GZIP = b"\x1f\x8b"
_BZIP2 = b"BZh"


def _is_pbf(head: bytes) -> bool:
    if len(head) < 14:
        return False
    size = int.from_bytes(head[:4], "big")
    return 0 < size < 65_536 and b"OSMHeader" in head[4:4 + min(size, 64)]


def is_osm_xml(head: bytes) -> bool:
    """Whether ``head`` starts an OSM XML document (BOM, whitespace, ``<?xml …?>`` allowed)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<?xml"):
        end = text.find(b"?>")
        text = text[end + 2:].lstrip() if end >= 0 else b""
    return text.startswith(b"<osm") and text[4:5] in (b" ", b">", b"\t", b"\r", b"\n")


def decompressed_head(raw: bytes) -> bytes | None:
    """The first decompressed bytes of gzip or bzip2 content (``None``: not compressed).

    Returns ``b""`` when the content is compressed but its start cannot be decompressed
    (corrupt, or too short for the first bzip2 block).
    """
    try:
        if raw.startswith(_GZIP):
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw, SNIFF_BYTES)
        if raw.startswith(_BZIP2) and raw[3:4].isdigit():
            return bz2.BZ2Decompressor().decompress(raw, max_length=SNIFF_BYTES)
    except (OSError, EOFError, ValueError, zlib.error):
        return b""
    return None


def osm_format(raw: bytes, *, partial: bool = False) -> str | None:
    """The libosmium format name of OSM content, or ``None`` when it is not OSM.

    Parameters
    ----------
    raw
        The content (or its start).
    partial
        ``raw`` is only the start of the file: compressed content whose first block does
        not fit in it is accepted as ``"osm.bz2"``/``"osm.gz"`` (the full read decides).

    Returns
    -------
    str or None
        ``"pbf"``, ``"osm"``, ``"osm.gz"`` or ``"osm.bz2"``.

    Examples
    --------
    >>> osm_format(b'<?xml version="1.0"?> <osm version="0.6">'), osm_format(b"naam;type")
    ('osm', None)
    """
    if _is_pbf(raw[:4096]):
        return "pbf"
    if is_osm_xml(raw[:4096]):
        return "osm"
    head = decompressed_head(raw)
    if head is None:
        return None
    fmt = "osm.gz" if raw.startswith(_GZIP) else "osm.bz2"
    if is_osm_xml(head[:4096]) or (partial and not head):
        return fmt
    return None


@contextmanager
def private_copy(raw: bytes, fmt: str) -> Iterator[str]:
    """A private temporary file holding ``raw``, removed afterwards.

    libosmium reads a file with its threaded decoder about five times faster than the
    same content from memory (``osmium.io.FileBuffer``: 13 s against 2 s for one pass
    over a 40 MB PBF), so vetted bytes are written to a fresh directory only this
    process can read (``tempfile.mkdtemp``, mode 0700) under a fixed name; a user path is
    never handed to libosmium.

    Parameters
    ----------
    raw
        Content that passed :func:`geo.io.uploads.load_osm_bytes`.
    fmt
        Its format (:func:`osm_format`), which sets the file ending.

    Yields
    ------
    str
        The path of the copy.
    """
    folder = tempfile.mkdtemp(prefix="woonzorgatlas-osm-")
    try:
        path = os.path.join(folder, "extract" + OSM_SUFFIXES[fmt])
        with open(path, "xb") as fh:
            fh.write(raw)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
