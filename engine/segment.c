/*
 * segment.c: see segment.h.
 *
 * A sentence break is decided at a candidate byte (a terminator or a line
 * feed) by looking only at a few words around it, never at state carried
 * from earlier in the text, so vg_segment_sentence_at can decide from a
 * window what vg_segment_sentences decides from the start. Sentences are
 * the pieces between breaks, trimmed, empty ones dropped.
 *
 * Terminators. A run of . ! ? U+2026 (so "...", "?!") ends a sentence
 * when it is followed, maybe through closing marks, by white space or the
 * end of the text. The closing marks belong to the sentence: » ” › ) ]
 * even after a space or a no-break space, as French sets them ("« C'est
 * fini. » Ensuite" breaks after »), " ' ’ right after the terminator or
 * when white space follows them. The run does not end a sentence when the
 * next word starts with a lower-case letter: "etc. et", "… puis", "« Non !
 * » dit-il" go on, "etc. La", "… Puis" break. A single "." does not end
 * one either after an abbreviation (TITLES, and ABBREVS also with a
 * capital first letter: "Art."), after a single capital initial ("J.
 * Dupont", "C.G.T. appelle"), or when it closes a numbered item at the
 * start of a line ("1. ", "1.2. ", "IV. "). A point with no white space
 * after it ("3.5", "1.2.3", "cgt.fr") never ends a sentence.
 *
 * Line feeds. Leaflets drop final stops, so a line feed is decided in this
 * order: a break when the next line or this line is blank (a blank line
 * always ends a sentence), when the next line starts with a list marker
 * (a bullet - * • – — · ▪ ► ■ ◦ ‣ ➢ → ✓ or U+F0A7 U+F0B7, or a numbered
 * item "1)" "1." "1.2." "a)" "(1)" "(a)" "IV.", then a space: each item
 * is its own sentence), or when this line is a title (at least two
 * capitals, no lower-case letter, at most TITLE_MAX bytes); no break when
 * this line ends with something that goes on (one of , ; : - ‐ ( [ / & +
 * = ' ’ ‘ « “ °, an abbreviation or initial, or a word of JOINERS: "de",
 * "la", "avec"..., unless a hyphen binds it to the word before, as in
 * "parlons-en"); a break when the next line starts like a new unit (a
 * capital, accented ones too, a digit, « “ ‹ "); otherwise (lower case,
 * wrapped prose) no break.
 */
#include "segment.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

typedef unsigned char uchar;

#define TITLE_MAX 200 /* bytes: a longer line is never a title */
#define WORD_MAX 24   /* bytes: a longer word is no abbreviation or joiner */

/* Abbreviations: a single "." after them does not end a sentence. TITLES
 * come before names, so a line ending with one goes on even without the
 * "." ("Mme\nMartin"). */
static const char *const TITLES[] = {
    "M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Me", "Mgr", "Dr", "Pr",
    "St", "Ste", NULL};
static const char *const ABBREVS[] = {
    "cf", "p", "pp", "art", "No", "no", "vol", "chap", "ex", "env", "min",
    "max", "av", "bd", "fig", "tél", "éd", "coll", NULL};

/* Words that do not end a sentence: a line ending with one goes on. */
static const char *const JOINERS[] = {
    "à", "afin", "au", "aux", "avec", "car", "ce", "ces", "cet", "cette",
    "chez", "comme", "contre", "dans", "de", "depuis", "des", "dès", "dont",
    "du", "en", "entre", "envers", "et", "il", "ils", "je", "la", "le",
    "les", "leurs", "lors", "lorsque", "ma", "mais", "malgré", "mes", "mon",
    "ne", "ni", "nos", "notre", "ou", "par", "parmi", "pendant", "pour",
    "puisque", "quand", "que", "qui", "sa", "sans", "se", "selon", "ses",
    "si", "son", "sous", "sur", "ta", "tes", "ton", "un", "une", "vers",
    "via", "vos", "votre", NULL};

/* Bullets that open a list item when a space follows them. */
static const char *const BULLETS[] = {
    "-", "*", "\u2022", "\u2013", "\u2014", "\u00b7", "\u25aa", "\u25ba",
    "\u25a0", "\u25e6", "\u2023", "\u27a2", "\u2192", "\u2713", "\uf0a7",
    "\uf0b7", NULL};

