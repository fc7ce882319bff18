/*
 * test_extract_office.c: unit tests of the DOCX and ODT extractors
 * (engine/extract_office.c, with engine/extract_xml.c). Fixtures are made
 * at run time in a fresh directory under $VIGIE_TEST_TMP by the generators
 * next to these tests (tests/formats/mkoffice.py for documents as a word
 * processor writes them, tests/formats/hostile_xml.py for hostile ones);
 * the tract and the text it must give, the scratch directory and the
 * checks are those of extract_fixtures.h.
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "extract_fixtures.h"
#include "harness.h"
#include "util.h"

/* ---- a tract --------------------------------------------------------------- */

/* Writes the tract as format ext ("docx", "odt") with a title and an
 * author, and checks what comes out: the text, and the metadata with
 * created and modified as the format gives them. */
static void check_tract(vg_format f, const char *ext, const char *created, const char *modified) {
  char file[32];
  snprintf(file, sizeof file, "tract.%s", ext);
  write_text("tract.txt", DOC_TRACT);
  python("mkoffice.py", "%s tract.txt %s --title 'Gr\u00e8ve du 5 d\u00e9cembre' "
                        "--author 'Union locale'", ext, file);
  size_t n;
  unsigned char *p = slurp(file, &n);
  CHECK(p && vg_format_sniff(p, n) == f);
  free(p);
  vg_extracted x = {0};
  CHECK_INT(extract_file(f, file, NULL, &x), 0);
  CHECK_STR(x.text.data, DOC_TRACT_TEXT);
  check_conventions(&x, 0);
  CHECK_STR(meta(&x, "title"), "Gr\u00e8ve du 5 d\u00e9cembre");
  CHECK_STR(meta(&x, "author"), "Union locale"); /* ODT: meta:initial-creator, not dc:creator */
  CHECK_STR(meta(&x, "created"), created);
  CHECK_STR(meta(&x, "modified"), modified);
  CHECK_STR(meta(&x, "pages"), "1");
  CHECK(meta(&x, "subject") == NULL); /* empty in the file: not given */
  CHECK_STR(x.warning, "");
  vg_extracted_free(&x);
}

static void test_docx_tract(void) {
  check_tract(VG_FORMAT_DOCX, "docx", "2019-11-20T09:30:00Z", "2019-11-21T18:05:00Z");
}

/* ODF dates carry no time zone. */
static void test_odt_tract(void) {
  check_tract(VG_FORMAT_ODT, "odt", "2019-11-20T09:30:00", "2019-11-21T18:05:00");
}

/* The generator writes the same bytes every time. */
static void test_reproducible(void) {
  write_text("tract.txt", DOC_TRACT);
  python("mkoffice.py", "docx tract.txt r1.docx");
  python("mkoffice.py", "docx tract.txt r2.docx");
  python("mkoffice.py", "odt tract.txt r1.odt");
  python("mkoffice.py", "odt tract.txt r2.odt");
  const char *pairs[][2] = {{"r1.docx", "r2.docx"}, {"r1.odt", "r2.odt"}};
  for (int i = 0; i < 2; i++) {
    size_t n1, n2;
    unsigned char *a = slurp(pairs[i][0], &n1), *b = slurp(pairs[i][1], &n2);
    CHECK(a && b && n1 == n2 && !memcmp(a, b, n1));
    free(a);
    free(b);
  }
  /* ODF: "mimetype" first, stored, so the magic is at byte 30 */
  size_t n;
  unsigned char *p = slurp("r1.odt", &n);
  CHECK(p && n > 38 && !memcmp(p + 30, "mimetypeapplication/vnd.oasis", 29));
  free(p);
}

/* ---- layout rules ------------------------------------------------------------ */

/* Writes body (the XML inside the document's body) as format ext ("docx",
 * "odt") and checks that the text extracted is want. */
