#!/usr/bin/env python3
"""Turns a TXT tract into a DOCX, an ODT or an HTML page, as a word
processor or a web editor would write it, for the extractor tests (Python
standard library only; the output is byte for byte reproducible).

    mkoffice.py docx IN.txt OUT.docx [--title T] [--author A]
    mkoffice.py odt  IN.txt OUT.odt  [--title T] [--author A]
    mkoffice.py html IN.txt OUT.html [--title T] [--author A]
                                     [--charset utf-8|windows-1252|none]
    mkoffice.py docx-body IN.xml OUT.docx    (IN: the inside of w:body)
    mkoffice.py odt-body  IN.xml OUT.odt     (IN: the inside of office:text)

The TXT tract: one line per paragraph, blank lines between paragraphs.
  - a paragraph whose lines all start with a list marker ("- ", "• ",
    "– ", "* ") becomes a list (DOCX numbering, ODT text:list, HTML ul/li),
    the markers left out of the text: lists of "- " get their numbering
    on each paragraph (w:numPr), lists of "• " through a list paragraph
    style (ListBullet), the two ways Word writes them;
  - a paragraph whose lines all hold a tab becomes a table: a row per
    line, a cell per tab-separated field;
  - a paragraph of one line in capitals becomes a heading;
  - any other paragraph becomes one paragraph, its lines joined by
    explicit line breaks (w:br, text:line-break, br).
DOCX runs are split at arbitrary places inside words, some of them bold,
as Word's editing history leaves them; ODT gets a few bold spans; HTML
source lines are wrapped at 72 columns and indented.

The XML is checked with xml.etree before it is written."""
import argparse
import random
import re
import sys
import zipfile
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

STAMP = (2019, 11, 20, 9, 30, 0)
CREATED = "2019-11-20T09:30:00Z"
MODIFIED = "2019-11-21T18:05:00Z"
MARKERS = ("- ", "\u2022 ", "\u2013 ", "* ")


# ---- the tract ---------------------------------------------------------------

def read_tract(path):
    """The tract's blocks: (kind, data) with kind "list" (items), "table"
    (rows of cells), "heading" (a line) or "para" (lines)."""
    with open(path, encoding="utf-8-sig") as f:
        text = f.read().replace("\r\n", "\n").replace("\r", "\n")
    blocks = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = [ln.rstrip(" \t") for ln in chunk.split("\n") if ln.strip()]
        if not lines:
            continue
        if all(ln.startswith(MARKERS) for ln in lines):
            bullet = lines[0][0]
            blocks.append(("list", (bullet, [ln[2:].lstrip(" ") for ln in lines])))
        elif all("\t" in ln for ln in lines):
            blocks.append(("table", [ln.split("\t") for ln in lines]))
        elif len(lines) == 1 and is_title(lines[0]):
            blocks.append(("heading", lines[0]))
        else:
            blocks.append(("para", lines))
    return blocks


def is_title(line):
    upper = sum(1 for c in line if c.isupper())
    return upper >= 2 and not any(c.islower() for c in line)


# ---- zip ---------------------------------------------------------------------

def write_zip(path, members):
    """members: (name, bytes, stored); written in that order with fixed
    times and attributes."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data, stored in members:
            zi = zipfile.ZipInfo(name, date_time=STAMP)
            zi.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            zi.create_system = 0
            zi.external_attr = 0
            z.writestr(zi, data)


def xml_bytes(text):
    """The XML text as UTF-8, after checking that it parses."""
    data = text.encode("utf-8")
    ET.fromstring(data)
    return data


# ---- DOCX --------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOC_NS = ('xmlns:w="%s" xmlns:r="%s" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml" '
          'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
          'mc:Ignorable="w14"' % (W, R))

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>\
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
</Types>"""

RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>\
</Relationships>"""

DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
</Relationships>"""

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="%s">\
<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="fr-FR"/></w:rPr></w:rPrDefault></w:docDefaults>\
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>\
<w:style w:type="paragraph" w:styleId="Titre1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>\
<w:next w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style>\
<w:style w:type="paragraph" w:styleId="Paragraphedeliste"><w:name w:val="List Paragraph"/>\
<w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="720"/><w:contextualSpacing/></w:pPr></w:style>\
<w:style w:type="paragraph" w:styleId="Listepuces"><w:name w:val="List Bullet"/>\
<w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr><w:tabs><w:tab w:val="num" w:pos="360"/></w:tabs></w:pPr></w:style>\
<w:style w:type="paragraph" w:styleId="Listepuces2"><w:name w:val="List Bullet 2"/>\
<w:basedOn w:val="Listepuces"/></w:style>\
<w:style w:type="paragraph" w:styleId="Titre2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/>\
<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="1"/></w:pPr></w:style>\
<w:style w:type="table" w:styleId="Grilledutableau"><w:name w:val="Table Grid"/></w:style>\
</w:styles>""" % W

NUMBERING = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="%s">\
<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>\
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2013"/>\
<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>\
<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="singleLevel"/>\
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/>\
<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr>\
<w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr></w:lvl></w:abstractNum>\
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>\
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>\
</w:numbering>""" % W

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
%s<dc:subject></dc:subject>%s<cp:keywords></cp:keywords>\
<cp:lastModifiedBy>Secr\u00e9tariat</cp:lastModifiedBy><cp:revision>3</cp:revision>\
<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>\
<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>\
</cp:coreProperties>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Template>Normal.dotm</Template><TotalTime>42</TotalTime><Pages>%d</Pages><Words>%d</Words>\
<Application>Microsoft Office Word</Application><DocSecurity>0</DocSecurity>\
<AppVersion>16.0000</AppVersion></Properties>"""


def w_t(text):
    sp = ' xml:space="preserve"' if text != text.strip(" ") or "  " in text else ""
    return "<w:t%s>%s</w:t>" % (sp, escape(text))


def docx_runs(text, rng):
    """The line as runs, split every few words at a place inside a word,
    some of them bold (with a proofing mark now and then)."""
    out = []
    i = 0
    while i < len(text):
        # the next cut: a few words on, inside a word when there is one
        j = i
        for _ in range(rng.randint(1, 4)):
            k = text.find(" ", j + 1)
            j = len(text) if k < 0 else k
        if j < len(text):
            word_end = text.find(" ", j + 1)
            word_end = len(text) if word_end < 0 else word_end
            if word_end - j > 3:
                j = rng.randint(j + 2, word_end - 1)
        chunk = text[i:j]
        rpr = '<w:rPr><w:b/><w:bCs/></w:rPr>' if rng.random() < 0.25 else \
            '<w:rPr><w:lang w:val="fr-FR"/></w:rPr>'
        if rng.random() < 0.1:
            out.append('<w:proofErr w:type="spellStart"/>')
        out.append("<w:r>%s%s</w:r>" % (rpr, w_t(chunk)))
        i = j
    return "".join(out)


def docx_para(lines, rng, ppr=""):
    runs = '<w:r><w:br/></w:r>'.join(docx_runs(ln, rng) for ln in lines)
    return '<w:p w14:paraId="%08X" w:rsidR="00A1%04d">%s%s</w:p>' % (
        rng.getrandbits(31), rng.randint(0, 9999), ppr, runs)


def docx_document(blocks):
    rng = random.Random(1905)
    body = ['<w:p><w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/></w:p>']
    for kind, data in blocks:
        if kind == "heading":
            body.append(docx_para([data], rng, '<w:pPr><w:pStyle w:val="Titre1"/></w:pPr>'))
        elif kind == "para":
            body.append(docx_para(data, rng, '<w:pPr><w:spacing w:after="120"/><w:tabs>'
                                  '<w:tab w:val="left" w:pos="2835"/></w:tabs></w:pPr>'))
        elif kind == "list":
            bullet, items = data
            if bullet == "\u2022":  # numbering through the paragraph style
                ppr = '<w:pPr><w:pStyle w:val="Listepuces"/></w:pPr>'
            else:
                ppr = ('<w:pPr><w:pStyle w:val="Paragraphedeliste"/><w:numPr><w:ilvl w:val="0"/>'
                       '<w:numId w:val="1"/></w:numPr></w:pPr>')
            body.extend(docx_para([it], rng, ppr) for it in items)
        elif kind == "table":
            ncol = max(len(r) for r in data)
            rows = ['<w:tblPr><w:tblStyle w:val="Grilledutableau"/><w:tblW w:w="0" w:type="auto"/>'
                    '</w:tblPr><w:tblGrid>%s</w:tblGrid>' % ('<w:gridCol w:w="4531"/>' * ncol)]
            for r in data:
                cells = "".join('<w:tc><w:tcPr><w:tcW w:w="4531" w:type="dxa"/></w:tcPr>%s</w:tc>'
                                % docx_para([c], rng) for c in r)
                rows.append("<w:tr>%s</w:tr>" % cells)
            body.append("<w:tbl>%s</w:tbl>" % "".join(rows))
            body.append("<w:p/>")  # Word always ends a table with a paragraph
    return docx_wrap("".join(body))


def docx_wrap(body):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document %s><w:body>%s<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417"/></w:sectPr>'
            '</w:body></w:document>' % (DOC_NS, body))


def write_docx(out, document, title=None, author=None, words=0):
    core = CORE % ("<dc:title>%s</dc:title>" % escape(title) if title else "",
                   "<dc:creator>%s</dc:creator>" % escape(author) if author else "",
                   CREATED, MODIFIED)
    write_zip(out, [
        ("[Content_Types].xml", xml_bytes(CONTENT_TYPES), False),
        ("_rels/.rels", xml_bytes(RELS), False),
        ("word/document.xml", xml_bytes(document), False),
        ("word/_rels/document.xml.rels", xml_bytes(DOC_RELS), False),
        ("word/styles.xml", xml_bytes(STYLES), False),
        ("word/numbering.xml", xml_bytes(NUMBERING), False),
        ("docProps/core.xml", xml_bytes(core), False),
        ("docProps/app.xml", xml_bytes(APP % (1 + words // 500, words)), False),
    ])


# ---- ODT ---------------------------------------------------------------------

ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
          'xmlns:xlink="http://www.w3.org/1999/xlink" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
          'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0" '
          'office:version="1.3"')

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" \
manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

ODT_STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles %s><office:styles>\
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>\
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" \
style:default-outline-level="1"><style:text-properties fo:font-weight="bold"/></style:style>\
</office:styles></office:document-styles>""" % ODT_NS