/* ---- characters -------------------------------------------------------- */

/* Length of the white-space code point at t[i] (i < n), or 0. */
static size_t space_at(const uchar *t, size_t n, size_t i) {
  uchar c = t[i];
  if (c < 0x80) return (c == ' ' || (c >= '\t' && c <= '\r')) ? 1 : 0;
  if (c == 0xC2) return (i + 1 < n && (t[i + 1] == 0x85 || t[i + 1] == 0xA0)) ? 2 : 0;
  if (i + 2 >= n) return 0;
  uchar d = t[i + 1], e = t[i + 2];
  if (c == 0xE1) return (d == 0x9A && e == 0x80) ? 3 : 0;
  if (c == 0xE2)
    return ((d == 0x80 && (e <= 0x8A || e == 0xA8 || e == 0xA9 || e == 0xAF)) ||
            (d == 0x81 && e == 0x9F))
               ? 3
               : 0;
  return (c == 0xE3 && d == 0x80 && e == 0x80) ? 3 : 0;
}

/* Length of the white-space code point that ends just before t[i], or 0. */
static size_t space_before(const uchar *t, size_t i) {
  if (i == 0) return 0;
  if (t[i - 1] < 0x80) return space_at(t, i, i - 1);
  if (i >= 2 && t[i - 2] == 0xC2) return space_at(t, i, i - 2);
  if (i >= 3 && t[i - 3] >= 0xE1 && t[i - 3] <= 0xE3) return space_at(t, i, i - 3);
  return 0;
}

/* White space other than a line feed. */
static size_t hspace_at(const uchar *t, size_t n, size_t i) {
  return t[i] == '\n' ? 0 : space_at(t, n, i);
}

/* The class of the code point at t[i] (i < n); *len its length. */
static vg_cclass cls_at(const uchar *t, size_t n, size_t i, size_t *len) {
  uchar c = t[i];
  if (c >= 0x80) return vg_text_class_at((const char *)t, n, i, len);
  *len = 1;
  if (c >= 'a' && c <= 'z') return VG_CC_LOWER;
  if (c >= 'A' && c <= 'Z') return VG_CC_UPPER;
  if (c >= '0' && c <= '9') return VG_CC_DIGIT;
  if (space_at(t, n, i)) return VG_CC_SPACE;
  return (c && strchr("!\"#%&'()*,-./:;?@[\\]_{}", c)) ? VG_CC_PUNCT : VG_CC_OTHER;
}

/* The class of the code point that ends just before t[i] (i > 0); *len
 * its length. */
static vg_cclass cls_before(const uchar *t, size_t n, size_t i, size_t *len) {
  size_t j = i - 1;
  while (j > 0 && i - j < 4 && !vg_utf8_is_lead(t[j])) j--;
  vg_cclass c = cls_at(t, n, j, len);
  *len = i - j;
  return c;
}

static int is_word(vg_cclass c) {
  return c == VG_CC_UPPER || c == VG_CC_LOWER || c == VG_CC_LETTER || c == VG_CC_MARK;
}

/* Length of the terminator (. ! ? U+2026) at t[i], or 0. */
static size_t term_at(const uchar *t, size_t n, size_t i) {
  uchar c = t[i];
  if (c == '.' || c == '!' || c == '?') return 1;
  return (c == 0xE2 && i + 2 < n && t[i + 1] == 0x80 && t[i + 2] == 0xA6) ? 3 : 0;
}

/* 1 when a terminator ends just before t[i]. */
static int term_before(const uchar *t, size_t i) {
  if (i == 0) return 0;
  uchar c = t[i - 1];
  if (c == '.' || c == '!' || c == '?') return 1;
  return i >= 3 && t[i - 3] == 0xE2 && t[i - 2] == 0x80 && c == 0xA6;
}

/* Length of the closing mark at t[i] (» ” ’ › ) ] " '), or 0. *spaced_ok
 * gets 1 for the marks that may follow a space (» ” ›, and ) ]). */
