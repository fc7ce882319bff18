/*
 * test_extract_pdf.c: unit tests of the PDF extractor (engine/extract_pdf.c).
 * The fixtures are made at run time in a fresh directory under
 * $VIGIE_TEST_TMP: a two-page tract drawn with cairo ($VIGIE_MKPDF, built
 * from tests/formats/mkpdf.c), an image-only page, the tract encrypted
 * with qpdf (a user password; an owner password only), the hostile files
 * of tests/formats/hostile_pdf.py, and small PDFs written here by hand
 * (layout and metadata cases). The scratch directory, the source directory
 * and the checks are those of extract_fixtures.h.
 */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract.h"
#include "extract_fixtures.h"
#include "harness.h"
#include "text.h"

static double slow = 1; /* time bounds are multiplied by this under valgrind */

/* ---- helpers ----------------------------------------------------------- */

static int has(const char *s, const char *sub) { return s && strstr(s, sub) != NULL; }

/* Limits for the tests: the defaults for 64 MB documents, 64 MB of memory. */
static vg_extract_limits pdf_limits(void) {
  vg_extract_limits l = limits(64u << 20);
  l.max_memory = 64u << 20;
  return l;
}

/* Extracts file path into *x with l; returns the result, *secs the time. */
static int extract_pdf_file(const char *path, const vg_extract_limits *l, vg_extracted *x,
                            double *secs) {
  size_t n;
  unsigned char *p = slurp(path, &n);
  CHECK(p != NULL);
  if (!p) return -2;
  CHECK(vg_format_sniff(p, n) == VG_FORMAT_PDF);
  double t = vg_now();
  int rc = vg_extract_pdf(p, n, l, x);
  if (secs) *secs = vg_now() - t;
  free(p);
  return rc;
}

/* A one-page PDF drawing ops with /F1 (Helvetica, WinAnsi) and, when info
 * is not NULL, an Info dictionary of that body. Owned; *len its size. */