ODT_AUTO = """<office:automatic-styles>\
<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Standard"/>\
<style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>\
<text:list-style style:name="L1"><text:list-level-style-bullet text:level="1" text:bullet-char="\u2022">\
<style:list-level-properties text:list-level-position-and-space-mode="label-alignment"/>\
</text:list-level-style-bullet></text:list-style>\
</office:automatic-styles>"""

ODT_META = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta %s><office:meta>\
<meta:initial-creator>%s</meta:initial-creator><meta:creation-date>2019-11-20T09:30:00</meta:creation-date>\
<dc:date>2019-11-21T18:05:00</dc:date><dc:creator>Secr\u00e9tariat</dc:creator>%s\
<meta:editing-cycles>3</meta:editing-cycles>\
<meta:generator>LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2</meta:generator>\
<meta:document-statistic meta:table-count="0" meta:page-count="%d" meta:paragraph-count="0" \
meta:word-count="%d"/></office:meta></office:document-meta>"""


def odf_text(text):
    """Text for an ODF paragraph: spaces after the first of a run and at the
    start as text:s, tabs as text:tab."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == " ":
            j = i
            while j < len(text) and text[j] == " ":
                j += 1
            n = j - i
            if i > 0:
                out.append(" ")
                n -= 1
            if n:
                out.append('<text:s/>' if n == 1 else '<text:s text:c="%d"/>' % n)
            i = j
        elif c == "\t":
            out.append("<text:tab/>")
            i += 1
        else:
            j = i
            while j < len(text) and text[j] not in " \t":
                j += 1
            out.append(escape(text[i:j]))
            i = j
    return "".join(out)


def odt_line(line, rng):
    """A line with a bold span around a word now and then."""
    words = line.split(" ")
    if len(words) > 3 and rng.random() < 0.5:
        k = rng.randrange(len(words))
        return (odf_text(" ".join(words[:k]) + (" " if k else "")) +
                '<text:span text:style-name="T1">%s</text:span>' % odf_text(words[k]) +
                odf_text((" " if k + 1 < len(words) else "") + " ".join(words[k + 1:])))
    return odf_text(line)


def odt_content(blocks):
    rng = random.Random(1936)
    body = ['<text:sequence-decls><text:sequence-decl text:display-outline-level="0" '
            'text:name="Illustration"/></text:sequence-decls>']
    tables = 0
    for kind, data in blocks:
        if kind == "heading":
            body.append('<text:h text:style-name="Heading_20_1" text:outline-level="1">%s</text:h>'
                        % odt_line(data, rng))
        elif kind == "para":
            body.append('<text:p text:style-name="P1">%s</text:p>'
                        % "<text:line-break/>".join(odt_line(ln, rng) for ln in data))
        elif kind == "list":
            body.append('<text:list xml:id="list%d" text:style-name="L1">%s</text:list>' % (
                rng.randrange(10 ** 9), "".join(
                    '<text:list-item><text:p text:style-name="P1">%s</text:p></text:list-item>'
                    % odt_line(it, rng) for it in data[1])))
        elif kind == "table":
            tables += 1
            ncol = max(len(r) for r in data)
            rows = "".join("<table:table-row>%s</table:table-row>" % "".join(
                '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>'
                % odt_line(c, rng) for c in r) for r in data)
            body.append('<table:table table:name="Tableau%d"><table:table-column '
                        'table:number-columns-repeated="%d"/>%s</table:table>' % (tables, ncol, rows))
    return odt_wrap("".join(body))


