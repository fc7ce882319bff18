/*
 * test_extract_office.c: unit tests of the DOCX and ODT extractors
 * (engine/extract_office.c, with engine/extract_xml.c). Fixtures are made
 * at run time in a fresh directory under $VIGIE_TEST_TMP by the generators
 * next to these tests (tests/formats/mkoffice.py for documents as a word
 * processor writes them, tests/formats/hostile_xml.py for hostile ones),
 * found from this file's path; the directory is removed at the end.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "extract.h"
#include "harness.h"
#include "text.h"
#include "util.h"

static char tmp[4096];
static char formats[4096]; /* tests/formats */

/* The tract (TXT, as corpus/tracts has them) and the text every format
 * must give for it: list markers as "- ", a table cell per line. */
static const char TRACT[] =
    "5 D\u00c9CEMBRE\u202f: TOUS EN GR\u00c8VE\n"
    "\n"
    "Le gouvernement veut un \u00ab\u00a0syst\u00e8me universel par points\u00a0\u00bb. "
    "L\u2019\u00e9tat des finances publiques d\u00e9cidera.\n"
    "Personne ne pourra savoir quelle pension il touchera\u202f: 1\u202f000\u00a0\u20ac\u202f? "
    "\U0001F621\n"
    "\n"
    "Ce que nous perdrions\u202f:\n"
    "\n"
    "- le calcul sur les 25 meilleures ann\u00e9es\n"
    "- les d\u00e9parts anticip\u00e9s des m\u00e9tiers p\u00e9nibles\u202f: aides-soignantes, "
    "\u00e9goutiers\u2026\n"
    "- la garantie d\u2019un taux connu \u00e0 l\u2019avance\n"
    "\n"
    "\u2022 Dans le priv\u00e9, aucun pr\u00e9avis n\u2019est n\u00e9cessaire.\n"
    "\u2022 Dans la fonction publique, le pr\u00e9avis est d\u00e9pos\u00e9 par les "
    "f\u00e9d\u00e9rations.\n"
    "\n"
    "Lieu\tHeure\n"
    "Place de la Lib\u00e9ration\t10\u00a0h\u00a030\n"
    "\n"
    "Ils comptent sur notre r\u00e9signation. Comptons sur nos forces\u202f: \u0153uvrons "
    "ensemble\u202f!\n";

static const char EXPECTED[] =
    "5 D\u00c9CEMBRE\u202f: TOUS EN GR\u00c8VE\n"
    "\n"
    "Le gouvernement veut un \u00ab\u00a0syst\u00e8me universel par points\u00a0\u00bb. "
    "L\u2019\u00e9tat des finances publiques d\u00e9cidera.\n"
    "Personne ne pourra savoir quelle pension il touchera\u202f: 1\u202f000\u00a0\u20ac\u202f? "
    "\U0001F621\n"
    "\n"
    "Ce que nous perdrions\u202f:\n"
    "\n"
    "- le calcul sur les 25 meilleures ann\u00e9es\n"
    "- les d\u00e9parts anticip\u00e9s des m\u00e9tiers p\u00e9nibles\u202f: aides-soignantes, "
    "\u00e9goutiers\u2026\n"
    "- la garantie d\u2019un taux connu \u00e0 l\u2019avance\n"
    "\n"
    "- Dans le priv\u00e9, aucun pr\u00e9avis n\u2019est n\u00e9cessaire.\n"
    "- Dans la fonction publique, le pr\u00e9avis est d\u00e9pos\u00e9 par les "
    "f\u00e9d\u00e9rations.\n"
    "\n"
    "Lieu\n"
    "Heure\n"
    "Place de la Lib\u00e9ration\n"
    "10\u00a0h\u00a030\n"
    "\n"
    "Ils comptent sur notre r\u00e9signation. Comptons sur nos forces\u202f: \u0153uvrons "
    "ensemble\u202f!";

/* ---- helpers --------------------------------------------------------------- */

static void write_text(const char *name, const char *s) {
  char path[8192];
  snprintf(path, sizeof path, "%s/%s", tmp, name);
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  CHECK(fwrite(s, 1, strlen(s), f) == strlen(s));
  fclose(f);
}

/* The file tmp/name, owned; *n its size; NULL when missing. */
static unsigned char *slurp(const char *name, size_t *n) {
  char path[8192];
  snprintf(path, sizeof path, "%s/%s", tmp, name);
  FILE *f = fopen(path, "rb");
  *n = 0;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *p = malloc((size_t)len + 1);
  if (p && fread(p, 1, (size_t)len, f) != (size_t)len) {
    free(p);
    p = NULL;
  }
  fclose(f);
  *n = (size_t)len;
  return p;
}