static void check_layout(vg_format f, const char *ext, const char *body, const char *want) {
  write_text("body.xml", body);
  python("mkoffice.py", "%s-body body.xml layout.%s", ext, ext);
  char file[32];
  snprintf(file, sizeof file, "layout.%s", ext);
  vg_extracted x = {0};
  CHECK_INT(extract_file(f, file, NULL, &x), 0);
  CHECK_STR(x.text.data, want);
  check_conventions(&x, 0);
  vg_extracted_free(&x);
}

static void test_docx_layout(void) {
  check_layout(VG_FORMAT_DOCX, "docx",
    /* runs, deleted and inserted text, a tab */
    "<w:p><w:r><w:t xml:space=\"preserve\">  D\u00e9but </w:t></w:r><w:r><w:rPr><w:b/></w:rPr>"
    "<w:t>gras</w:t></w:r><w:del w:id=\"1\" w:author=\"X\"><w:r><w:delText>effac\u00e9</w:delText>"
    "</w:r></w:del><w:ins w:id=\"2\" w:author=\"X\"><w:r><w:t xml:space=\"preserve\"> ajout\u00e9"
    "</w:t></w:r></w:ins><w:r><w:tab/><w:t>tab</w:t></w:r></w:p>"
    /* a field (instruction left out, result kept), a hyperlink, hidden text */
    "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\">"
    " HYPERLINK \"https://x\" </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/>"
    "</w:r><w:r><w:t>lien</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r><w:r>"
    "<w:t xml:space=\"preserve\"> et </w:t></w:r><w:hyperlink r:id=\"rId9\"><w:r><w:t>hyperlien"
    "</w:t></w:r></w:hyperlink><w:r><w:rPr><w:vanish/></w:rPr><w:t>cach\u00e9</w:t></w:r></w:p>"
    /* line breaks, two in a row a blank line */
    "<w:p><w:r><w:t>ligne 1</w:t><w:br/><w:t>ligne 2</w:t><w:cr/><w:t>ligne 3</w:t><w:br/>"
    "<w:br/><w:t>apr\u00e8s un blanc</w:t></w:r></w:p>"
    /* empty and blank paragraphs */
    "<w:p/><w:p><w:r><w:t xml:space=\"preserve\">   </w:t></w:r></w:p><w:p><w:r><w:t>\u00a0</w:t>"
    "</w:r></w:p>"
    /* a list through a style's base style, a marker already there, numbering removed */
    "<w:p><w:pPr><w:pStyle w:val=\"Listepuces2\"/></w:pPr><w:r><w:t>par le style</w:t></w:r></w:p>"
    "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"2\"/></w:numPr></w:pPr><w:r>"
    "<w:t>- d\u00e9j\u00e0 marqu\u00e9</w:t></w:r></w:p>"
    "<w:p><w:pPr><w:pStyle w:val=\"Listepuces\"/><w:numPr><w:numId w:val=\"0\"/></w:numPr></w:pPr>"
    "<w:r><w:t>plus une puce</w:t></w:r></w:p>"
    /* a heading numbered through its style is no list item */
    "<w:p><w:pPr><w:pStyle w:val=\"Titre2\"/></w:pPr><w:r><w:t>Titre num\u00e9rot\u00e9</w:t>"
    "</w:r></w:p>"
    /* two lists one after the other: another numId */
    "<w:p><w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>un</w:t></w:r></w:p>"
    "<w:p><w:pPr><w:numPr><w:numId w:val=\"2\"/></w:numPr></w:pPr><w:r><w:t>deux</w:t></w:r></w:p>"
    /* a symbol, a non-breaking hyphen, a soft hyphen */
    "<w:p><w:r><w:sym w:font=\"Symbol\" w:char=\"F0B7\"/><w:t xml:space=\"preserve\"> symbole et "
    "trait</w:t><w:noBreakHyphen/><w:t>d\u2019union</w:t><w:softHyphen/></w:r></w:p>"
    /* a text box: mc:Choice kept, its mc:Fallback copy left out */
    "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:inline><wps:txbx>"
    "<w:txbxContent><w:p><w:r><w:t>dans la zone</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
    "</wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
    "<w:p><w:r><w:t>dans la zone</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>"
    "</mc:Fallback></mc:AlternateContent></w:r></w:p>"
    /* a table: a cell's paragraphs, an empty cell, a nested table, a list item in a cell */
    "<w:tbl><w:tblPr/><w:tr><w:tc><w:tcPr/><w:p><w:r><w:t>A1</w:t></w:r></w:p><w:p><w:r>"
    "<w:t>A1 suite</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc><w:tc><w:tbl><w:tr><w:tc><w:p><w:r>"
    "<w:t>imbriqu\u00e9e</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr><w:tr><w:tc>"
    "<w:p><w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>puce en cellule</w:t>"
    "</w:r></w:p></w:tc></w:tr></w:tbl><w:p/>"
    /* moved-away text, tab stops in w:pPr */
    "<w:p><w:r><w:t>Fin</w:t></w:r><w:moveFrom w:id=\"5\"><w:r><w:t>d\u00e9plac\u00e9</w:t></w:r>"
    "</w:moveFrom></w:p><w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"1000\"/></w:tabs></w:pPr>"
    "<w:r><w:t>Apr\u00e8s les taquets</w:t></w:r></w:p>",
    /* the text */
    "D\u00e9but gras ajout\u00e9\ttab\n\n"
    "lien et hyperlien\n\n"
    "ligne 1\nligne 2\nligne 3\n\napr\u00e8s un blanc\n\n"
    "- par le style\n- d\u00e9j\u00e0 marqu\u00e9\n\n"
    "plus une puce\n\n"
    "Titre num\u00e9rot\u00e9\n\n"
    "- un\n\n- deux\n\n"
    "\uf0b7 symbole et trait-d\u2019union\n\n"
    "dans la zone\n\n"
    "A1\nA1 suite\nimbriqu\u00e9e\n- puce en cellule\n\n"
    "Fin\n\n"
    "Apr\u00e8s les taquets");
}

