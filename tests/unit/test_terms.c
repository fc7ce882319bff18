/*
 * test_terms.c: unit tests of the multi-term matcher (engine/terms.c) and
 * of the folding with a map it stands on (vg_text_fold_map, text.c).
 *
 * The matcher is checked against a naive reference written here: fold the
 * whole text at once with vg_text_fold_map, look for every key at every
 * position (binary search among the sorted keys, one length at a time),
 * check word boundaries on the folded text, map back, sort. The scanner
 * folds in blocks, keeps a window, runs an automaton whose deep states are
 * sparse, and orders matches with a queue: none of that is in the
 * reference, so agreement on random texts longer than a block, with and
 * without folding and whole words, and on 10,000 terms, is the test.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "terms.h"
#include "text.h"

/* ---- helpers ---------------------------------------------------------- */

typedef struct mlist {
  vg_terms_match *v;
  size_t n, cap;
} mlist;

static void ml_push(mlist *l, size_t term, size_t start, size_t end) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 64;
    l->v = realloc(l->v, l->cap * sizeof *l->v);
  }
  l->v[l->n++] = (vg_terms_match){term, start, end};
}

/* Every match of m over text, through the scanner. */
static mlist scan_all(const vg_terms *m, const char *text, size_t n) {
  mlist l = {0};
  vg_terms_scan *sc = vg_terms_scan_new();
  vg_terms_scan_start(sc, m, text, n);
  vg_terms_match mt;
  int r;
  while ((r = vg_terms_scan_next(sc, &mt)) != VG_TERMS_DONE) {
    if (r == VG_TERMS_FOUND) ml_push(&l, mt.term, mt.start, mt.end);
    if (r < 0) break;
  }
  CHECK(r == VG_TERMS_DONE);
  vg_terms_scan_free(sc);
  return l;
}

static vg_terms *get(const char *const *terms, size_t n, unsigned flags) {
  size_t lens[64];
  char err[VG_ERRLEN];
  size_t bad;
  for (size_t i = 0; i < n; i++) lens[i] = strlen(terms[i]);
  vg_terms *m = vg_terms_get(terms, lens, n, flags, err, &bad);
  if (!m) fprintf(stderr, "vg_terms_get: %s\n", err);
  return m;
}

#define ALL (VG_TERMS_FOLD | VG_TERMS_WORDS)

/* ---- the reference ---------------------------------------------------- */

typedef struct rkey {
  char *p;
  size_t len, idx;
} rkey;

static int rkey_cmp(const void *a, const void *b) {
  const rkey *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->p, y->p, n);
  if (c) return c;
  if (x->len != y->len) return x->len < y->len ? -1 : 1;
  return (x->idx > y->idx) - (x->idx < y->idx);
}

static int match_cmp(const void *a, const void *b) {
  const vg_terms_match *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end > y->end ? -1 : 1;
  return (x->term > y->term) - (x->term < y->term);
}

