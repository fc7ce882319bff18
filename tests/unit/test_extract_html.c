/*
 * test_extract_html.c: unit tests of the HTML extractor
 * (engine/extract_html.c, with engine/extract_xml.c). Pages are written by
 * the tests themselves or, for the tract and the hostile pages, by the
 * generators in tests/formats/, in the scratch directory of
 * extract_fixtures.h (which also gives the tract and the checks). The
 * extractor is also run from several threads at once: e-mail extraction
 * calls it.
 */
#define _GNU_SOURCE /* memmem, nftw */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "extract_fixtures.h"
#include "harness.h"
#include "text.h"
#include "util.h"

/* ---- helpers --------------------------------------------------------------- */

/* Extracts the page s[0..n) (n 0: strlen); returns the result. */
static int html_n(const char *s, size_t n, vg_extracted *x) {
  vg_extract_limits l = limits(64ULL << 20);
  int r = vg_extract_html((const unsigned char *)s, n ? n : strlen(s), &l, x);
  if (r == 0) check_conventions(x, 0);
  return r;
}

static int html(const char *s, vg_extracted *x) { return html_n(s, 0, x); }

static int html_file(const char *name, vg_extracted *x) {
  size_t n;
  unsigned char *p = slurp(name, &n);
  CHECK(p != NULL);
  if (!p) return -2;
  CHECK(vg_format_sniff(p, n) == VG_FORMAT_HTML);
  int r = html_n((const char *)p, n, x);
  free(p);
  return r;
}

/* ---- the tract in three charsets ----------------------------------------------- */

static void test_tract(void) {
  write_text("tract.txt", DOC_TRACT);
  python("mkoffice.py", "html tract.txt utf8.html --title 'Gr\u00e8ve du 5 d\u00e9cembre' "
                        "--author 'Union locale'");
  python("mkoffice.py", "html tract.txt cp1252.html --charset windows-1252 --title 'Gr\u00e8ve'");
  python("mkoffice.py", "html tract.txt none.html --charset none");
  vg_extracted x = {0};
  CHECK_INT(html_file("utf8.html", &x), 0);
  CHECK_STR(x.text.data, DOC_TRACT_TEXT);
  CHECK_STR(meta(&x, "title"), "Gr\u00e8ve du 5 d\u00e9cembre");
  CHECK_STR(meta(&x, "author"), "Union locale");
  CHECK_STR(meta(&x, "lang"), "fr");
  /* Windows-1252 bytes, declared: U+202F and the emoji as character references */
  size_t n;
  unsigned char *p = slurp("cp1252.html", &n);
  CHECK(p && !vg_text_valid((const char *)p, n) && memmem(p, n, "&#8239;", 7));
  free(p);
  CHECK_INT(html_file("cp1252.html", &x), 0);
  CHECK_STR(x.text.data, DOC_TRACT_TEXT);
  CHECK_STR(meta(&x, "title"), "Gr\u00e8ve");
  /* UTF-8 bytes, no charset declared */
  CHECK_INT(html_file("none.html", &x), 0);
  CHECK_STR(x.text.data, DOC_TRACT_TEXT);
  vg_extracted_free(&x);
}

/* ---- charsets ---------------------------------------------------------------- */