static void test_odt_layout(void) {
  check_layout(VG_FORMAT_ODT, "odt",
    "<text:h text:outline-level=\"1\"><text:number>1.</text:number>Titre   de\n  section</text:h>"
    /* collapsed white space, text:s, text:tab, text:line-break */
    "<text:p>  Espaces<text:s text:c=\"3\"/>multiples et<text:tab/>tab<text:line-break/>"
    "nouvelle ligne</text:p>"
    /* a footnote and a comment left out */
    "<text:p>Note<text:note text:id=\"ftn1\" text:note-class=\"footnote\"><text:note-citation>1"
    "</text:note-citation><text:note-body><text:p>corps de note</text:p></text:note-body>"
    "</text:note> et commentaire<office:annotation><dc:creator>X</dc:creator><text:p>remarque"
    "</text:p></office:annotation>.</text:p>"
    /* deleted text kept in tracked changes: left out */
    "<text:tracked-changes><text:changed-region text:id=\"c1\"><text:deletion><office:change-info>"
    "<dc:creator>X</dc:creator></office:change-info><text:p>supprim\u00e9</text:p></text:deletion>"
    "</text:changed-region></text:tracked-changes>"
    /* a list with a header, a nested list, an item with its marker */
    "<text:list><text:list-header><text:p>En-t\u00eate de liste</text:p></text:list-header>"
    "<text:list-item><text:p>premier</text:p><text:list><text:list-item><text:p>imbriqu\u00e9"
    "</text:p></text:list-item></text:list></text:list-item><text:list-item><text:p>\u2022 "
    "d\u00e9j\u00e0 marqu\u00e9</text:p></text:list-item></text:list>"
    /* a table: a cell's paragraphs, a covered cell, an empty cell */
    "<table:table><table:table-column table:number-columns-repeated=\"2\"/><table:table-row>"
    "<table:table-cell><text:p>A1</text:p><text:p>A1 suite</text:p></table:table-cell>"
    "<table:covered-table-cell/></table:table-row><table:table-row><table:table-cell><text:p>B1"
    "</text:p></table:table-cell><table:table-cell><text:p/></table:table-cell></table:table-row>"
    "</table:table>"
    /* an image (its data and descriptions left out), a text box (kept) */
    "<text:p><draw:frame draw:name=\"img\"><draw:image xlink:href=\"Pictures/x.png\">"
    "<office:binary-data>QUJD</office:binary-data></draw:image><svg:title>titre image</svg:title>"
    "<svg:desc>description</svg:desc></draw:frame>Texte apr\u00e8s l\u2019image</text:p>"
    "<text:p><draw:frame><draw:text-box><text:p>dans le cadre</text:p></draw:text-box></draw:frame>"
    "</text:p>"
    "<text:p>a<text:span> b </text:span> c</text:p><text:p>\u00a0</text:p>"
    "<text:p>Fin<text:soft-page-break/> du texte</text:p>",
    /* the text */
    "1. Titre de section\n\n"
    "Espaces   multiples et\ttab\nnouvelle ligne\n\n"
    "Note et commentaire.\n\n"
    "En-t\u00eate de liste\n- premier\n- imbriqu\u00e9\n\u2022 d\u00e9j\u00e0 marqu\u00e9\n\n"
    "A1\nA1 suite\nB1\n\n"
    "Texte apr\u00e8s l\u2019image\n\n"
    "dans le cadre\n\n"
    "a b c\n\n"
    "Fin du texte");
}