static int is_white(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static int32_t decode(const unsigned char *p) {
  if (p[0] < 0x80) return p[0];
  if (p[0] < 0xE0) return (p[0] & 0x1F) << 6 | (p[1] & 0x3F);
  if (p[0] < 0xF0) return (p[0] & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F);
  return (p[0] & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F);
}

static mlist reference(const char *const *terms, const size_t *lens, size_t nt,
                       unsigned flags, const char *text, size_t n) {
  int fold = flags & VG_TERMS_FOLD;
  vg_buf f = {0}, ft = {0};
  size_t *map = NULL, mapcap = 0, *tm = NULL, tmcap = 0;
  const unsigned char *w = (const unsigned char *)text;
  size_t wn = n;
  if (fold) {
    CHECK(vg_text_fold_map(text, n, VG_FOLD_SPACE | VG_FOLD_QUOTE, &f, &map, &mapcap) == 0);
    w = (const unsigned char *)f.data;
    wn = f.len;
  }
  rkey *keys = calloc(nt, sizeof *keys);
  int lens_seen[4096] = {0};
  size_t klens[4096], nklens = 0;
  for (size_t i = 0; i < nt; i++) {
    const char *p = terms[i];
    size_t len = lens[i];
    if (fold) {
      vg_text_fold_map(p, len, VG_FOLD_SPACE | VG_FOLD_QUOTE, &ft, &tm, &tmcap);
      p = ft.data;
      len = ft.len;
    }
    while (len && is_white((unsigned char)p[len - 1])) len--;
    while (len && is_white((unsigned char)*p)) p++, len--;
    keys[i] = (rkey){vg_strndup(p, len), len, i};
    if (len < 4096) lens_seen[len] = 1;
  }
  qsort(keys, nt, sizeof *keys, rkey_cmp);
  for (size_t L = 1; L < 4096; L++)
    if (lens_seen[L]) klens[nklens++] = L;
  mlist out = {0};
  for (size_t pos = 0; pos < wn; pos++) {
    for (size_t li = 0; li < nklens && pos + klens[li] <= wn; li++) {
      size_t L = klens[li];
      /* the first key equal to w[pos..pos+L) (the lowest index) */
      size_t lo = 0, hi = nt;
      rkey probe = {(char *)w + pos, L, 0};
      while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (rkey_cmp(&keys[mid], &probe) < 0) lo = mid + 1;
        else hi = mid;
      }
      if (lo == nt || keys[lo].len != L || memcmp(keys[lo].p, w + pos, L)) continue;
      if (flags & VG_TERMS_WORDS) {
        int before = 1, after = 1;
        if (pos > 0) {
          size_t j = pos - 1;
          while (j > 0 && (w[j] & 0xC0) == 0x80) j--;
          before = !vg_text_is_word(decode(w + j));
        }
        if (pos + L < wn) after = !vg_text_is_word(decode(w + pos + L));
        if (!before || !after) continue;
      }
      size_t s = fold ? map[pos] : pos, e = pos + L;
      if (fold) {
        size_t c = map[e - 1], j = e;
        while (j < wn && map[j] == c) j++;
        e = map[j];
      }
      ml_push(&out, keys[lo].idx, s, e);
    }
  }
  if (out.n) qsort(out.v, out.n, sizeof *out.v, match_cmp);
  size_t k = 0; /* the same term at the same span once */
  for (size_t i = 0; i < out.n; i++)
    if (k == 0 || match_cmp(&out.v[k - 1], &out.v[i]) != 0) out.v[k++] = out.v[i];
  out.n = k;
  for (size_t i = 0; i < nt; i++) free(keys[i].p);
  free(keys);
  vg_buf_free(&f);
  vg_buf_free(&ft);
  free(map);
  free(tm);
  return out;
}

static size_t agreed_matches; /* matches seen by agree(), to show the tests are not vacuous */

/* 1 when the scanner and the reference agree; prints the first difference. */
static int agree(const char *const *terms, const size_t *lens, size_t nt, unsigned flags,
                 const char *text, size_t n) {
  char err[VG_ERRLEN];
  size_t bad;
  vg_terms *m = vg_terms_get(terms, lens, nt, flags, err, &bad);
  if (!m) {
    fprintf(stderr, "vg_terms_get: %s\n", err);
    return 0;
  }
  mlist a = scan_all(m, text, n), b = reference(terms, lens, nt, flags, text, n);
  int ok = a.n == b.n;
  agreed_matches += a.n;
  size_t i = 0;
  for (; ok && i < a.n; i++)
    ok = a.v[i].term == b.v[i].term && a.v[i].start == b.v[i].start && a.v[i].end == b.v[i].end;
  if (!ok) {
    fprintf(stderr, "flags %u: scanner %zu matches, reference %zu", flags, a.n, b.n);
    if (i > 0 && i <= a.n && i <= b.n)
      fprintf(stderr, "; #%zu: (%zu,%zu,%zu) vs (%zu,%zu,%zu)", i - 1, a.v[i - 1].term,
              a.v[i - 1].start, a.v[i - 1].end, b.v[i - 1].term, b.v[i - 1].start,
              b.v[i - 1].end);
    fprintf(stderr, "\n");
  }
  free(a.v);
  free(b.v);
  vg_terms_release(m);
  return ok;
}

/* A small deterministic generator (xorshift). */
static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng % n);
}

/* Pieces random texts and terms are made of: NFC and NFD accents, upper
 * case, ß, a ligature, apostrophes, guillemets, spaces of three kinds,
 * a lone combining mark, a character that folds to a space. */
static const char *const PIECES[] = {
    "a", "b", "e", "s", "fi", "\xC3\xA9", "e\xCC\x81", "\xC3\x89", "E\xCC\x81", "\xC3\x9F",
    "ss", "\xEF\xAC\x81", " ", " ", " ", "\n", "\xC2\xA0", "\xE2\x80\xAF", "  ", "'",
    "\xE2\x80\x99", "\xC2\xAB", "\xC2\xBB", ".", "-", "\xCC\x81", "\xC2\xB4", "agenda",
    u8"l’agenda", "AGENDA", "\xC5\x93", "2"};
