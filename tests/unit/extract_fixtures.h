/*
 * extract_fixtures.h: what the unit tests of the extractors share
 * (test_extract_*.c), test_input.c using the first part too. A scratch
 * directory the test works in (made under $VIGIE_TEST_TMP, else /tmp,
 * removed at the end unless $VIGIE_TEST_KEEP is set), files written and
 * read whole, shell commands and the Python generators of tests/formats/
 * (the source tree is $VIGIE_SOURCE_DIR, else found from this file's
 * path); then, for the extractors, the limits, a file extracted, a
 * metadata value, the text conventions of extract.h as checks, and the
 * tract of the DOCX, ODT and HTML tests. Everything is static inline: a
 * test uses what it needs. The including file defines _XOPEN_SOURCE 700
 * or _GNU_SOURCE first (mkdtemp, nftw, realpath).
 */
#ifndef VG_EXTRACT_FIXTURES_H
#define VG_EXTRACT_FIXTURES_H

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "harness.h"
#include "text.h"

static char fx_src[PATH_MAX];     /* the source tree */
static char fx_scratch[PATH_MAX]; /* the scratch directory */
static char fx_old_cwd[PATH_MAX]; /* where the test started */

/* ---- files, directories, commands -------------------------------------- */

/* Writes data[0..len) to path; a failure is a failed check. */
static inline void write_file(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  if (len) CHECK(fwrite(data, 1, len, f) == len);
  fclose(f);
}

static inline void write_text(const char *path, const char *s) { write_file(path, s, strlen(s)); }

/* The whole file, owned, with a NUL after it; *len its size. NULL when it
 * cannot be read. */
static inline void *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  *len = 0;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
    free(p);
    p = NULL;
  }
  fclose(f);
  if (!p) return NULL;
  p[n] = '\0';
  *len = (size_t)n;
  return p;
}

/* Runs cmd with the shell; prints it when it fails. Returns its status. */
static inline int sh(const char *cmd) {
  int r = system(cmd);
  if (r != 0) fprintf(stderr, "command failed (%d): %s\n", r, cmd);
  return r;
}

/* Runs python3 on tests/formats/script with the arguments fmt gives (shell
 * words, quoted by the caller), in the current directory; a failure is a
 * failed check. Returns its status. */
static inline int python(const char *script, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int python(const char *script, const char *fmt, ...) {
  char args[8192], cmd[sizeof args + sizeof fx_src + 64];
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(args, sizeof args, fmt, ap);
  va_end(ap);
  if (k < 0 || (size_t)k >= sizeof args) {
    CHECK(!"python: arguments too long");
    return -1;
  }
  snprintf(cmd, sizeof cmd, "python3 '%s/tests/formats/%s' %s", fx_src, script, args);
  int r = sh(cmd);
  CHECK(r == 0);
  return r;
}

/* Finds the source tree, makes the scratch directory vigie-name-XXXXXX
 * and goes into it. Returns 0, or -1 with a message. */
static inline int scratch_enter(const char *name) {
  const char *s = getenv("VIGIE_SOURCE_DIR");
  if (s && *s) {
    snprintf(fx_src, sizeof fx_src, "%s", s);
  } else { /* __FILE__ is .../tests/unit/extract_fixtures.h */
    char guess[PATH_MAX];
    snprintf(guess, sizeof guess, "%s", __FILE__);
    char *cut = strstr(guess, "/tests/unit/");
    if (cut) *cut = '\0';
    else snprintf(guess, sizeof guess, "../..");
    if (!realpath(guess, fx_src)) snprintf(fx_src, sizeof fx_src, "%s", guess);
  }
  char base[PATH_MAX];
  s = getenv("VIGIE_TEST_TMP");
  snprintf(base, sizeof base, "%s", s && *s ? s : "/tmp");
  for (char *p = base + 1; *p; p++) { /* mkdir -p: ctest's may not exist yet */
    if (*p != '/') continue;
    *p = '\0';
    mkdir(base, 0755);
    *p = '/';
  }
  mkdir(base, 0755);
  int k = snprintf(fx_scratch, sizeof fx_scratch, "%s/vigie-%s-XXXXXX", base, name);
  if (k < 0 || (size_t)k >= sizeof fx_scratch || !mkdtemp(fx_scratch) ||
      !getcwd(fx_old_cwd, sizeof fx_old_cwd) || chdir(fx_scratch) != 0) {
    fprintf(stderr, "test %s: scratch directory under %s: %s\n", name, base, strerror(errno));
    return -1;
  }
  return 0;
}

static inline int fx_remove(const char *p, const struct stat *st, int flag, struct FTW *f) {
  (void)st;
  (void)f;
  if (flag != FTW_SL && flag != FTW_SLN) chmod(p, 0700); /* a test may have taken rights away */
  return remove(p);
}

/* Goes back where the test started and removes the scratch directory,
 * unless $VIGIE_TEST_KEEP is set. */
static inline void scratch_leave(void) {
  if (chdir(fx_old_cwd) == 0 && !getenv("VIGIE_TEST_KEEP"))
    nftw(fx_scratch, fx_remove, 16, FTW_DEPTH | FTW_PHYS);
}

/* The peak resident size of the process, in KiB. */
static inline long max_rss_kb(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

/* ---- extractors ---------------------------------------------------------- */

/* The default limits for documents of max_doc_bytes. */
static inline vg_extract_limits limits(uint64_t max_doc_bytes) {
  vg_extract_limits l;
  vg_extract_default_limits(&l, max_doc_bytes);
  return l;
}

/* Extracts the file at path with the extractor of f and limits l (NULL:
 * limits(64 << 20)). Returns the extractor's result, -2 (and a failed
 * check) when the file cannot be read. */
static inline int extract_file(vg_format f, const char *path, const vg_extract_limits *l,
                               vg_extracted *x) {
  vg_extract_limits def = limits(64 << 20);
  size_t n;
  unsigned char *p = slurp(path, &n);
  CHECK(p != NULL);
  if (!p) return -2;
  int r = vg_extract(f, p, n, l ? l : &def, x);
  free(p);
  return r;
}

/* The value of metadata key in x (borrowed), or NULL. */
static inline const char *meta(const vg_extracted *x, const char *key) {
  for (size_t i = 0; i < x->meta.len;) {
    const char *k = x->meta.data + i, *v = k + strlen(k) + 1;
    if (!strcmp(k, key)) return v;
    i = (size_t)(v - x->meta.data) + strlen(v) + 1;
  }
  return NULL;
}

/* Checks the text conventions of extract.h on a successful result: valid
 * UTF-8, no NUL, no control character but \t \n \f (no DEL, no C1), no run
 * of blank lines, no line feed first; last, a single line feed when
 * final_lf (e-mail), else none. One check a byte, so that a failure names
 * the kind. */
static inline void check_conventions(const vg_extracted *x, int final_lf) {
  const char *s = x->text.data ? x->text.data : "";
  size_t n = x->text.len;
  CHECK(vg_text_valid(s, n));
  CHECK(strlen(s) == n);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    CHECK(c >= 0x20 || c == '\t' || c == '\n' || c == '\f');
    CHECK(c != 0x7f && !(c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] <= 0x9F));
  }
  CHECK(!strstr(s, "\n\n\n"));
  if (final_lf) CHECK(n == 0 || (s[0] != '\n' && s[n - 1] == '\n' && (n < 2 || s[n - 2] != '\n')));
  else CHECK(n == 0 || (s[0] != '\n' && s[n - 1] != '\n'));
}

