#!/usr/bin/env python3
"""Hostile DOCX, ODT and HTML files for the extractor tests (Python standard
library only; made here, never downloaded).

    hostile_xml.py OUTDIR        writes every one into OUTDIR, prints their names

  laughs.docx    billion laughs: nested entities in word/document.xml's DTD
  laughs.html    the same in an HTML page (HTML has no entity declarations)
  deep.docx      100,000 nested elements in word/document.xml (stored)
  deep.html      100,000 nested divs, the text at the bottom
  bomb.docx      word/document.xml is 1 GiB of spaces, deflated (about 1 MiB)
  cut.docx       cut in the middle of word/document.xml's data
  cut.odt        cut in the middle of content.xml's data
  nodoc.docx     a DOCX zip without word/document.xml
  notxml.odt     an ODT whose content.xml is not XML
"""
import os
import struct
import sys
import zlib
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkoffice  # noqa: E402

MIB = 1 << 20
LAUGHS = "".join(['<!ENTITY lol "lol">'] + [
    '<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % (i - 1 if i > 1 else "")) * 10) for i in range(1, 10)])


def laughs_docx(path):
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<!DOCTYPE w:document [%s]>\n<w:document xmlns:w="%s"><w:body><w:p><w:r>'
           '<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>' % (LAUGHS, mkoffice.W))
    zip_members(path, [("[Content_Types].xml", mkoffice.CONTENT_TYPES.encode()),
                       ("word/document.xml", doc.encode())])
    return path


def laughs_html(path):
    page = ('<!DOCTYPE html [%s]>\n<html><head><title>&lol9;</title></head>'
            '<body><p>Rire &lol9; jaune.</p></body></html>\n' % LAUGHS)
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    return path


def deep_docx(path, depth=100000):
    body = "<w:sdt><w:sdtContent>" * depth + "<w:p><w:r><w:t>fond</w:t></w:r></w:p>" + \
        "</w:sdtContent></w:sdt>" * depth
    # stored: deflated, the repetition would trip the ratio limit first
    mkoffice.write_zip(path, [("[Content_Types].xml", mkoffice.CONTENT_TYPES.encode(), False),
                              ("word/document.xml", mkoffice.docx_wrap(body).encode(), True)])
    return path


def deep_html(path, depth=100000):
    with open(path, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html>\n<html><body>" + "<div>" * depth + "Tout au fond." +
                "</div>" * depth + "</body></html>\n")
    return path


def zip_members(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, date_time=mkoffice.STAMP), data,
                       compress_type=zipfile.ZIP_DEFLATED)


def _raw_deflate(data, mode=zlib.Z_FULL_FLUSH):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(mode)


def bomb_docx(path, size=1 << 30):
    """[Content_Types].xml, then word/document.xml: a paragraph of `size`
    spaces. The deflate stream is made of independent pieces (each ends
    with a full flush), the same 1 MiB piece repeated, so it is written in
    a second; the zip is written by hand."""
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="%s">'
            '<w:body><w:p><w:r><w:t xml:space="preserve">' % mkoffice.W).encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    chunk = b" " * MIB
    piece = _raw_deflate(chunk)
    n = size // MIB
    crc = zlib.crc32(head)
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    bomb = (head, piece, n, _raw_deflate(tail, zlib.Z_FINISH))
    ct = mkoffice.CONTENT_TYPES.encode()
    entries = [("[Content_Types].xml", [_raw_deflate(ct, zlib.Z_FINISH)], zlib.crc32(ct), len(ct)),
               ("word/document.xml", None, crc, len(head) + n * MIB + len(tail))]
    with open(path, "wb") as f:
        central = []
        for name, parts, crc32, usize in entries:
            offset = f.tell()
            if parts is None:  # the bomb
                csize = len(_raw_deflate(bomb[0])) + len(bomb[1]) * bomb[2] + len(bomb[3])
            else:
                csize = sum(len(p) for p in parts)
            nm = name.encode()
            f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0x4D2E, 0x4F74, crc32,
                                csize, usize, len(nm), 0) + nm)
            if parts is None:
                f.write(_raw_deflate(bomb[0]))
                for _ in range(bomb[2]):
                    f.write(bomb[1])
                f.write(bomb[3])
            else:
                for p in parts:
                    f.write(p)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0x4D2E,
                                       0x4F74, crc32, csize, usize, len(nm), 0, 0, 0, 0, 0,
                                       offset) + nm)
        start = f.tell()
        for c in central:
            f.write(c)
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                            f.tell() - start, start, 0))
    return path


def _cut_inside(path, member):
    """Cuts the zip at path in the middle of member's compressed data."""
    with zipfile.ZipFile(path) as z:
        zi = z.getinfo(member)
    with open(path, "rb") as f:
        data = f.read()
    h = zi.header_offset
    name_len, extra_len = struct.unpack("<HH", data[h + 26:h + 30])
    at = h + 30 + name_len + extra_len + zi.compress_size // 2
    with open(path, "wb") as f:
        f.write(data[:at])
    return path


SAMPLE = ("TOUS EN GR\u00c8VE\n\nLe 5 d\u00e9cembre, nous serons en gr\u00e8ve "
          "pour nos retraites. " * 40 + "\n\n- un point\n- un autre\n")


def _sample(path, kind, outdir):
    txt = os.path.join(outdir, "sample.txt")
    with open(txt, "w", encoding="utf-8") as f:
        f.write(SAMPLE)
    blocks = mkoffice.read_tract(txt)
    os.remove(txt)
    if kind == "docx":
        mkoffice.write_docx(path, mkoffice.docx_document(blocks), "Titre", "Auteur")
    else:
        mkoffice.write_odt(path, mkoffice.odt_content(blocks), "Titre", "Auteur")
    return path


def cut_docx(path):
    return _cut_inside(_sample(path, "docx", os.path.dirname(path) or "."), "word/document.xml")


def cut_odt(path):
    return _cut_inside(_sample(path, "odt", os.path.dirname(path) or "."), "content.xml")


def nodoc_docx(path):
    zip_members(path, [("[Content_Types].xml", mkoffice.CONTENT_TYPES.encode()),
                       ("_rels/.rels", mkoffice.RELS.encode()),
                       ("word/document2.xml", mkoffice.docx_wrap("<w:p/>").encode())])
    return path


def notxml_odt(path):
    mkoffice.write_zip(path, [
        ("mimetype", b"application/vnd.oasis.opendocument.text", True),
        ("content.xml", b"<?xml version=\"1.0\"?>\n<office:document-content>\n<text:p>oops"
         b"</office:document-content>", False)])
    return path


ALL = {
    "laughs.docx": laughs_docx, "laughs.html": laughs_html, "deep.docx": deep_docx,
    "deep.html": deep_html, "bomb.docx": bomb_docx, "cut.docx": cut_docx, "cut.odt": cut_odt,
    "nodoc.docx": nodoc_docx, "notxml.odt": notxml_odt,
}


def main(argv):
    if len(argv) != 1:
        sys.stderr.write(__doc__)
        return 2
    os.makedirs(argv[0], exist_ok=True)
    for name, make in ALL.items():
        make(os.path.join(argv[0], name))
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