#define NPIECES (sizeof PIECES / sizeof *PIECES)

static void random_text(vg_buf *b, size_t pieces) {
  vg_buf_reset(b);
  for (size_t i = 0; i < pieces; i++) {
    const char *p = PIECES[rnd(NPIECES)];
    vg_buf_append(b, p, strlen(p));
  }
}

/* ---- folding with a map ------------------------------------------------ */

static void test_fold_map_equals_fold(void) {
  const char *texts[] = {
      u8"Les agents GÉOLOCALISÉS, « l’agenda » ; Straße, ﬁche, Œuvre, ½, ①",
      u8"ge\u0301olocalise\u0301s et E\u0301TE\u0301 \u0301 au d\u00e9but",
      "", "ASCII only, nothing else.", u8"한국어 텍스트 et 日本語"};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    vg_buf a = {0}, b = {0};
    size_t *map = NULL, cap = 0, n = strlen(texts[i]);
    CHECK(vg_text_fold(texts[i], n, &a) == 0);
    CHECK(vg_text_fold_map(texts[i], n, 0, &b, &map, &cap) == 0);
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    CHECK_INT(map[b.len], n);
    for (size_t k = 0; k + 1 <= b.len; k++) {
      CHECK(map[k] < n);
      if (k) CHECK(map[k] >= map[k - 1]);
    }
    vg_buf_free(&a);
    vg_buf_free(&b);
    free(map);
  }
}

static void test_fold_map_spaces_quotes_and_offsets(void) {
  const char *s = "L\xE2\x80\x99" "AGENDA \n\xC2\xA0 ge\xCC\x81o\xE2\x80\xAF" "bracelet";
  vg_buf out = {0};
  size_t *map = NULL, cap = 0, n = strlen(s);
  CHECK(vg_text_fold_map(s, n, VG_FOLD_SPACE | VG_FOLD_QUOTE, &out, &map, &cap) == 0);
  CHECK_STR(out.data, "l'agenda geo bracelet");
  CHECK_INT(map[0], 0);  /* l */
  CHECK_INT(map[1], 1);  /* ’ (3 bytes) */
  CHECK_INT(map[2], 4);  /* A */
  CHECK_INT(map[8], 10); /* the space run starts at byte 10 */
  CHECK_INT(map[9], 15); /* g, after space, LF, U+00A0, space */
  CHECK_INT(map[10], 16); /* e: the accent that follows has no byte */
  CHECK_INT(map[11], 19); /* o */
  CHECK_INT(map[12], 20); /* U+202F */
  CHECK_INT(map[13], 23); /* b */
  CHECK_INT(map[out.len], n);
  /* without flags the spaces and the apostrophe stay */
  CHECK(vg_text_fold_map(s, n, 0, &out, &map, &cap) == 0);
  CHECK_STR(out.data, "l\xE2\x80\x99" "agenda \n  geo bracelet");
  vg_buf_free(&out);
  free(map);
}

static void test_fold_cut_gives_the_same_fold(void) {
  vg_buf t = {0}, whole = {0}, part = {0}, joined = {0};
  size_t *wm = NULL, wcap = 0, *pm = NULL, pcap = 0;
  for (int round = 0; round < 200; round++) {
    random_text(&t, 5 + rnd(60));
    unsigned flags = (unsigned)rnd(4);
    CHECK(vg_text_fold_map(t.data, t.len, flags, &whole, &wm, &wcap) == 0);
    size_t at = rnd((uint32_t)t.len + 1), cut = vg_text_fold_cut(t.data, t.len, at);
    CHECK(cut >= at && cut <= t.len);
    CHECK(cut == t.len || vg_utf8_is_lead((unsigned char)t.data[cut]));
    vg_buf_reset(&joined);
    size_t *jm = malloc((t.len * 4 + 2) * sizeof *jm), jn = 0;
    CHECK(vg_text_fold_map(t.data, cut, flags, &part, &pm, &pcap) == 0);
    vg_buf_append(&joined, part.data, part.len);
    for (size_t k = 0; k < part.len; k++) jm[jn++] = pm[k];
    CHECK(vg_text_fold_map(t.data + cut, t.len - cut, flags, &part, &pm, &pcap) == 0);
    vg_buf_append(&joined, part.data, part.len);
    for (size_t k = 0; k < part.len; k++) jm[jn++] = pm[k] + cut;
    CHECK(joined.len == whole.len && memcmp(joined.data, whole.data, whole.len) == 0);
    CHECK(jn == whole.len && memcmp(jm, wm, jn * sizeof *jm) == 0);
    free(jm);
  }
  vg_buf_free(&t);
  vg_buf_free(&whole);
  vg_buf_free(&part);
  vg_buf_free(&joined);
  free(wm);
  free(pm);
}

