#!/usr/bin/env python3
"""hostile_pdf.py OUTDIR: writes small hand-made PDFs, one good and the rest
hostile, for the tests of engine/extract_pdf.c. Standard library only; the
same bytes on every run.

  good.pdf        one page, "Bonjour le monde." in Helvetica (the reference)
  truncated.pdf   a real two-page PDF cut in half
  badxref.pdf     good.pdf with garbage where the xref table should be
  random.pdf      "%PDF-1.7" then random bytes
  count.pdf       a page tree whose /Count claims 1000000000 pages
  nested.pdf      a page holding 100000 nested arrays, and an object of
                  100000 nested dictionaries (in a compressed object stream)
  bomb.pdf        a content stream that inflates to 1 GB of zeros (Flate
                  three times over, so the file stays at a few KB)
  cycle.pdf       a page tree whose /Kids point back to the root
"""
import os
import random
import sys
import zlib


def pdf(objects, trailer_extra=b"", xref=None):
    """A PDF from objects (bytes bodies, numbered from 1): header, objects,
    an xref table (or xref, bytes put in its place), trailer."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    start = len(out)
    if xref is None:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for off in offsets:
            out += b"%010d 00000 n \n" % off
    else:
        out += xref
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer_extra, start)
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def text_page(parent, contents, font):
    return (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (parent, contents, font))


def show(lines):
    ops = b"BT /F1 12 Tf 72 770 Td 14 TL\n"
    for line in lines:
        ops += b"(" + line + b") Tj T*\n"
    return ops + b"ET"


def one_page(text, count=1):
    """The objects of a one-page PDF showing text; the page tree claims count pages."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
        text_page(2, 4, 5),
        stream(show([text])),
        FONT,
    ]


def good():
    return pdf(one_page(b"Bonjour le monde."))


def two_pages():
    lines = [b"Ligne %d d'un texte assez long pour remplir la page." % i for i in range(40)]
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        text_page(2, 5, 7),
        text_page(2, 6, 7),
        stream(show(lines[:20])),
        stream(show(lines[20:])),
        FONT,
    ])


def badxref():
    rnd = random.Random(7)
    junk = bytes(rnd.randrange(256) for _ in range(120))
    return pdf(one_page(b"Bonjour le monde."), xref=junk + b"\n")


def random_bytes():
    rnd = random.Random(42)
    return b"%PDF-1.7\n" + bytes(rnd.randrange(256) for _ in range(4096))


def count():
    return pdf(one_page(b"Une page sur un milliard annonce.", count=1000000000))


def pdf_objstm(objects, packed):
    """A PDF 1.5 from objects (bytes bodies, numbered from 1) where those
    whose numbers are in packed go, compressed, into an object stream, with
    a cross-reference stream: deep syntax that stays small on disk."""
    n = len(objects)
    stm, xref = n + 1, n + 2
    head, body = [], b""
    for i in sorted(packed):
        head.append(b"%d %d" % (i, len(body)))
        body += objects[i - 1] + b"\n"
    head = b" ".join(head) + b"\n"
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    index = {i: k for k, i in enumerate(sorted(packed))}
    data = zlib.compress(head + body, 9)
    all_objects = list(objects) + [
        b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(packed), len(head), len(data)) + data + b"\nendstream"]
    for i, obj in enumerate(all_objects, 1):
        if i in packed:
            rows.append(b"\x02" + stm.to_bytes(4, "big") + index[i].to_bytes(2, "big"))
        else:
            rows.append(b"\x01" + len(out).to_bytes(4, "big") + b"\x00\x00")
            out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    start = len(out)
    rows.append(b"\x01" + start.to_bytes(4, "big") + b"\x00\x00")
    table = b"".join(rows)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
            % (xref, xref + 1, len(table)) + table + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def nested():
    depth = 100000
    arrays = b"[" * depth + b"1" + b"]" * depth
    dicts = b"<< /A " * depth + b"1" + b" >>" * depth
    return pdf_objstm([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> /Deep " + arrays + b" >>",
        stream(show([b"Profond."])),
        FONT,
        b"<< /Deeper " + dicts + b" >>",
    ], {3, 6})


def gigabyte_of_zeros():
    """A zlib stream of 1 GB of zeros, made fast: 1024 raw deflate segments
    of 1 MB each, fully flushed so that each one stands alone."""
    mb = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    seg = c.compress(mb) + c.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    adler = 1
    for _ in range(1024):
        adler = zlib.adler32(mb, adler)
    return b"\x78\xda" + seg * 1024 + end + adler.to_bytes(4, "big")


def bomb():
    inner = gigabyte_of_zeros()
    outer = zlib.compress(zlib.compress(inner, 9), 9)  # Flate three times over
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        text_page(2, 4, 5),
        stream(outer, b"/Filter [/FlateDecode /FlateDecode /FlateDecode] "),
        FONT,
    ])


def cycle():
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
        text_page(2, 4, 5),
        stream(show([b"Avant le cycle."])),
        FONT,
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
    ])


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: hostile_pdf.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    full = two_pages()
    files = {
        "good.pdf": good(),
        "truncated.pdf": full[: len(full) // 2],
        "badxref.pdf": badxref(),
        "random.pdf": random_bytes(),
        "count.pdf": count(),
        "nested.pdf": nested(),
        "bomb.pdf": bomb(),
        "cycle.pdf": cycle(),
    }
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