static size_t closer_at(const uchar *t, size_t n, size_t i, int *spaced_ok) {
  uchar c = t[i];
  *spaced_ok = 1;
  if (c == ')' || c == ']') return 1;
  if (c == 0xC2 && i + 1 < n && t[i + 1] == 0xBB) return 2;
  if (c == 0xE2 && i + 2 < n && t[i + 1] == 0x80 && (t[i + 2] == 0x9D || t[i + 2] == 0xBA))
    return 3;
  *spaced_ok = 0;
  if (c == '"' || c == '\'') return 1;
  return (c == 0xE2 && i + 2 < n && t[i + 1] == 0x80 && t[i + 2] == 0x99) ? 3 : 0;
}

/* 1 when t[i, i+len) is a word of list; with cap, a capital first ASCII
 * letter also matches ("Art" for "art"). */
static int in_list(const char *const *list, const uchar *w, size_t len, int cap) {
  for (; *list; list++) {
    const char *e = *list;
    if (strlen(e) != len) continue;
    if (!memcmp(e, w, len)) return 1;
    if (cap && w[0] >= 'A' && w[0] <= 'Z' && e[0] == w[0] + ('a' - 'A') &&
        !memcmp(e + 1, w + 1, len - 1))
      return 1;
  }
  return 0;
}

/* Start of the word (letters and marks) that ends at t[i]: i when none,
 * or when it is longer than WORD_MAX bytes. */
static size_t word_start(const uchar *t, size_t n, size_t i) {
  size_t w = i, k;
  while (w > 0 && i - w <= WORD_MAX && is_word(cls_before(t, n, w, &k))) w -= k;
  return i - w > WORD_MAX ? i : w;
}

/* 1 when the word ending at t[i] (just before a ".") is an abbreviation
 * or a single capital initial. */
static int abbrev_before(const uchar *t, size_t n, size_t i) {
  size_t w = word_start(t, n, i), k;
  if (w == i) return 0;
  if (cls_at(t, n, w, &k) == VG_CC_UPPER) {
    size_t j = w + k;
    while (j < i && cls_at(t, n, j, &k) == VG_CC_MARK) j += k;
    if (j == i) return 1; /* "J." "É." */
  }
  return in_list(TITLES, t + w, i - w, 0) || in_list(ABBREVS, t + w, i - w, 1);
}

/* ---- list markers ------------------------------------------------------ */

/* Length of the list marker at t[i] (the first non-blank byte of a line)
 * when white space other than a line feed follows it, else 0: a bullet,
 * or a numbered item "1)" "1." "1.2." "(1)" "a)" "(a)" "IV." (a single
 * letter takes ")" only, so "M. Dupont" is no item). */
static size_t marker_at(const uchar *t, size_t n, size_t i) {
  for (const char *const *b = BULLETS; *b; b++) {
    size_t k = strlen(*b);
    if (i + k < n && !memcmp(t + i, *b, k) && hspace_at(t, n, i + k)) return k;
  }
  size_t j = i, k;
  int paren = t[j] == '(', point_ok = 1;
  if (paren) j++;
  for (k = j; k < n && k - j < 3 && t[k] >= '0' && t[k] <= '9';) k++;
  if (k > j) {
    while (k + 1 < n && t[k] == '.' && t[k + 1] >= '0' && t[k + 1] <= '9') {
      size_t d = ++k;
      while (k < n && k - d < 3 && t[k] >= '0' && t[k] <= '9') k++;
    }
  } else {
    while (k < n && k - j < 5 && t[k] && strchr("IVXL", t[k])) k++;
    if (k - j < 2) {
      k = j;
      if (k < n && ((t[k] >= 'a' && t[k] <= 'z') || (t[k] >= 'A' && t[k] <= 'Z'))) k++;
      point_ok = 0;
    }
    if (k == j) return 0;
  }
  if (k >= n) return 0;
  if (t[k] == ')') k++;
  else if (t[k] == '.' && point_ok && !paren) k++;
  else return 0;
  return (k < n && hspace_at(t, n, k)) ? k - i : 0;
}

size_t vg_segment_marker(const char *s, size_t n) {
  return n ? marker_at((const uchar *)s, n, 0) : 0;
}

/* 1 when the "." at t[i] closes a numbered item at the start of a line. */
static int marker_point(const uchar *t, size_t n, size_t i) {
  size_t j = i, k;
  while (j > 0 && i - j < 16 && t[j - 1] != '\n' && !space_before(t, j)) j--;
  size_t first = j;
  while (j > 0 && t[j - 1] != '\n' && (k = space_before(t, j))) j -= k;
  if (j > 0 && t[j - 1] != '\n') return 0;
  return marker_at(t, n, first) == i + 1 - first;
}