/* ---- the tract of the DOCX, ODT and HTML tests ----------------------------- */

/* A tract as corpus/tracts has them (TXT) and the text every one of these
 * formats must give for it: list markers as "- ", a table cell per line, no
 * final line feed. They differ only there. */
#define DOC_TRACT_HEAD                                                                         \
  "5 D\u00c9CEMBRE\u202f: TOUS EN GR\u00c8VE\n"                                               \
  "\n"                                                                                        \
  "Le gouvernement veut un \u00ab\u00a0syst\u00e8me universel par points\u00a0\u00bb. "       \
  "L\u2019\u00e9tat des finances publiques d\u00e9cidera.\n"                                  \
  "Personne ne pourra savoir quelle pension il touchera\u202f: 1\u202f000\u00a0\u20ac\u202f? " \
  "\U0001F621\n"                                                                              \
  "\n"                                                                                        \
  "Ce que nous perdrions\u202f:\n"                                                            \
  "\n"                                                                                        \
  "- le calcul sur les 25 meilleures ann\u00e9es\n"                                           \
  "- les d\u00e9parts anticip\u00e9s des m\u00e9tiers p\u00e9nibles\u202f: aides-soignantes, " \
  "\u00e9goutiers\u2026\n"                                                                    \
  "- la garantie d\u2019un taux connu \u00e0 l\u2019avance\n"                                 \
  "\n"
#define DOC_TRACT_ITEM1 " Dans le priv\u00e9, aucun pr\u00e9avis n\u2019est n\u00e9cessaire.\n"
#define DOC_TRACT_ITEM2                                                                        \
  " Dans la fonction publique, le pr\u00e9avis est d\u00e9pos\u00e9 par les "                 \
  "f\u00e9d\u00e9rations.\n"
#define DOC_TRACT_TAIL                                                                         \
  "Ils comptent sur notre r\u00e9signation. Comptons sur nos forces\u202f: \u0153uvrons "     \
  "ensemble\u202f!"

#define DOC_TRACT                                                                              \
  DOC_TRACT_HEAD "\u2022" DOC_TRACT_ITEM1 "\u2022" DOC_TRACT_ITEM2                            \
  "\n"                                                                                        \
  "Lieu\tHeure\n"                                                                             \
  "Place de la Lib\u00e9ration\t10\u00a0h\u00a030\n"                                          \
  "\n" DOC_TRACT_TAIL "\n"

#define DOC_TRACT_TEXT                                                                         \
  DOC_TRACT_HEAD "-" DOC_TRACT_ITEM1 "-" DOC_TRACT_ITEM2                                      \
  "\n"                                                                                        \
  "Lieu\n"                                                                                    \
  "Heure\n"                                                                                   \
  "Place de la Lib\u00e9ration\n"                                                             \
  "10\u00a0h\u00a030\n"                                                                       \
  "\n" DOC_TRACT_TAIL

#endif