def odt_wrap(body):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content %s>'
            '<office:scripts/><office:font-face-decls/>%s<office:body><office:text>%s'
            '</office:text></office:body></office:document-content>' % (ODT_NS, ODT_AUTO, body))


def write_odt(out, content, title=None, author=None, words=0):
    meta = ODT_META % (ODT_NS, escape(author or ""),
                       "<dc:title>%s</dc:title>" % escape(title) if title else "",
                       1 + words // 500, words)
    write_zip(out, [
        ("mimetype", b"application/vnd.oasis.opendocument.text", True),
        ("content.xml", xml_bytes(content), False),
        ("styles.xml", xml_bytes(ODT_STYLES), False),
        ("meta.xml", xml_bytes(meta), False),
        ("META-INF/manifest.xml", xml_bytes(MANIFEST), False),
    ])


# ---- HTML --------------------------------------------------------------------

def wrap(text, indent, width=72):
    """Source lines of at most width columns, cut at ASCII spaces only."""
    lines, cur = [], indent
    for w in text.split(" "):
        if len(cur) + len(w) + 1 > width and cur.strip():
            lines.append(cur)
            cur = indent
        cur += ("" if not cur.strip() else " ") + w
    lines.append(cur)
    return "\n".join(lines)


def html_page(blocks, title=None, author=None, charset="utf-8"):
    head = ['<!DOCTYPE html>', '<html lang="fr">', '<head>']
    if charset != "none":
        head.append('  <meta charset="%s">' % charset)
    if title:
        head.append("  <title>%s</title>" % escape(title))
    if author:
        head.append('  <meta name="author" content=%s>' % quoteattr(author))
    head += ['  <meta name="viewport" content="width=device-width">',
             '  <style>body { font-family: sans-serif } p { margin: 0 0 1em }</style>',
             '  <script>var notText = "<p>pas du texte</p>";</script>',
             '</head>', '<body>', '<!-- mis en page par le syndicat -->']
    body = []
    for kind, data in blocks:
        if kind == "heading":
            body.append("<h1>%s</h1>" % escape(data))
        elif kind == "para":
            body.append("<p>\n%s\n</p>" % "<br>\n".join(wrap(escape(ln), "  ") for ln in data))
        elif kind == "list":
            body.append("<ul>\n%s\n</ul>" % "\n".join(
                "  <li>%s</li>" % escape(it) for it in data[1]))
        elif kind == "table":
            body.append("<table>\n%s\n</table>" % "\n".join(
                "  <tr>%s</tr>" % "".join("<td>%s</td>" % escape(c) for c in r) for r in data))
    page = "\n".join(head + body + ["</body>", "</html>", ""])
    enc = "cp1252" if charset == "windows-1252" else "utf-8"
    return page.encode(enc, errors="xmlcharrefreplace")


# ---- main --------------------------------------------------------------------

def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kind", choices=["docx", "odt", "html", "docx-body", "odt-body"])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--title")
    ap.add_argument("--author")
    ap.add_argument("--charset", default="utf-8", choices=["utf-8", "windows-1252", "none"])
    a = ap.parse_args(argv)
    if a.kind in ("docx-body", "odt-body"):
        with open(a.input, encoding="utf-8") as f:
            inner = f.read()
        if a.kind == "docx-body":
            write_docx(a.output, docx_wrap(inner), a.title, a.author)
        else:
            write_odt(a.output, odt_wrap(inner), a.title, a.author)
        return 0
    blocks = read_tract(a.input)
    words = sum(len(" ".join(str(d) for d in data).split()) for _, data in blocks)
    if a.kind == "docx":
        write_docx(a.output, docx_document(blocks), a.title, a.author, words)
    elif a.kind == "odt":
        write_odt(a.output, odt_content(blocks), a.title, a.author, words)
    else:
        with open(a.output, "wb") as f:
            f.write(html_page(blocks, a.title, a.author, a.charset))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