static void test_charsets(void) {
  static const char U16[] = "\xff\xfe<\0p\0>\0\xe9\0t\0\xe9\0 \0\x2f\x20!\0<\0/\0p\0>\0";
  static const struct {
    const char *page;
    size_t n; /* 0: strlen(page) */
    const char *want;
  } CASES[] = {
      /* nothing declared, not UTF-8: Windows-1252 (0x80 is the euro, 0x9C oe) */
      {"<html><body><p>\x80 \x9cuvre \xe9t\xe9 \x93guillemets\x94</p></body></html>", 0,
       "\u20ac \u0153uvre \u00e9t\u00e9 \u201cguillemets\u201d"},
      /* ISO-8859-1 declared: read as Windows-1252, as browsers do */
      {"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
       "charset=iso-8859-1\"></head><body><p>\x80 caf\xe9</p></body></html>", 0,
       "\u20ac caf\u00e9"},
      /* declared Windows-1252 but bytes that are valid UTF-8: the declaration wins */
      {"<html><head><meta charset=windows-1252></head><body><p>caf\xc3\xa9</p></body></html>", 0,
       "caf\u00c3\u00a9"},
      /* declared UTF-8 with a bad byte: U+FFFD */
      {"<html><head><meta charset=\"UTF-8\"></head><body><p>caf\xe9 \xc3\xa9t\xc3\xa9</p></body>"
       "</html>", 0, "caf\ufffd \u00e9t\u00e9"},
      /* a charset libxml2 decodes itself */
      {"<html><head><meta charset=\"iso-8859-15\"></head><body><p>\xa4 \xbd</p></body></html>", 0,
       "\u20ac \u0153"},
      /* an unknown charset: as if none was declared */
      {"<html><head><meta charset=\"klingon\"></head><body><p>\xe9t\xe9</p></body></html>", 0,
       "\u00e9t\u00e9"},
      /* a meta inside a comment does not count */
      {"<html><head><!-- <meta charset=\"utf-8\"> --></head><body><p>\xe9t\xe9</p></body></html>",
       0, "\u00e9t\u00e9"},
      /* a BOM wins over the declaration: UTF-16LE, UTF-8 */
      {U16, sizeof U16 - 1, "\u00e9t\u00e9 \u202f!"},
      {"\xef\xbb\xbf<html><head><meta charset=windows-1252></head><body><p>\xc3\xa9t\xc3\xa9</p>"
       "</body></html>", 0, "\u00e9t\u00e9"},
  };
  vg_extracted x = {0};
  for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
    int r = html_n(CASES[i].page, CASES[i].n, &x);
    if (r != 0 || !x.text.data || strcmp(x.text.data, CASES[i].want) != 0)
      fprintf(stderr, "charset case %zu:\n", i);
    CHECK_INT(r, 0);
    CHECK_STR(x.text.data, CASES[i].want);
  }
  vg_extracted_free(&x);
}

/* ---- what is left out, entities, white space ------------------------------------ */

static void test_content(void) {
  vg_extracted x = {0};
  CHECK_INT(html("<!DOCTYPE html><html><head><title>T</title><style>p { color: red }</style>"
                 "<script>document.write('<p>script</p>')</script></head><body>"
                 "<p>caf&eacute;&nbsp;: 1&#x202F;000&nbsp;&euro; &lt;b&gt; &amp; &#8217;</p>"
                 "<script type=\"text/javascript\">var a = '<p>x</p>';</script>"
                 "<noscript><p>activez JavaScript</p></noscript><template><p>gabarit</p></template>"
                 "<svg><title>titre svg</title><text>dessin</text></svg><iframe>cadre</iframe>"
                 "<object>objet</object><!-- commentaire --><div hidden>cach\u00e9</div>"
                 "<span style=\"color: red; DISPLAY : none\">invisible</span>"
                 "<p>visible</p></body></html>", &x), 0);
  CHECK_STR(x.text.data, "caf\u00e9\u00a0: 1\u202f000\u00a0\u20ac <b> & \u2019\n\nvisible");
  CHECK_STR(meta(&x, "title"), "T");
  CHECK_INT(html("<html lang=\"fr-FR\"><head><title>\n  Un   titre\n</title>"
                 "<meta name=\"Author\" content=\"Comit\u00e9 &amp; co\">"
                 "<meta name=\"description\" content=\"Appel \u00e0 la gr\u00e8ve\">"
                 "<meta name=\"date\" content=\"2019-12-01\"><meta name=\"keywords\" "
                 "content=\"gr\u00e8ve, retraites\"><meta name=\"generator\" content=\"x\"></head>"
                 "<body><p>texte</p></body></html>", &x), 0);
  CHECK_STR(meta(&x, "title"), "Un titre");
  CHECK_STR(meta(&x, "author"), "Comit\u00e9 & co");
  CHECK_STR(meta(&x, "description"), "Appel \u00e0 la gr\u00e8ve");
  CHECK_STR(meta(&x, "date"), "2019-12-01");
  CHECK_STR(meta(&x, "keywords"), "gr\u00e8ve, retraites");
  CHECK_STR(meta(&x, "lang"), "fr-FR");
  CHECK(meta(&x, "generator") == NULL);
  vg_extracted_free(&x);
}