/* ---- break decisions --------------------------------------------------- */

/* 1 when the line ending at t[e] (e past its last non-blank byte) is a
 * title: at least two capitals and no lower-case letter. */
static int is_title(const uchar *t, size_t n, size_t e) {
  size_t j = e, k, upper = 0;
  while (j > 0 && t[j - 1] != '\n') {
    if (e - j > TITLE_MAX) return 0;
    vg_cclass c = cls_before(t, n, j, &k);
    if (c == VG_CC_LOWER) return 0;
    upper += c == VG_CC_UPPER;
    j -= k;
  }
  return upper >= 2;
}

/* 1 when the line ending at t[e] (e past its last non-blank byte, e > 0)
 * ends with something that goes on: punctuation that leads somewhere, an
 * abbreviation or initial, or a joiner word. */
static int goes_on(const uchar *t, size_t n, size_t e) {
  uchar c = t[e - 1];
  if (c < 0x80 && c && strchr(",;:-([/&+='", c)) return 1;
  if (e >= 2 && t[e - 2] == 0xC2 && (c == 0xAB || c == 0xB0)) return 1; /* « ° */
  if (e >= 3 && t[e - 3] == 0xE2 && t[e - 2] == 0x80 &&
      (c == 0x90 || c == 0x98 || c == 0x99 || c == 0x9C)) /* ‐ ‘ ’ “ */
    return 1;
  if (c == '.') return !term_before(t, e - 1) && abbrev_before(t, n, e - 1);
  size_t w = word_start(t, n, e);
  if (w == e || (w > 0 && t[w - 1] == '-')) return 0; /* "parlons-en", "dit-il" */
  return in_list(JOINERS, t + w, e - w, 0) || in_list(TITLES, t + w, e - w, 0);
}

/* 1 when the line feed at t[i] ends a sentence (the rules above). */
static int newline_breaks(const uchar *t, size_t n, size_t i) {
  size_t j = i + 1, e = i, k;
  while (j < n && (k = hspace_at(t, n, j))) j += k;
  if (j >= n || t[j] == '\n') return 1; /* the next line is blank */
  while (e > 0 && t[e - 1] != '\n' && (k = space_before(t, e))) e -= k;
  if (e == 0 || t[e - 1] == '\n') return 1; /* this line is blank */
  if (marker_at(t, n, j) || is_title(t, n, e)) return 1;
  if (goes_on(t, n, e)) return 0;
  vg_cclass c = cls_at(t, n, j, &k);
  if (c == VG_CC_UPPER || c == VG_CC_DIGIT || t[j] == '"') return 1;
  return (t[j] == 0xC2 && j + 1 < n && t[j + 1] == 0xAB) || /* « */
         (t[j] == 0xE2 && j + 2 < n && t[j + 1] == 0x80 &&
          (t[j + 2] == 0x9C || t[j + 2] == 0xB9)); /* “ ‹ */
}

/* 1 when the run of terminators starting at t[i] ends a sentence; *p then
 * gets where: past the run and its closing marks. */
static int term_breaks(const uchar *t, size_t n, size_t i, size_t *p) {
  size_t q = i, k;
  while (q < n && (k = term_at(t, n, q))) q += k;
  int single_point = q - i == 1 && t[i] == '.';
  for (int round = 0; round < 4; round++) {
    size_t j = q, spaces = 0;
    int spaced_ok;
    while (j < n && spaces < 3 && (k = hspace_at(t, n, j))) {
      j += k;
      spaces++;
    }
    if (j >= n || !(k = closer_at(t, n, j, &spaced_ok))) break;
    if (j > q && !spaced_ok && j + k < n && !space_at(t, n, j + k)) break;
    q = j + k;
  }
  if (q < n && !space_at(t, n, q)) return 0; /* "3.5", "cgt.fr" */
  *p = q;
  size_t j = q;
  while (j < n && (k = space_at(t, n, j))) j += k;
  if (j >= n) return 1;
  if (cls_at(t, n, j, &k) == VG_CC_LOWER) return 0;
  return !(single_point && (abbrev_before(t, n, i) || marker_point(t, n, i)));
}