/* A document without text is a success with an empty text. */
static void test_empty(void) {
  write_text("empty.xml", "<w:p/><w:p><w:r><w:t xml:space=\"preserve\"> </w:t></w:r></w:p>");
  python("mkoffice.py", "docx-body empty.xml empty.docx");
  vg_extracted x = {0};
  CHECK_INT(extract_file(VG_FORMAT_DOCX, "empty.docx", NULL, &x), 0);
  CHECK_INT(x.text.len, 0);
  write_text("empty.xml", "");
  python("mkoffice.py", "odt-body empty.xml empty.odt");
  CHECK_INT(extract_file(VG_FORMAT_ODT, "empty.odt", NULL, &x), 0);
  CHECK_INT(x.text.len, 0);
  vg_extracted_free(&x);
}

/* ---- hostile files and limits ------------------------------------------------- */

static void test_hostile(void) {
  python("hostile_xml.py", ". > /dev/null");
  static const struct {
    const char *name;
    vg_format f;
    const char *skip;
    int damaged;
    const char *reason;
  } CASES[] = {
      {"laughs.docx", VG_FORMAT_DOCX, "damaged", 1,
       "damaged DOCX: word/document.xml: a document type declaration (<!DOCTYPE>), which office "
       "documents never carry (line 2)"},
      {"deep.docx", VG_FORMAT_DOCX, "damaged", 1,
       "damaged DOCX: word/document.xml: Excessive depth in document: 256"},
      {"bomb.docx", VG_FORMAT_DOCX, "ratio", 0,
       "DOCX: word/document.xml expands more than 200 times its compressed size"},
      {"cut.docx", VG_FORMAT_DOCX, "damaged", 1, "damaged DOCX: word/document.xml: "},
      {"cut.odt", VG_FORMAT_ODT, "damaged", 1, "damaged ODT: content.xml: "},
      {"nodoc.docx", VG_FORMAT_DOCX, "damaged", 1, "damaged DOCX: no word/document.xml in the zip"},
      {"notxml.odt", VG_FORMAT_ODT, "damaged", 1,
       "damaged ODT: content.xml: Opening and ending tag mismatch: p line 3 and "
       "document-content (line 3)"},
  };
  for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
    vg_extracted x = {0};
    long rss = max_rss_kb();
    double t0 = vg_now();
    int r = extract_file(CASES[i].f, CASES[i].name, NULL, &x);
    double dt = vg_now() - t0;
    if (r != -1 || !x.skip || strcmp(x.skip, CASES[i].skip) != 0 ||
        strncmp(x.reason, CASES[i].reason, strlen(CASES[i].reason)) != 0)
      fprintf(stderr, "%s: r=%d skip=%s reason=%s\n", CASES[i].name, r, x.skip ? x.skip : "-",
              x.reason);
    CHECK_INT(r, -1);
    CHECK(x.skip && !strcmp(x.skip, CASES[i].skip));
    CHECK_INT(x.damaged, CASES[i].damaged);
    CHECK(!strncmp(x.reason, CASES[i].reason, strlen(CASES[i].reason)));
    CHECK_INT(x.text.len, 0);
    CHECK(dt < 2.0);
    CHECK(max_rss_kb() - rss < 256 * 1024); /* KiB */
    vg_extracted_free(&x);
  }
}