static void test_layout(void) {
  vg_extracted x = {0};
  /* white space collapsed as browsers do, pre kept */
  CHECK_INT(html("<body>\n  <p>\n    un\n    deux   <b>trois</b><i> quatre</i> \n  </p>\n"
                 "<pre>  x = 1\n\ty\tz\n\n\n\nw  </pre>\n<p>a\u00a0\u00a0b</p></body>", &x), 0);
  CHECK_STR(x.text.data, "un deux trois quatre\n\nx = 1\ny\tz\n\nw\n\na\u00a0\u00a0b");
  /* br, two br a blank line; blocks; a div with text; blank paragraphs dropped */
  CHECK_INT(html("<p>fin<br>ligne<br>\n<br>apr\u00e8s<br></p><p>&nbsp;</p><p> </p>"
                 "<div>div<div>imbriqu\u00e9</div>suite</div><h2>Titre</h2>"
                 "<blockquote>cit\u00e9</blockquote>hors bloc", &x), 0);
  CHECK_STR(x.text.data, "fin\nligne\n\napr\u00e8s\n\ndiv\n\nimbriqu\u00e9\n\nsuite\n\nTitre\n\n"
                         "cit\u00e9\n\nhors bloc");
  /* lists: an item's paragraphs, an item with its marker, a numbered one,
   * nested lists, two lists in a row */
  CHECK_INT(html("<p>Avant :</p><ul><li><p>un</p><p>deux</p></li><li>- d\u00e9j\u00e0</li>"
                 "<li>3. num\u00e9ro</li><li>\u2022 puce</li><li>parent<ul><li>enfant</li></ul></li>"
                 "<li></li></ul><ol><li>autre liste</li></ol>apr\u00e8s", &x), 0);
  CHECK_STR(x.text.data, "Avant :\n\n- un\ndeux\n- d\u00e9j\u00e0\n3. num\u00e9ro\n\u2022 puce\n"
                         "- parent\n- enfant\n\n- autre liste\n\napr\u00e8s");
  /* tables: one line per cell, a cell's paragraphs joined by line feeds */
  CHECK_INT(html("<p>avant</p><table><caption>L\u00e9gende</caption><tr><th>A</th><th>B</th></tr>"
                 "<tr><td><p>c1</p><p>c1 bis</p></td><td></td><td>c3<br>c3 bis</td></tr></table>"
                 "<p>apr\u00e8s</p>", &x), 0);
  CHECK_STR(x.text.data, "avant\n\nL\u00e9gende\nA\nB\nc1\nc1 bis\nc3\nc3 bis\n\napr\u00e8s");
  /* control characters and NUL bytes never come out */
  static const char ctl[] = "<p>a\0b\x01\x7f\xc2\x85 c&#1;&#x9f;d&#0;e</p>";
  CHECK_INT(html_n(ctl, sizeof ctl - 1, &x), 0);
  CHECK(x.text.data && !strchr(x.text.data, '\x01') && !strstr(x.text.data, "\xc2\x85"));
  /* leading NUL bytes are no UCS-4 */
  static const char nuls[] = "\0\0<\0p>\0caf\xc3\xa9\0</p>";
  CHECK_INT(html_n(nuls, sizeof nuls - 1, &x), 0);
  CHECK_STR(x.text.data, "caf\u00e9");
  /* nothing to say: success with an empty text */
  CHECK_INT(html("<html><head><title>vide</title></head><body> <script>x</script> </body></html>",
                 &x), 0);
  CHECK_INT(x.text.len, 0);
  CHECK_STR(meta(&x, "title"), "vide");
  CHECK_INT(html("", &x), 0);
  CHECK_INT(x.text.len, 0);
  vg_extracted_free(&x);
}

/* ---- hostile pages and limits --------------------------------------------------- */