static void test_is_word(void) {
  CHECK(vg_text_is_word('a') && vg_text_is_word('Z') && vg_text_is_word('7'));
  CHECK(vg_text_is_word(0xE9) && vg_text_is_word(0x301) && vg_text_is_word(0x4E2D));
  CHECK(vg_text_is_word(0xB2)); /* superscript two: a number */
  CHECK(!vg_text_is_word(' ') && !vg_text_is_word('\'') && !vg_text_is_word('_'));
  CHECK(!vg_text_is_word(0x2019) && !vg_text_is_word(0xAB) && !vg_text_is_word(0xBB));
  CHECK(!vg_text_is_word(0xA0) && !vg_text_is_word(-1) && !vg_text_is_word(0x110000));
}

/* ---- matching ---------------------------------------------------------- */

static void test_folded_forms_match(void) {
  const char *terms[] = {u8"géolocalisés"};
  vg_terms *m = get(terms, 1, ALL);
  const char *text = u8"GÉOLOCALISÉS, geolocalises; "
                     "ge\xCC\x81olocalise\xCC\x81s. G\xC3\xA9olocalis\xC3\xA9s";
  mlist l = scan_all(m, text, strlen(text));
  CHECK_INT(l.n, 4);
  const char *spans[] = {u8"GÉOLOCALISÉS", "geolocalises",
                         "ge\xCC\x81olocalise\xCC\x81s", u8"Géolocalisés"};
  for (size_t i = 0; i < l.n && i < 4; i++) {
    CHECK_INT(l.v[i].term, 0);
    CHECK_INT(l.v[i].end - l.v[i].start, strlen(spans[i]));
    CHECK(memcmp(text + l.v[i].start, spans[i], strlen(spans[i])) == 0);
  }
  /* the NFD match ends after the combining accent of the last é */
  CHECK(l.n > 2 && text[l.v[2].end - 1] == 's' && text[l.v[2].end - 2] == '\x81');
  free(l.v);
  vg_terms_release(m);
  const char *ss[] = {"strasse"};
  m = get(ss, 1, ALL);
  l = scan_all(m, "STRASSE Stra\xC3\x9F" "e", 15);
  CHECK_INT(l.n, 2);
  free(l.v);
  vg_terms_release(m);
}

static void test_word_boundaries(void) {
  const char *terms[] = {"agenda"};
  vg_terms *m = get(terms, 1, ALL);
  const char *text = u8"« l’agenda » l'agenda agendas agenda. sous-agenda_x 2agenda";
  mlist l = scan_all(m, text, strlen(text));
  CHECK_INT(l.n, 4); /* « l’agenda », l'agenda, agenda., sous-agenda */
  for (size_t i = 0; i < l.n; i++)
    CHECK(l.v[i].end - l.v[i].start == 6 && memcmp(text + l.v[i].start, "agenda", 6) == 0);
  free(l.v);
  vg_terms_release(m);
  m = get(terms, 1, VG_TERMS_FOLD);
  l = scan_all(m, text, strlen(text));
  CHECK_INT(l.n, 6); /* agendas, 2agenda too */
  free(l.v);
  vg_terms_release(m);
  /* a match inside what one character folds to is no whole word */
  const char *fi[] = {"iche", "fiche"};
  m = get(fi, 2, ALL);
  l = scan_all(m, "\xEF\xAC\x81" "che", 6);
  CHECK_INT(l.n, 1);
  CHECK(l.n == 1 && l.v[0].term == 1 && l.v[0].start == 0 && l.v[0].end == 6);
  free(l.v);
  vg_terms_release(m);
}