/* Runs python3 on tests/formats/SCRIPT with args (already quoted), in tmp. */
static int python(const char *script, const char *args) {
  char cmd[16384];
  snprintf(cmd, sizeof cmd, "cd '%s' && python3 '%s/%s' %s", tmp, formats, script, args);
  int r = system(cmd);
  CHECK(r == 0);
  return r;
}

/* Extracts tmp/name as format f with limits l (NULL: the defaults for
 * 64 MiB). Returns the extractor's result. */
static int extract(vg_format f, const char *name, const vg_extract_limits *l, vg_extracted *x) {
  vg_extract_limits def;
  vg_extract_default_limits(&def, 64ULL << 20);
  size_t n;
  unsigned char *p = slurp(name, &n);
  CHECK(p != NULL);
  if (!p) return -2;
  int r = vg_extract(f, p, n, l ? l : &def, x);
  free(p);
  return r;
}

/* The value of metadata key, or NULL. */
static const char *meta(const vg_extracted *x, const char *key) {
  for (size_t i = 0; i < x->meta.len;) {
    const char *k = x->meta.data + i, *v = k + strlen(k) + 1;
    if (!strcmp(k, key)) return v;
    i = (size_t)(v - x->meta.data) + strlen(v) + 1;
  }
  return NULL;
}

/* The text conventions of extract.h. */
static void check_conventions(const vg_extracted *x) {
  const char *t = x->text.data ? x->text.data : "";
  size_t n = x->text.len;
  CHECK(vg_text_valid(t, n));
  CHECK(strlen(t) == n); /* no NUL */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)t[i];
    CHECK(c >= 0x20 || c == '\t' || c == '\n' || c == '\f');
  }
  CHECK(strstr(t, "\n\n\n") == NULL);
  CHECK(n == 0 || (t[0] != '\n' && t[n - 1] != '\n'));
}

/* ---- a tract --------------------------------------------------------------- */

static void test_docx_tract(void) {
  write_text("tract.txt", TRACT);
  python("mkoffice.py", "docx tract.txt tract.docx --title 'Gr\u00e8ve du 5 d\u00e9cembre' "
                        "--author 'Union locale'");
  size_t n;
  unsigned char *p = slurp("tract.docx", &n);
  CHECK(p && vg_format_sniff(p, n) == VG_FORMAT_DOCX);
  free(p);
  vg_extracted x = {0};
  CHECK_INT(extract(VG_FORMAT_DOCX, "tract.docx", NULL, &x), 0);
  CHECK_STR(x.text.data, EXPECTED);
  check_conventions(&x);
  CHECK_STR(meta(&x, "title"), "Gr\u00e8ve du 5 d\u00e9cembre");
  CHECK_STR(meta(&x, "author"), "Union locale");
  CHECK_STR(meta(&x, "created"), "2019-11-20T09:30:00Z");
  CHECK_STR(meta(&x, "modified"), "2019-11-21T18:05:00Z");
  CHECK_STR(meta(&x, "pages"), "1");
  CHECK(meta(&x, "subject") == NULL); /* empty in the file: not given */
  CHECK_STR(x.warning, "");
  vg_extracted_free(&x);
}

static void test_odt_tract(void) {
  write_text("tract.txt", TRACT);
  python("mkoffice.py", "odt tract.txt tract.odt --title 'Gr\u00e8ve du 5 d\u00e9cembre' "
                        "--author 'Union locale'");
  size_t n;
  unsigned char *p = slurp("tract.odt", &n);
  CHECK(p && vg_format_sniff(p, n) == VG_FORMAT_ODT);
  free(p);
  vg_extracted x = {0};
  CHECK_INT(extract(VG_FORMAT_ODT, "tract.odt", NULL, &x), 0);
  CHECK_STR(x.text.data, EXPECTED);
  check_conventions(&x);
  CHECK_STR(meta(&x, "title"), "Gr\u00e8ve du 5 d\u00e9cembre");
  CHECK_STR(meta(&x, "author"), "Union locale"); /* meta:initial-creator, not dc:creator */
  CHECK_STR(meta(&x, "created"), "2019-11-20T09:30:00");
  CHECK_STR(meta(&x, "modified"), "2019-11-21T18:05:00");
  CHECK_STR(meta(&x, "pages"), "1");
  vg_extracted_free(&x);
}