static void test_hostile(void) {
  python("hostile_xml.py", ". > /dev/null");
  vg_extracted x = {0};
  /* billion laughs: HTML declares no entities, nothing grows */
  double t0 = vg_now();
  CHECK_INT(html_file("laughs.html", &x), 0);
  CHECK(vg_now() - t0 < 2.0);
  CHECK(x.text.len < 2000);
  CHECK(x.text.data && strstr(x.text.data, "Rire &lol9; jaune."));
  CHECK(x.text.data && !strstr(x.text.data, "lollol"));
  /* 100,000 nested divs: libxml2 stops at depth 256, nothing came before */
  t0 = vg_now();
  CHECK_INT(html_file("deep.html", &x), -1);
  CHECK(vg_now() - t0 < 2.0);
  CHECK_STR(x.skip, "damaged");
  CHECK_INT(x.damaged, 1);
  CHECK_STR(x.reason, "damaged HTML: Excessive depth in document: 256 (line 2)");
  /* the same with text before: kept, with a warning */
  vg_buf b = {0};
  vg_buf_printf(&b, "<html><body><p>Avant.</p>");
  for (int i = 0; i < 1000; i++) vg_buf_printf(&b, "<div>");
  vg_buf_printf(&b, "fond");
  CHECK_INT(html(b.data, &x), 0);
  CHECK_STR(x.text.data, "Avant.");
  CHECK(!strncmp(x.warning, "HTML: Excessive depth in document: 256", 38));
  vg_buf_free(&b);
  /* over max_bytes */
  vg_extract_limits l = limits(100);
  static const char big[] = "<html><body><p>un paragraphe de plus de cent octets, un paragraphe "
                            "de plus de cent octets, un paragraphe de plus</p></body></html>";
  CHECK_INT(vg_extract_html((const unsigned char *)big, sizeof big - 1, &l, &x), -1);
  CHECK_STR(x.skip, "too_large");
  CHECK_INT(x.damaged, 0);
  /* a tree over max_memory: 100,000 tiny misnested elements (3 MB) */
  vg_buf_reset(&b);
  for (int i = 0; i < 100000; i++) vg_buf_printf(&b, "<b><i>x</b></i>");
  l = limits(64ULL << 20);
  l.max_memory = 8 << 20;
  CHECK_INT(vg_extract_html((const unsigned char *)b.data, b.len, &l, &x), -1);
  CHECK_STR(x.skip, "too_large");
  CHECK_INT(x.damaged, 0);
  CHECK_STR(x.reason, "HTML: its tree would take more than 8 MB of memory (line 1)");
  CHECK_INT(x.text.len, 0);
  l.max_memory = 256 << 20;
  CHECK_INT(vg_extract_html((const unsigned char *)b.data, b.len, &l, &x), 0);
  vg_buf_free(&b);
  vg_extracted_free(&x);
}

/* ---- reentrancy ------------------------------------------------------------------ */

typedef struct job {
  const unsigned char *p;
  size_t n;
  int ok;
} job;

static void *worker(void *arg) {
  job *j = arg;
  vg_extract_limits l = limits(64ULL << 20);
  vg_extracted x = {0};
  j->ok = 1;
  for (int i = 0; i < 30; i++) {
    if (vg_extract_html(j->p, j->n, &l, &x) != 0 || !x.text.data || strcmp(x.text.data, DOC_TRACT_TEXT))
      j->ok = 0;
  }
  vg_extracted_free(&x);
  return NULL;
}

static void test_threads(void) {
  size_t n1, n2;
  unsigned char *a = slurp("utf8.html", &n1), *b = slurp("cp1252.html", &n2);
  CHECK(a && b);
  if (!a || !b) return;
  job jobs[4] = {{a, n1, 0}, {b, n2, 0}, {a, n1, 0}, {b, n2, 0}};
  pthread_t th[4];
  for (int i = 0; i < 4; i++) CHECK(pthread_create(&th[i], NULL, worker, &jobs[i]) == 0);
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    CHECK(jobs[i].ok);
  }
  free(a);
  free(b);
}

/* ---- main ----------------------------------------------------------------------- */

int main(void) {
  if (scratch_enter("html")) return 1;
  RUN(test_tract);
  RUN(test_charsets);
  RUN(test_content);
  RUN(test_layout);
  RUN(test_hostile);
  RUN(test_threads);
  scratch_leave();
  return DONE();
}