static void test_phrases_across_spaces(void) {
  const char *terms[] = {u8"bracelet  connecté"};
  vg_terms *m = get(terms, 1, ALL);
  const char *text = u8"un bracelet\nconnecté, un BRACELET\u00a0CONNECTÉ, bracelet \u202f\n connecté";
  mlist l = scan_all(m, text, strlen(text));
  CHECK_INT(l.n, 3);
  if (l.n == 3) {
    CHECK(memcmp(text + l.v[0].start, u8"bracelet\nconnecté", l.v[0].end - l.v[0].start) == 0);
    CHECK_INT(l.v[1].end - l.v[1].start, strlen(u8"BRACELET\u00a0CONNECTÉ"));
    CHECK_INT(l.v[2].end - l.v[2].start, strlen(u8"bracelet \u202f\n connecté"));
  }
  free(l.v);
  vg_terms_release(m);
}

static void test_overlaps_in_order(void) {
  const char *terms[] = {"connecté", "bracelet", u8"bracelet connecté", "bracelet connect"};
  vg_terms *m = get(terms, 4, ALL);
  const char *text = u8"le bracelet connecté";
  mlist l = scan_all(m, text, strlen(text));
  CHECK_INT(l.n, 3); /* "bracelet connect" is no whole word here */
  if (l.n == 3) {
    CHECK(l.v[0].term == 2 && l.v[0].start == 3 && l.v[0].end == strlen(text));
    CHECK(l.v[1].term == 1 && l.v[1].start == 3 && l.v[1].end == 11);
    CHECK(l.v[2].term == 0 && l.v[2].start == 12);
  }
  free(l.v);
  vg_terms_release(m);
  /* terms that fold to the same key: the first of the list speaks */
  const char *dup[] = {"Badgeuse", "badgeuse", "BADGEUSE"};
  m = get(dup, 3, ALL);
  l = scan_all(m, "la badgeuse", 11);
  CHECK(l.n == 1 && l.v[0].term == 0);
  vg_terms_info info;
  vg_terms_stat(m, &info);
  CHECK_INT(info.keys, 1);
  free(l.v);
  vg_terms_release(m);
}

static void test_exact_bytes(void) {
  const char *terms[] = {"Agenda", u8"é"};
  vg_terms *m = get(terms, 2, VG_TERMS_WORDS);
  const char *text = u8"agenda Agenda AGENDA e\u0301 é";
  mlist l = scan_all(m, text, strlen(text));
  CHECK_INT(l.n, 2);
  if (l.n == 2) {
    CHECK(l.v[0].term == 0 && l.v[0].start == 7 && l.v[0].end == 13);
    CHECK(l.v[1].term == 1 && l.v[1].start == strlen(text) - 2);
  }
  free(l.v);
  vg_terms_release(m);
}

static void test_errors(void) {
  char err[VG_ERRLEN];
  size_t bad, lens[3];
  const char *terms[] = {"ok", "\xCC\x81", "  "};
  for (int i = 0; i < 3; i++) lens[i] = strlen(terms[i]);
  CHECK(vg_terms_get(terms, lens, 0, ALL, err, &bad) == NULL);
  CHECK(strstr(err, "empty term list") != NULL && bad == (size_t)-1);
  CHECK(vg_terms_get(terms, lens, 2, ALL, err, &bad) == NULL);
  CHECK(strstr(err, "folds to nothing") != NULL && bad == 1);
  CHECK(vg_terms_get(terms + 2, lens + 2, 1, 0, err, &bad) == NULL);
  CHECK(strstr(err, "is empty") != NULL && bad == 0);
  vg_terms *m = vg_terms_get(terms + 1, lens + 1, 1, 0, err, &bad); /* exact: a mark is bytes */
  CHECK(m != NULL);
  vg_terms_release(m);
}

static void test_cache_shares_one_automaton(void) {
  const char *a[] = {"badgeuse", "pointeuse"}, *b[] = {"badgeuse", "pointeuses"};
  size_t before = vg_terms_cached();
  vg_terms *m1 = get(a, 2, ALL), *m2 = get(a, 2, ALL), *m3 = get(a, 2, VG_TERMS_FOLD),
           *m4 = get(b, 2, ALL);
  CHECK(m1 && m1 == m2);
  CHECK(m3 != m1 && m4 != m1);
  vg_terms_info info;
  vg_terms_stat(m1, &info);
  CHECK_INT(info.refs, 2);
  CHECK_INT(vg_terms_cached(), before + 3);
  vg_terms_release(m2);
  CHECK_INT(vg_terms_cached(), before + 3);
  vg_terms_release(m1);
  vg_terms_release(m3);
  vg_terms_release(m4);
  CHECK_INT(vg_terms_cached(), before);
  vg_terms_release(NULL);
}