/* The generator writes the same bytes every time. */
static void test_reproducible(void) {
  write_text("tract.txt", TRACT);
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

static void test_docx_layout(void) {
  write_text("body.xml",
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
    "<w:r><w:t>Apr\u00e8s les taquets</w:t></w:r></w:p>");
  python("mkoffice.py", "docx-body body.xml layout.docx");
  vg_extracted x = {0};
  CHECK_INT(extract(VG_FORMAT_DOCX, "layout.docx", NULL, &x), 0);
  CHECK_STR(x.text.data,
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
  check_conventions(&x);
  vg_extracted_free(&x);
}

static void test_odt_layout(void) {
  write_text("body.xml",
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
    "<text:p>Fin<text:soft-page-break/> du texte</text:p>");
  python("mkoffice.py", "odt-body body.xml layout.odt");
  vg_extracted x = {0};
  CHECK_INT(extract(VG_FORMAT_ODT, "layout.odt", NULL, &x), 0);
  CHECK_STR(x.text.data,
            "1. Titre de section\n\n"
            "Espaces   multiples et\ttab\nnouvelle ligne\n\n"
            "Note et commentaire.\n\n"
            "En-t\u00eate de liste\n- premier\n- imbriqu\u00e9\n\u2022 d\u00e9j\u00e0 marqu\u00e9\n\n"
            "A1\nA1 suite\nB1\n\n"
            "Texte apr\u00e8s l\u2019image\n\n"
            "dans le cadre\n\n"
            "a b c\n\n"
            "Fin du texte");
  check_conventions(&x);
  vg_extracted_free(&x);
}

/* A document without text is a success with an empty text. */
static void test_empty(void) {
  write_text("empty.xml", "<w:p/><w:p><w:r><w:t xml:space=\"preserve\"> </w:t></w:r></w:p>");
  python("mkoffice.py", "docx-body empty.xml empty.docx");
  vg_extracted x = {0};
  CHECK_INT(extract(VG_FORMAT_DOCX, "empty.docx", NULL, &x), 0);
  CHECK_INT(x.text.len, 0);
  write_text("empty.xml", "");
  python("mkoffice.py", "odt-body empty.xml empty.odt");
  CHECK_INT(extract(VG_FORMAT_ODT, "empty.odt", NULL, &x), 0);
  CHECK_INT(x.text.len, 0);
  vg_extracted_free(&x);
}

/* ---- hostile files and limits ------------------------------------------------- */

static long max_rss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

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
    int r = extract(CASES[i].f, CASES[i].name, NULL, &x);
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
  write_text("tract.txt", TRACT);
  python("mkoffice.py", "docx tract.txt tract.docx");
  vg_extract_limits l;
  vg_extract_default_limits(&l, 2000);
  vg_extracted x = {0};
  CHECK_INT(extract(VG_FORMAT_DOCX, "tract.docx", &l, &x), -1);
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
  CHECK_INT(extract(VG_FORMAT_ODT, "spaces.odt", &l, &x), -1);
  CHECK_STR(x.skip, "too_large");
  CHECK_STR(x.reason, "ODT: text over 50000 bytes");
  CHECK_INT(x.text.len, 0);
  vg_extract_default_limits(&l, 1 << 20);
  CHECK_INT(extract(VG_FORMAT_ODT, "spaces.odt", &l, &x), 0);
  CHECK_INT(x.text.len, 200 * 1001 - 1000); /* the first run of spaces starts the line */
  /* a tree over max_memory: 100,000 empty paragraphs */
  vg_buf_reset(&b);
  for (int i = 0; i < 100000; i++) vg_buf_printf(&b, "<w:p/>");
  write_text("many.xml", b.data);
  vg_buf_free(&b);
  python("mkoffice.py", "docx-body many.xml many.docx");
  vg_extract_default_limits(&l, 64 << 20);
  l.max_memory = 8 << 20;
  CHECK_INT(extract(VG_FORMAT_DOCX, "many.docx", &l, &x), -1);
  CHECK_STR(x.skip, "too_large");
  CHECK_INT(x.damaged, 0);
  CHECK(!strncmp(x.reason, "DOCX: word/document.xml: its tree would take more than 8 MB", 59));
  l.max_memory = 256 << 20;
  CHECK_INT(extract(VG_FORMAT_DOCX, "many.docx", &l, &x), 0);
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

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

int main(void) {
  const char *base = getenv("VIGIE_TEST_TMP");
  if (!base || !*base) base = "/tmp";
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", base);
  if (system(cmd) != 0) return 1;
  snprintf(tmp, sizeof tmp, "%s/office-XXXXXX", base);
  if (!mkdtemp(tmp)) return 1;
  snprintf(formats, sizeof formats, "%s", __FILE__);
  char *slash = strrchr(formats, '/');
  if (slash) *slash = '\0'; /* tests/unit */
  slash = strrchr(formats, '/');
  if (slash) snprintf(slash, sizeof formats - (size_t)(slash - formats), "/formats");
  RUN(test_docx_tract);
  RUN(test_odt_tract);
  RUN(test_reproducible);
  RUN(test_docx_layout);
  RUN(test_odt_layout);
  RUN(test_empty);
  RUN(test_hostile);
  RUN(test_limits);
  nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  return DONE();
}