/* 1 when t[i] may be a candidate: a line feed or a terminator's first
 * byte. */
static int candidate(uchar c) {
  return c == '\n' || c == '.' || c == '!' || c == '?' || c == 0xE2;
}

/* 1 when the candidate at t[i] makes a sentence break; *p gets it: the
 * sentence before ends at or before *p, the next starts at or after. */
static int break_at(const uchar *t, size_t n, size_t i, size_t *p) {
  if (t[i] == '\n') {
    *p = i;
    return newline_breaks(t, n, i);
  }
  if (!term_at(t, n, i) || term_before(t, i)) return 0;
  return term_breaks(t, n, i, p);
}

/* ---- span lists -------------------------------------------------------- */

typedef struct spans {
  vg_span *v;
  size_t len, cap;
} spans;

/* Moves *a forward and *b back over white space. */
static void trim(const uchar *t, size_t n, size_t *a, size_t *b) {
  size_t k;
  while (*a < *b && (k = space_at(t, n, *a))) *a += k;
  while (*b > *a && (k = space_before(t, *b))) *b -= k;
}

/* Appends [a, b) trimmed, unless empty. Returns 0, or -1 when out of
 * memory. */
static int push(spans *s, const uchar *t, size_t n, size_t a, size_t b, int trimmed) {
  if (trimmed) {
    trim(t, n, &a, &b);
    if (a >= b) return 0;
  }
  if (s->len == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 16;
    vg_span *v = realloc(s->v, cap * sizeof *v);
    if (!v) return -1;
    s->v = v;
    s->cap = cap;
  }
  s->v[s->len].start = a;
  s->v[s->len].end = b;
  s->len++;
  return 0;
}

/* Hands the list over (rc 0) or frees it (rc -1). Returns rc. */
static int finish(spans *s, int rc, vg_span **out, size_t *count) {
  if (rc || s->len == 0) {
    free(s->v);
    s->v = NULL;
    s->len = 0;
  }
  *out = s->v;
  *count = s->len;
  return rc;
}

/* 1 when t[a, b) holds only white space. */
static int blank(const uchar *t, size_t a, size_t b) {
  size_t k;
  while (a < b && (k = space_at(t, b, a))) a += k;
  return a == b;
}

/* ---- the API ----------------------------------------------------------- */

int vg_segment_lines(const char *text, size_t n, vg_span **out, size_t *count) {
  const uchar *t = (const uchar *)text;
  spans s = {NULL, 0, 0};
  int rc = 0;
  for (size_t pos = 0; pos < n && rc == 0;) {
    const uchar *nl = memchr(t + pos, '\n', n - pos);
    size_t eol = nl ? (size_t)(nl - t) : n;
    rc = push(&s, t, n, pos, eol, 0);
    pos = eol + 1;
  }
  return finish(&s, rc, out, count);
}

int vg_segment_paragraphs(const char *text, size_t n, vg_span **out,
                          size_t *count) {
  const uchar *t = (const uchar *)text;
  spans s = {NULL, 0, 0};
  size_t first = 0, last = 0; /* the open paragraph, when last > first */
  int rc = 0;
  for (size_t pos = 0; pos < n && rc == 0;) {
    const uchar *nl = memchr(t + pos, '\n', n - pos);
    size_t eol = nl ? (size_t)(nl - t) : n;
    if (!blank(t, pos, eol)) {
      if (last <= first) first = pos;
      last = eol;
    } else if (last > first) {
      rc = push(&s, t, n, first, last, 1);
      first = last = 0;
    }
    pos = eol + 1;
  }
  if (rc == 0 && last > first) rc = push(&s, t, n, first, last, 1);
  return finish(&s, rc, out, count);
}

int vg_segment_sentences(const char *text, size_t n, vg_span **out,
                         size_t *count) {
  const uchar *t = (const uchar *)text;
  spans s = {NULL, 0, 0};
  size_t from = 0, p;
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    if (!candidate(t[i]) || !break_at(t, n, i, &p) || p < from) continue;
    rc = push(&s, t, n, from, p, 1);
    from = p;
  }
  if (rc == 0) rc = push(&s, t, n, from, n, 1);
  return finish(&s, rc, out, count);
}