static void test_limits(void) {
  /* a member over max_bytes */
  write_text("tract.txt", DOC_TRACT);
  python("mkoffice.py", "docx tract.txt tract.docx");
  vg_extract_limits l;
  vg_extract_default_limits(&l, 2000);
  vg_extracted x = {0};
  CHECK_INT(extract_file(VG_FORMAT_DOCX, "tract.docx", &l, &x), -1);
  CHECK_STR(x.skip, "too_large");
  CHECK_INT(x.damaged, 0);
  CHECK_STR(x.reason, "DOCX: word/document.xml is over 2000 bytes");
  /* text over max_bytes from a small content.xml (text:s) */
  vg_buf b = {0};
  for (int i = 0; i < 200; i++) vg_buf_printf(&b, "<text:s text:c=\"1000\"/>x");
  char *inner = vg_asprintf("<text:p>%s</text:p>", b.data);
  write_text("spaces.xml", inner);
  free(inner);
  vg_buf_free(&b);
  python("mkoffice.py", "odt-body spaces.xml spaces.odt");
  vg_extract_default_limits(&l, 50000);
  CHECK_INT(extract_file(VG_FORMAT_ODT, "spaces.odt", &l, &x), -1);
  CHECK_STR(x.skip, "too_large");
  CHECK_STR(x.reason, "ODT: text over 50000 bytes");
  CHECK_INT(x.text.len, 0);
  vg_extract_default_limits(&l, 1 << 20);
  CHECK_INT(extract_file(VG_FORMAT_ODT, "spaces.odt", &l, &x), 0);
  CHECK_INT(x.text.len, 200 * 1001 - 1000); /* the first run of spaces starts the line */
  /* a tree over max_memory: 100,000 empty paragraphs */
  vg_buf_reset(&b);
  for (int i = 0; i < 100000; i++) vg_buf_printf(&b, "<w:p/>");
  write_text("many.xml", b.data);
  vg_buf_free(&b);
  python("mkoffice.py", "docx-body many.xml many.docx");
  vg_extract_default_limits(&l, 64 << 20);
  l.max_memory = 8 << 20;
  CHECK_INT(extract_file(VG_FORMAT_DOCX, "many.docx", &l, &x), -1);
  CHECK_STR(x.skip, "too_large");
  CHECK_INT(x.damaged, 0);
  CHECK(!strncmp(x.reason, "DOCX: word/document.xml: its tree would take more than 8 MB", 59));
  l.max_memory = 256 << 20;
  CHECK_INT(extract_file(VG_FORMAT_DOCX, "many.docx", &l, &x), 0);
  CHECK_INT(x.text.len, 0);
  /* not a zip */
  static const unsigned char junk[] = "PK\3\4 this is not a zip at all";
  CHECK_INT(vg_extract_docx(junk, sizeof junk - 1, &l, &x), -1);
  CHECK_STR(x.skip, "damaged");
  CHECK(!strncmp(x.reason, "damaged DOCX: ", 14));
  CHECK_INT(vg_extract_odt(junk, 0, &l, &x), -1);
  CHECK_STR(x.skip, "damaged");
  vg_extracted_free(&x);
}

/* ---- main ----------------------------------------------------------------- */

int main(void) {
  if (scratch_enter("office")) return 1;
  RUN(test_docx_tract);
  RUN(test_odt_tract);
  RUN(test_reproducible);
  RUN(test_docx_layout);
  RUN(test_odt_layout);
  RUN(test_empty);
  RUN(test_hostile);
  RUN(test_limits);
  scratch_leave();
  return DONE();
}