static char *mini_pdf(const char *ops, const char *info, size_t *len) {
  vg_buf b = {0};
  size_t off[7];
  int nobj = info ? 6 : 5;
  vg_buf_printf(&b, "%%PDF-1.4\n");
  off[1] = b.len;
  vg_buf_printf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
  off[2] = b.len;
  vg_buf_printf(&b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
  off[3] = b.len;
  vg_buf_printf(&b, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                    "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n");
  off[4] = b.len;
  vg_buf_printf(&b, "4 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", strlen(ops),
                ops);
  off[5] = b.len;
  vg_buf_printf(&b, "5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                    "/Encoding /WinAnsiEncoding >>\nendobj\n");
  if (info) {
    off[6] = b.len;
    vg_buf_printf(&b, "6 0 obj\n%s\nendobj\n", info);
  }
  size_t xref = b.len;
  vg_buf_printf(&b, "xref\n0 %d\n0000000000 65535 f \n", nobj + 1);
  for (int i = 1; i <= nobj; i++) vg_buf_printf(&b, "%010zu 00000 n \n", off[i]);
  vg_buf_printf(&b, "trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%zu\n%%%%EOF\n", nobj + 1,
                info ? "/Info 6 0 R " : "", xref);
  *len = b.len;
  return vg_buf_take(&b);
}

/* Extracts a mini_pdf. */
static int extract_mini(const char *ops, const char *info, vg_extracted *x) {
  size_t n;
  char *p = mini_pdf(ops, info, &n);
  vg_extract_limits l = pdf_limits();
  int rc = vg_extract_pdf((const unsigned char *)p, n, &l, x);
  free(p);
  return rc;
}

/* ---- the tract ----------------------------------------------------------- */

/* The tract as a text file: one line per paragraph, a title, a wrapped
 * paragraph, a list of each kind, no-break spaces (U+00A0 inside « »,
 * U+202F before ; ! %), and a second page. */
static const char TRACT[] =
    "TOUS EN GRÈVE LE 5 DÉCEMBRE\n"
    "\n"
    "Le gouvernement veut remplacer nos régimes de retraite par un «\u00a0système universel "
    "par points\u00a0». Derrière le mot «\u00a0universel\u00a0», une réalité simple\u00a0: la "
    "valeur du point ne sera pas garantie, elle sera fixée chaque année selon la situation "
    "économique et l’état des finances publiques\u202f; nous refusons ce marché de dupes\u202f!\n"
    "\n"
    "Ce que nous perdrions\n"
    "- le calcul sur les 25 meilleures années dans le privé et sur les six derniers mois dans "
    "la fonction publique, remplacé par toute la carrière\n"
    "- les départs anticipés des métiers pénibles\n"
    "• la garantie d’un taux de remplacement connu à l’avance\n"
    "1. un premier point numéroté\n"
    "2) un deuxième point\n"
    "\n"
    "Le cœur du problème\u00a0: 10\u202f% de pension en moins dès 2025\u202f!\n"
    "\fDeuxième page\u00a0: rendez-vous à 10\u00a0h\u00a030, place de la Libération.\n"
    "\n"
    "Les œuvres sociales du comité d’entreprise 😀 restent ouvertes.\n";

/* What the PDF must give back: the same lines, the page break as a line
 * holding a form feed, no final line feed. Owned. */
static char *tract_expected(void) {
  vg_buf b = {0};
  for (const char *s = TRACT; *s; s++) {
    if (*s == '\f') vg_buf_append(&b, "\f\n", 2);
    else vg_buf_putc(&b, *s);
  }
  while (b.len && b.data[b.len - 1] == '\n') b.data[--b.len] = '\0';
  return vg_buf_take(&b);
}

static void show_diff(const char *got, const char *want) {
  size_t i = 0;
  while (got[i] && got[i] == want[i]) i++;
  fprintf(stderr, "texts differ at byte %zu:\n got: \"%.80s\"\nwant: \"%.80s\"\n", i, got + i,
          want + i);
}

static void test_tract_text_and_meta(void) {
  vg_extracted x = {0};
  vg_extract_limits l = pdf_limits();
  double secs;
  CHECK_INT(extract_pdf_file("tract.pdf", &l, &x, &secs), 0);
  char *want = tract_expected();
  CHECK_STR(x.text.data, want);
  if (x.text.data && strcmp(x.text.data, want)) show_diff(x.text.data, want);
  CHECK_STR(x.warning, "");
  check_conventions(&x, 0);
  CHECK_STR(meta(&x, "title"), "Grève du 5 décembre");
  CHECK_STR(meta(&x, "author"), "Intersyndicale de la Haute-Lys");
  CHECK_STR(meta(&x, "creator"), "vigie_mkpdf");
  CHECK(has(meta(&x, "producer"), "cairo"));
  CHECK_STR(meta(&x, "created"), "2019-12-05T10:30:00+01:00");
  CHECK_STR(meta(&x, "modified"), "2019-12-06T08:00:00Z");
  CHECK_STR(meta(&x, "pages"), "2");
  CHECK(meta(&x, "subject") == NULL);
  printf("tract.pdf: %zu bytes of text in %.1f ms\n", x.text.len, secs * 1000);
  free(want);
  vg_extracted_free(&x);
}

/* The same tract read by four threads at once. */
static void *read_tract(void *arg) {
  (void)arg;
  vg_extracted x = {0};
  vg_extract_limits l = pdf_limits();
  size_t n;
  unsigned char *p = slurp("tract.pdf", &n);
  char *want = tract_expected();
  int ok = p && vg_extract_pdf(p, n, &l, &x) == 0 && x.text.data && !strcmp(x.text.data, want);
  free(want);
  free(p);
  vg_extracted_free(&x);
  return ok ? arg : NULL;
}

static void test_threads(void) {
  pthread_t t[4];
  int tag;
  for (int i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, read_tract, &tag) == 0);
  for (int i = 0; i < 4; i++) {
    void *r = NULL;
    pthread_join(t[i], &r);
    CHECK(r == &tag);
  }
}

static void test_limits(void) {
  vg_extracted x = {0};
  vg_extract_limits l = pdf_limits();
  l.max_pages = 1;
  CHECK_INT(extract_pdf_file("tract.pdf", &l, &x, NULL), 0);
  CHECK_STR(x.warning, "2 pages, only the first 1 read (limit)");
  CHECK(has(x.text.data, "TOUS EN GRÈVE") && !has(x.text.data, "\f") &&
        !has(x.text.data, "Deuxième page"));
  char *want = tract_expected();
  size_t page1 = (size_t)(strchr(want, '\f') - want) - 1; /* the text before "\n\f\n" */
  free(want);
  l = pdf_limits();
  l.max_bytes = page1 / 2; /* page 1 is longer: cut after a whole line */
  CHECK_INT(extract_pdf_file("tract.pdf", &l, &x, NULL), 0);
  CHECK(x.text.len <= page1 / 2 && x.text.len > 0);
  CHECK(has(x.warning, "text over --max-doc-bytes") && has(x.warning, "page 1 cut short"));
  check_conventions(&x, 0);
  l.max_bytes = page1 + 10; /* page 1 fits, page 2 does not */
  CHECK_INT(extract_pdf_file("tract.pdf", &l, &x, NULL), 0);
  CHECK(has(x.warning, "pages after 1 left out"));
  CHECK(!has(x.text.data, "\f"));
  vg_extracted_free(&x);
}

static void test_junk_before_header(void) {
  size_t n;
  unsigned char *p = slurp("tract.pdf", &n);
  CHECK(p != NULL);
  if (!p) return;
  static const char JUNK[] = "X-Gateway: scanned\r\n\r\n";
  unsigned char *q = malloc(n + sizeof JUNK);
  memcpy(q, JUNK, sizeof JUNK - 1);
  memcpy(q + sizeof JUNK - 1, p, n);
  CHECK(vg_format_sniff(q, n + sizeof JUNK - 1) == VG_FORMAT_PDF);
  vg_extracted x = {0};
  vg_extract_limits l = pdf_limits();
  CHECK_INT(vg_extract_pdf(q, n + sizeof JUNK - 1, &l, &x), 0);
  char *want = tract_expected();
  CHECK_STR(x.text.data, want);
  CHECK_STR(x.warning, ""); /* offsets count from %PDF-: no repair */
  free(want);
  free(p);
  free(q);
  vg_extracted_free(&x);
}

/* Ligatures (U+FB01, U+FB02 drawn with DejaVu's glyphs) come out as the
 * letters a text file would have. */
static void test_ligatures(void) {
  vg_extracted x = {0};
  vg_extract_limits l = pdf_limits();
  CHECK_INT(extract_pdf_file("lig.pdf", &l, &x, NULL), 0);
  CHECK_STR(x.text.data, "Une action efficace et flexible.");
  vg_extracted_free(&x);
}

static void test_image_only(void) {
  vg_extracted x = {0};
  vg_extract_limits l = pdf_limits();
  CHECK_INT(extract_pdf_file("image.pdf", &l, &x, NULL), -1);
  CHECK_STR(x.skip, "no_text");
  CHECK_INT(x.damaged, 0);
  CHECK_STR(x.reason, "image-only PDF (no text layer, 1 page): scanned? not read");
  vg_extracted_free(&x);
}

static int have_qpdf(void) { return system("qpdf --version >/dev/null 2>&1") == 0; }

static void test_encrypted(void) {
  if (!have_qpdf()) {
    printf("qpdf not found: encrypted PDFs not tested\n");
    return;
  }
  CHECK(sh("qpdf --encrypt user owner 256 -- tract.pdf user.pdf") == 0);
  CHECK(sh("qpdf --encrypt '' owner 256 -- tract.pdf owner.pdf") == 0);
  vg_extracted x = {0};
  vg_extract_limits l = pdf_limits();
  CHECK_INT(extract_pdf_file("user.pdf", &l, &x, NULL), -1);
  CHECK_STR(x.skip, "encrypted");
  CHECK_INT(x.damaged, 0);
  CHECK_STR(x.reason, "encrypted PDF (needs a password), not read");
  CHECK_INT(extract_pdf_file("owner.pdf", &l, &x, NULL), 0); /* an owner password only: read */
  char *want = tract_expected();
  CHECK_STR(x.text.data, want);
  CHECK_STR(meta(&x, "title"), "Grève du 5 décembre");
  free(want);
  vg_extracted_free(&x);
}

/* ---- layout and metadata, by hand ---------------------------------------- */

static void test_reflow_rules(void) {
  vg_extracted x = {0};
  /* a hyphen after a letter at the end of the widest line: joined, kept;
   * a short line: a line of its own; a list marker after the widest line
   * (where its first word would not fit): a new line; a gap: a blank line */
  CHECK_INT(extract_mini("BT /F1 12 Tf 72 770 Td 14 TL\n"
                         "(Appel intersyndical de toute la grande r\\351gion de la Haute-) Tj T*\n"
                         "(Lys et des environs.) Tj T*\n"
                         "(Fin de la premi\\350re partie.) Tj\n"
                         "0 -40 Td\n"
                         "(Ce que nous voulons pour toutes et tous, sans exception :) Tj T*\n"
                         "(- un point de liste) Tj T*\n"
                         "(2. un point num\\351rot\\351) Tj\n"
                         "0 -40 Td (Nouveau bloc, plus bas.) Tj ET",
                         NULL, &x),
            0);
  CHECK_STR(x.text.data, "Appel intersyndical de toute la grande région de la Haute-Lys et des "
                         "environs.\n"
                         "Fin de la première partie.\n"
                         "\n"
                         "Ce que nous voulons pour toutes et tous, sans exception :\n"
                         "- un point de liste\n"
                         "2. un point numéroté\n"
                         "\n"
                         "Nouveau bloc, plus bas.");
  check_conventions(&x, 0);
  /* an empty page: success, no text; pages counted by form feeds */
  CHECK_INT(extract_mini("", NULL, &x), 0);
  CHECK_STR(x.text.data ? x.text.data : "", "");
  CHECK_STR(x.warning, "");
  vg_extracted_free(&x);
}

static void test_dates_and_strings(void) {
  vg_extracted x = {0};
  const char *ops = "BT /F1 12 Tf 72 770 Td (Texte.) Tj ET";
  CHECK_INT(extract_mini(ops, "<< /Title (Caf\\351 \\001 cr\\350me) /CreationDate (D:20191205) "
                              "/ModDate (D:2019120510-05'30') >>", &x), 0);
  CHECK_STR(meta(&x, "title"), "Café crème");
  CHECK_STR(meta(&x, "created"), "2019-12-05");
  CHECK_STR(meta(&x, "modified"), "2019-12-05T10:00:00-05:30");
  CHECK_INT(extract_mini(ops, "<< /Title <FEFF00C9007400E9> /Author (  A\\tB  ) "
                              "/CreationDate (hier) /ModDate (D:2019) >>", &x), 0);
  CHECK_STR(meta(&x, "title"), "Été");
  CHECK_STR(meta(&x, "author"), "A B");
  CHECK(meta(&x, "created") == NULL);
  CHECK_STR(meta(&x, "modified"), "2019");
  CHECK_INT(extract_mini(ops, "<< /CreationDate (D:20191305) /ModDate (20200229235959Z00'00') "
                              "/Subject () >>", &x), 0);
  CHECK(meta(&x, "created") == NULL); /* month 13 */
  CHECK_STR(meta(&x, "modified"), "2020-02-29T23:59:59Z");
  CHECK(meta(&x, "subject") == NULL);
  CHECK_STR(meta(&x, "pages"), "1");
  vg_extracted_free(&x);
}

/* ---- hostile files --------------------------------------------------------- */

/* Extracts hostile/name with l: checks the time, the result's
 * well-formedness, and returns the result. */
static int hostile(const char *name, const vg_extract_limits *l, vg_extracted *x, double max) {
  char path[256];
  snprintf(path, sizeof path, "hostile/%s", name);
  double secs;
  int rc = extract_pdf_file(path, l, x, &secs);
  if (secs > max * slow) fprintf(stderr, "%s: %.2f s\n", name, secs);
  CHECK(secs < max * slow);
  if (rc == 0) {
    check_conventions(x, 0);
  } else {
    CHECK(x->skip != NULL);
    CHECK(x->reason[0] != '\0');
  }
  return rc;
}

static void test_hostile_files(void) {
  vg_extracted x = {0};
  vg_extract_limits l = pdf_limits();
  /* MuPDF must print nothing: stderr goes to a file while they run */
  fflush(stderr);
  int saved = dup(2), fd = open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(fd, 2);
  close(fd);

  int good = hostile("good.pdf", &l, &x, 2);
  CHECK_INT(good, 0);
  CHECK_STR(x.text.data, "Bonjour le monde.");
  CHECK_STR(x.warning, "");

  int truncated = hostile("truncated.pdf", &l, &x, 2);
  CHECK(truncated == 0 ? x.warning[0] != '\0' : x.damaged);

  CHECK_INT(hostile("badxref.pdf", &l, &x, 2), 0);
  CHECK_STR(x.text.data, "Bonjour le monde.");
  CHECK(has(x.warning, "damaged PDF, repaired: "));

  CHECK_INT(hostile("random.pdf", &l, &x, 2), -1);
  CHECK_STR(x.skip, "damaged");
  CHECK_INT(x.damaged, 1);
  CHECK(!strncmp(x.reason, "damaged PDF: ", 13));

  CHECK_INT(hostile("count.pdf", &l, &x, 2), 0);
  CHECK_STR(x.text.data, "Une page sur un milliard annonce.");
  CHECK(has(x.warning, "1000000000"));

  CHECK_INT(hostile("nested.pdf", &l, &x, 2), -1);
  CHECK_STR(x.skip, "damaged");

  CHECK_INT(hostile("cycle.pdf", &l, &x, 2), 0);
  CHECK_STR(x.text.data, "Avant le cycle.");
  CHECK(has(x.warning, "page 2: ") && has(x.warning, "cycle"));

  long rss = max_rss_kb();
  CHECK_INT(hostile("bomb.pdf", &l, &x, 2), -1); /* 1 GB of zeros, 64 MB of memory */
  CHECK_STR(x.skip, "too_large");
  CHECK_INT(x.damaged, 0);
  CHECK(has(x.reason, "content streams inflate to more than 16 MB"));
  CHECK(max_rss_kb() - rss < 100 * 1024);
  l.max_memory = 8ULL << 30; /* then it is time that stops it */
  l.max_seconds = 0.3;
  CHECK_INT(hostile("bomb.pdf", &l, &x, 1.5), -1);
  CHECK_STR(x.skip, "timeout");
  CHECK_STR(x.reason, "PDF not read in 0.3 s (time limit)");
  CHECK(max_rss_kb() - rss < 100 * 1024);

  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  size_t n;
  unsigned char *err = slurp("stderr.txt", &n);
  CHECK_INT(n, 0);
  if (n) fprintf(stderr, "printed: %.*s\n", (int)n, (const char *)err);
  free(err);
  vg_extracted_free(&x);
}

static void test_memory_limit(void) {
  vg_extracted x = {0};
  vg_extract_limits l = pdf_limits();
  l.max_memory = 64 * 1024; /* not even enough to open the tract */
  CHECK_INT(extract_pdf_file("tract.pdf", &l, &x, NULL), -1);
  CHECK_STR(x.skip, "too_large");
  CHECK_INT(x.damaged, 0);
  CHECK(!strncmp(x.reason, "PDF needs more than 64 KB to read", 33));
  vg_extracted_free(&x);
}

static void test_not_a_pdf(void) {
  vg_extracted x = {0};
  vg_extract_limits l = pdf_limits();
  CHECK_INT(vg_extract_pdf((const unsigned char *)"", 0, &l, &x), -1);
  CHECK_STR(x.skip, "damaged");
  CHECK_INT(vg_extract_pdf((const unsigned char *)"%PDF-1.4\n", 9, &l, &x), -1);
  CHECK_STR(x.skip, "damaged");
  vg_extracted_free(&x);
}

/* ---- main -------------------------------------------------------------- */

static int make_fixtures(void) {
  const char *mk = getenv("VIGIE_MKPDF");
  if (!mk || !*mk) {
    fprintf(stderr, "test_extract_pdf: VIGIE_MKPDF is not set (ctest sets it)\n");
    return -1;
  }
  write_file("tract.txt", TRACT, sizeof TRACT - 1);
  char cmd[8192];
  /* fontconfig keeps its caches to the end: no leak report for the helper */
  snprintf(cmd, sizeof cmd, "ASAN_OPTIONS=detect_leaks=0 '%s' text tract.txt tract.pdf "
                            "--title 'Grève du 5 décembre' "
                            "--author 'Intersyndicale de la Haute-Lys'", mk);
  if (sh(cmd)) return -1;
  static const char LIG[] = "Une action ef\uFB01cace et \uFB02exible.\n";
  write_file("lig.txt", LIG, sizeof LIG - 1);
  snprintf(cmd, sizeof cmd, "ASAN_OPTIONS=detect_leaks=0 '%s' text lig.txt lig.pdf", mk);
  if (sh(cmd)) return -1;
  snprintf(cmd, sizeof cmd, "ASAN_OPTIONS=detect_leaks=0 '%s' image image.pdf", mk);
  if (sh(cmd)) return -1;
  return python("hostile_pdf.py", "hostile") ? -1 : 0;
}

int main(void) {
  const char *pre = getenv("LD_PRELOAD");
  if (pre && (strstr(pre, "vgpreload") || strstr(pre, "valgrind"))) slow = 40;
  if (scratch_enter("pdf")) return 1;
  if (make_fixtures()) {
    fprintf(stderr, "test_extract_pdf: cannot make the fixtures\n");
    return 1;
  }
  RUN(test_tract_text_and_meta);
  RUN(test_threads);
  RUN(test_limits);
  RUN(test_junk_before_header);
  RUN(test_ligatures);
  RUN(test_image_only);
  RUN(test_encrypted);
  RUN(test_reflow_rules);
  RUN(test_dates_and_strings);
  RUN(test_hostile_files);
  RUN(test_memory_limit);
  RUN(test_not_a_pdf);
  scratch_leave();
  return DONE();
}