int vg_segment_breaks(const char *text, size_t n, vg_breaks *b) {
  const uchar *t = (const uchar *)text;
  static const char *const CAND = "\n.!?\xE2"; /* candidate()'s bytes */
  b->n = 0;
  for (size_t i = 0; i < n; i++) {
    i += strcspn(text + i, CAND); /* the text is NUL-terminated... */
    if (i >= n) break;            /* ...or has NUL bytes: scanned on */
    size_t p;
    if (!candidate(t[i]) || !break_at(t, n, i, &p)) continue;
    if (b->n == b->cap) {
      size_t cap = b->cap ? b->cap * 2 : 64;
      size_t *at = realloc(b->at, cap * 2 * sizeof *at);
      if (!at) return -1;
      b->at = at;
      b->cap = cap;
    }
    b->at[2 * b->n] = i;
    b->at[2 * b->n + 1] = p;
    b->n++;
  }
  return 0;
}

void vg_segment_breaks_free(vg_breaks *b) {
  free(b->at);
  b->at = NULL;
  b->n = b->cap = 0;
}

/* The number of b's candidates at offsets below i. */
static size_t breaks_below(const vg_breaks *b, size_t i) {
  size_t lo = 0, hi = b->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (b->at[2 * mid] < i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

int vg_segment_sentence_at(const char *text, size_t n, size_t start,
                           size_t end, vg_span *out) {
  return vg_segment_sentence_in(NULL, text, n, start, end, out);
}

int vg_segment_sentence_in(const vg_breaks *bk, const char *text, size_t n,
                           size_t start, size_t end, vg_span *out) {
  const uchar *t = (const uchar *)text;
  if (end > n) end = n;
  if (start > end) start = end;
  size_t s = start, e = end, p;
  trim(t, n, &s, &e); /* look for breaks around what the span holds */
  if (s >= e) {
    s = start;
    e = end;
  }
  if (s == e && s == n && s > 0) s--; /* at the end: the last sentence */
  size_t lo = s > VG_SEGMENT_REACH ? s - VG_SEGMENT_REACH : 0;
  size_t hi = n - e > VG_SEGMENT_REACH ? e + VG_SEGMENT_REACH : n;
  while (lo < s && !vg_utf8_is_lead(t[lo])) lo++;
  while (hi > e && hi < n && !vg_utf8_is_lead(t[hi])) hi--;
  size_t b0 = lo, b1 = hi;
  int found0 = 0, found1 = 0;
  /* the last break at or before s: scanning back from s, the first one met
   * (a candidate never breaks before itself, and a later one breaks later);
   * breaks met on the way past e are candidates for the end */
  /* with bk, the same loops over the breaks found beforehand */
  size_t top = n ? (s < n ? s : n - 1) + 1 : 0, k = bk ? breaks_below(bk, top) : 0;
  for (size_t i = top; bk ? k-- > 0 && bk->at[2 * k] >= lo : i-- > lo;) {
    if (bk) p = bk->at[2 * k + 1];
    else if (!candidate(t[i]) || !break_at(t, n, i, &p)) continue;
    if (p <= s) {
      b0 = p;
      found0 = 1;
      break;
    }
    if (p >= e && (!found1 || p < b1)) {
      b1 = p;
      found1 = 1;
    }
  }
  size_t from = e > s + 64 ? e - 64 : s;
  k = bk ? breaks_below(bk, from) : 0;
  for (size_t i = from; bk ? k < bk->n && bk->at[2 * k] < hi : i < hi; i++, k++) {
    if (bk) p = bk->at[2 * k + 1];
    else if (!candidate(t[i]) || !break_at(t, n, i, &p)) continue;
    if (p < e || p <= s) continue;
    if (!found1 || p < b1) b1 = p;
    found1 = 1;
    break;
  }
  if (!found0 && lo > 0) { /* no break within reach: start at a word */
    size_t j = lo;
    while (j < s && !space_at(t, n, j)) j++;
    if (j < s) b0 = j;
  }
  if (!found1 && hi < n) {
    size_t j = hi;
    while (j > e && !space_before(t, j)) j--;
    if (j > e) b1 = j;
  }
  trim(t, n, &b0, &b1);
  out->start = start;
  out->end = end;
  if (b0 < b1) {
    if (b0 < start) out->start = b0;
    if (b1 > end) out->end = b1;
  }
  return 0;
}