#define NTHREADS 8
static vg_terms *thread_got[NTHREADS];
static size_t thread_count[NTHREADS];

static void *thread_main(void *arg) {
  size_t k = (size_t)(uintptr_t)arg;
  const char *terms[] = {"badgeuse", u8"géolocalisation", "bracelet connecté", "agenda"};
  thread_got[k] = get(terms, 4, ALL);
  const char *text = u8"Badgeuse et GÉOLOCALISATION, bracelet connecté, l’agenda.";
  mlist l = scan_all(thread_got[k], text, strlen(text));
  thread_count[k] = l.n;
  free(l.v);
  return NULL;
}

static void test_threads_share_and_scan(void) {
  pthread_t th[NTHREADS];
  for (size_t k = 0; k < NTHREADS; k++)
    pthread_create(&th[k], NULL, thread_main, (void *)(uintptr_t)k);
  for (size_t k = 0; k < NTHREADS; k++) pthread_join(th[k], NULL);
  vg_terms_info info;
  vg_terms_stat(thread_got[0], &info);
  CHECK_INT(info.refs, NTHREADS);
  for (size_t k = 0; k < NTHREADS; k++) {
    CHECK(thread_got[k] == thread_got[0]);
    CHECK_INT(thread_count[k], 4);
  }
  for (size_t k = 0; k < NTHREADS; k++) vg_terms_release(thread_got[k]);
}

static void test_random_against_reference(void) {
  vg_buf text = {0};
  char *terms[12];
  size_t lens[12];
  vg_buf tb = {0};
  for (int round = 0; round < 60; round++) {
    size_t nt = 1 + rnd(12);
    for (size_t i = 0; i < nt; i++) {
      do {
        random_text(&tb, 1 + rnd(4));
        terms[i] = vg_strndup(tb.data, tb.len);
        lens[i] = tb.len;
        /* keys that fold to nothing are refused: draw again */
        char err[VG_ERRLEN];
        size_t bad;
        vg_terms *probe = vg_terms_get((const char *const *)&terms[i], &lens[i], 1,
                                       VG_TERMS_FOLD, err, &bad);
        if (probe) {
          vg_terms_release(probe);
          break;
        }
        free(terms[i]);
      } while (1);
    }
    /* long enough for several blocks in some rounds */
    random_text(&text, round % 10 == 0 ? 30000 : 50 + rnd(400));
    /* all states dense; only the root dense; a few */
    vg_terms_set_dense_limit((size_t[]){0, 1, 300}[round % 3]);
    for (unsigned flags = 0; flags < 4; flags++) {
      if (!(flags & VG_TERMS_FOLD)) {
        int empty = 0; /* exact keys are trimmed bytes: skip lists with a blank term */
        for (size_t i = 0; i < nt; i++) {
          size_t k = 0;
          while (k < lens[i] && is_white((unsigned char)terms[i][k])) k++;
          empty |= k == lens[i];
        }
        if (empty) continue;
      }
      CHECK(agree((const char *const *)terms, lens, nt, flags, text.data, text.len));
    }
    for (size_t i = 0; i < nt; i++) free(terms[i]);
  }
  vg_terms_set_dense_limit(0);
  CHECK(agreed_matches > 10000);
  vg_buf_free(&text);
  vg_buf_free(&tb);
}

/* 10,000 generated terms (so the automaton has sparse states too) over a
 * text of several blocks made of words of the list and others. */
static void test_ten_thousand_terms(void) {
  enum { NT = 10000 };
  static const char *const syl[] = {"ba", "ge", "lo", "ca", u8"té", "ri", "mon", "sur",
                                    "veil", "lan", "ce", u8"ç", "pro", "duc", "ti", "vi",
                                    "ÉT", "qu", "oi", "ss", "mu", "na", "po", "fa",
                                    u8"lè", "do", "bu", "ja", "xe", "zo"};
  char **terms = malloc(NT * sizeof *terms);
  size_t *lens = malloc(NT * sizeof *lens);
  vg_buf w = {0}, text = {0};
  for (size_t i = 0; i < NT; i++) {
    int words = 1 + (rnd(5) == 0);
    vg_buf_reset(&w);
    for (int k = 0; k < words; k++) {
      if (k) vg_buf_append(&w, " ", 1);
      int ns = 3 + (int)rnd(4);
      for (int j = 0; j < ns; j++) {
        const char *s = syl[rnd(30)];
        vg_buf_append(&w, s, strlen(s));
      }
    }
    terms[i] = vg_strndup(w.data, w.len);
    lens[i] = w.len;
  }
  while (text.len < 80000) {
    if (rnd(3) == 0) {
      const char *t = terms[rnd(NT)];
      vg_buf_append(&text, t, strlen(t));
    } else {
      int ns = 1 + (int)rnd(5);
      for (int j = 0; j < ns; j++) {
        const char *s = syl[rnd(30)];
        vg_buf_append(&text, s, strlen(s));
      }
    }
    const char *sep[] = {" ", ", ", "\n", u8"\u00a0", u8" « ", u8" » ", u8"’", ". "};
    const char *s = sep[rnd(8)];
    vg_buf_append(&text, s, strlen(s));
  }
  char err[VG_ERRLEN];
  size_t bad;
  vg_terms *m = vg_terms_get((const char *const *)terms, lens, NT, ALL, err, &bad);
  CHECK(m != NULL);
  if (m) {
    vg_terms_info info;
    vg_terms_stat(m, &info);
    CHECK(info.keys > NT * 99 / 100); /* few generated terms repeat */
    CHECK(info.dense == info.states); /* a DFA by default at this size */
    mlist l = scan_all(m, text.data, text.len);
    CHECK(l.n > 1000);
    free(l.v);
    vg_terms_release(m);
  }
  CHECK(agree((const char *const *)terms, lens, NT, ALL, text.data, text.len));
  /* with a small budget the deep states are sparse: same matches */
  vg_terms_set_dense_limit(100000);
  m = vg_terms_get((const char *const *)terms, lens, NT, ALL, err, &bad);
  if (m) {
    vg_terms_info info;
    vg_terms_stat(m, &info);
    CHECK(info.dense > 1 && info.dense < info.states / 2);
    vg_terms_release(m);
  }
  CHECK(agree((const char *const *)terms, lens, NT, ALL, text.data, text.len));
  CHECK(agree((const char *const *)terms, lens, NT, VG_TERMS_FOLD, text.data, text.len));
  CHECK(agree((const char *const *)terms, lens, NT, VG_TERMS_WORDS, text.data, text.len));
  vg_terms_set_dense_limit(0);
  for (size_t i = 0; i < NT; i++) free(terms[i]);
  free(terms);
  free(lens);
  vg_buf_free(&w);
  vg_buf_free(&text);
}

static void test_scanner_reuse_and_empty_text(void) {
  const char *terms[] = {"agenda"};
  vg_terms *m = get(terms, 1, ALL);
  vg_terms_scan *sc = vg_terms_scan_new();
  vg_terms_match mt;
  vg_terms_scan_start(sc, m, "", 0);
  CHECK_INT(vg_terms_scan_next(sc, &mt), VG_TERMS_DONE);
  CHECK_INT(vg_terms_scan_next(sc, &mt), VG_TERMS_DONE);
  vg_terms_scan_start(sc, m, "agenda", 6);
  CHECK_INT(vg_terms_scan_next(sc, &mt), VG_TERMS_FOUND);
  /* started again before the end: the first pass is forgotten */
  vg_terms_scan_start(sc, m, "x agenda", 8);
  CHECK_INT(vg_terms_scan_next(sc, &mt), VG_TERMS_FOUND);
  CHECK(mt.start == 2 && mt.end == 8);
  CHECK_INT(vg_terms_scan_next(sc, &mt), VG_TERMS_DONE);
  vg_terms_scan_free(sc);
  vg_terms_scan_free(NULL);
  vg_terms_release(m);
}

int main(void) {
  RUN(test_fold_map_equals_fold);
  RUN(test_fold_map_spaces_quotes_and_offsets);
  RUN(test_fold_cut_gives_the_same_fold);
  RUN(test_is_word);
  RUN(test_folded_forms_match);
  RUN(test_word_boundaries);
  RUN(test_phrases_across_spaces);
  RUN(test_overlaps_in_order);
  RUN(test_exact_bytes);
  RUN(test_errors);
  RUN(test_cache_shares_one_automaton);
  RUN(test_threads_share_and_scan);
  RUN(test_scanner_reuse_and_empty_text);
  RUN(test_random_against_reference);
  RUN(test_ten_thousand_terms);
  return DONE();
}
