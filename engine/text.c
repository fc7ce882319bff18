/*
 * text.c: see text.h. Three parts: decoding (BOM sniffing, a hand-written
 * UTF-8 validator, Windows-1252 through a table built once with iconv,
 * UTF-16 by hand, line ends, all in one pass over the bytes), piecewise
 * utf8proc mapping (normalization, fold, casefold) and small UTF-8 helpers.
 *
 * Replacement policy for ill-formed UTF-8 after a UTF-8 BOM: one U+FFFD per
 * maximal subpart (Unicode 15 ch. 3 "U+FFFD substitution of maximal
 * subparts", the WHATWG decoder's policy): a truncated but well-begun
 * sequence such as E2 82 costs one U+FFFD; a byte that can begin no
 * sequence (C0, F5, a stray 80) or a first continuation out of range
 * (ED A0: a surrogate; F4 90: past U+10FFFF; E0 80: overlong) costs one
 * U+FFFD per byte. *replaced counts the U+FFFD so written.
 */
#define _POSIX_C_SOURCE 200809L
#include "text.h"

#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>


static const char REPL[3] = {'\xEF', '\xBF', '\xBD'}; /* U+FFFD */

/* Length of the run of ASCII bytes at the start of p[0..n). */
static size_t ascii_run(const unsigned char *p, size_t n) {
  size_t i = 0;
  while (i + 8 <= n && !(vg_load8(p + i) & VG_HIGH8)) i += 8;
  while (i < n && p[i] < 0x80) i++;
  return i;
}

/* The length of the longest prefix of p[0..n) made of 8-byte blocks of
 * ASCII with no CR in them (a multiple of 8, maybe 0). */
static size_t plain8(const unsigned char *p, size_t n) {
  size_t i = 0;
  for (uint64_t v; i + 8 <= n; i += 8)
    if (((v = vg_load8(p + i)) & VG_HIGH8) || VG_HASZERO8(v ^ (VG_ONES8 * '\r'))) break;
  return i;
}

/* Examines the UTF-8 sequence starting at p[0] (n >= 1 bytes available;
 * p[0] may be ASCII). Returns the number of bytes it covers and sets *ok:
 * 1 for a well-formed sequence; 0 for an ill-formed one, the length then
 * being that of its maximal subpart (at least 1). Rejects overlongs,
 * surrogates, code points past U+10FFFF and truncated sequences. */
static size_t utf8_next(const unsigned char *p, size_t n, int *ok) {
  unsigned char c = p[0], lo = 0x80, hi = 0xBF;
  size_t need, i;
  *ok = 0;
  if (c < 0x80) {
    *ok = 1;
    return 1;
  }
  if (c < 0xC2) return 1;
  if (c < 0xE0) {
    need = 2;
  } else if (c < 0xF0) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c < 0xF5) {
    need = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 1;
  }
  if (n < 2 || p[1] < lo || p[1] > hi) return 1;
  for (i = 2; i < need; i++)
    if (i >= n || (p[i] & 0xC0) != 0x80) return i;
  *ok = 1;
  return need;
}

/* Writes code point cp (<= U+10FFFF, not a surrogate) as UTF-8 at d;
 * returns the number of bytes written (1 to 4). */
static size_t put_utf8(char *d, uint32_t cp) {
  unsigned char *u = (unsigned char *)d;
  if (cp < 0x80) {
    u[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    u[0] = (unsigned char)(0xC0 | (cp >> 6));
    u[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    u[0] = (unsigned char)(0xE0 | (cp >> 12));
    u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  u[0] = (unsigned char)(0xF0 | (cp >> 18));
  u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  u[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

/* ---- Windows-1252 table ------------------------------------------------ */

typedef struct cp_ent {
  unsigned char len; /* bytes of UTF-8 in b */
  unsigned char bad; /* the byte is undefined: b holds U+FFFD */
  char b[3];
} cp_ent;

static cp_ent cp1252[256]; /* written once, under cp1252_once */
static pthread_once_t cp1252_once = PTHREAD_ONCE_INIT;

/* Fills cp1252[] by asking iconv for each byte alone. Bytes iconv refuses
 * (0x81, 0x8D, 0x8F, 0x90, 0x9D in glibc) become U+FFFD, marked bad. If
 * iconv has no WINDOWS-1252 converter at all (a stripped libc), falls back
 * to Latin-1 for 0xA0..0xFF and U+FFFD for 0x80..0x9F. */
static void cp1252_build(void) {
  iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
  int have = cd != (iconv_t)-1;
  for (int c = 0; c < 256; c++) {
    cp_ent *e = &cp1252[c];
    char in = (char)c, outb[8];
    char *ip = &in, *op = outb;
    size_t il = 1, ol = sizeof outb;
    if (have && iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && il == 0 &&
        op - outb >= 1 && op - outb <= 3) {
      e->len = (unsigned char)(op - outb);
      memcpy(e->b, outb, e->len);
    } else if (c < 0x80 || (!have && c >= 0xA0)) {
      e->len = (unsigned char)put_utf8(e->b, (uint32_t)c);
    } else {
      e->len = 3;
      e->bad = 1;
      memcpy(e->b, REPL, 3);
    }
    if (have) iconv(cd, NULL, NULL, NULL, NULL); /* reset the state */
  }
  if (have) iconv_close(cd);
}

/* ---- decoding ---------------------------------------------------------- */

/* Appends the UTF-8 bytes p[0..n) to out with CRLF and lone CR turned into
 * LF. With repl, each maximal ill-formed subpart becomes U+FFFD and counts
 * in *replaced; without, stops at the first one and returns 1 (out then
 * holds a partial copy). Returns 0, or -1 when out of memory.
 * Invariant: cap > len + bytes of input left, since each step writes at
 * most what it reads, except U+FFFD which reserves first. */
static int utf8_decode(const unsigned char *p, size_t n, vg_buf *out, int repl,
                       size_t *replaced) {
  if (vg_buf_reserve(out, n)) return -1;
  char *d = out->data;
  size_t o = out->len, i = 0;
  while (i < n) {
    size_t k = plain8(p + i, n - i);
    memcpy(d + o, p + i, k);
    i += k;
    o += k;
    if (i == n) break;
    unsigned char c = p[i];
    if (c < 0x80) {
      if (c == '\r') {
        d[o++] = '\n';
        i += (i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
      } else {
        d[o++] = (char)c;
        i++;
      }
      continue;
    }
    int ok;
    k = utf8_next(p + i, n - i, &ok);
    if (ok) {
      memcpy(d + o, p + i, k);
      o += k;
    } else if (!repl) {
      out->len = o;
      d[o] = '\0';
      return 1;
    } else {
      out->len = o;
      if (vg_buf_reserve(out, 3 + (n - i - k))) return -1;
      d = out->data;
      memcpy(d + o, REPL, 3);
      o += 3;
      (*replaced)++;
    }
    i += k;
  }
  out->len = o;
  d[o] = '\0';
  return 0;
}

/* Appends the Windows-1252 bytes p[0..n) to out as UTF-8 (a table lookup
 * per byte), CRLF and CR turned into LF; undefined bytes give U+FFFD and
 * count in *replaced. Returns 0, or -1 when out of memory. */
static int cp1252_decode(const unsigned char *p, size_t n, vg_buf *out,
                         size_t *replaced) {
  pthread_once(&cp1252_once, cp1252_build);
  if (vg_buf_reserve(out, n)) return -1;
  char *d = out->data;
  size_t o = out->len, i = 0;
  while (i < n) {
    size_t k = plain8(p + i, n - i);
    memcpy(d + o, p + i, k);
    i += k;
    o += k;
    if (i == n) break;
    unsigned char c = p[i];
    if (c == '\r') {
      d[o++] = '\n';
      i += (i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    const cp_ent *e = &cp1252[c];
    if (e->len > 1) {
      out->len = o;
      if (vg_buf_reserve(out, e->len + (n - i - 1))) return -1;
      d = out->data;
    }
    memcpy(d + o, e->b, e->len);
    o += e->len;
    *replaced += e->bad;
    i++;
  }
  out->len = o;
  d[o] = '\0';
  return 0;
}

static uint32_t unit16(const unsigned char *p, int be) {
  return be ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
}

/* Appends UTF-16 p[0..n) (after its BOM; big-endian when be) to out as
 * UTF-8, CRLF and CR turned into LF. An unpaired surrogate, or an odd byte
 * at the end, gives U+FFFD and counts in *replaced. U+0000 is kept.
 * Returns 0, or -1 when out of memory. */
static int utf16_decode(const unsigned char *p, size_t n, int be, vg_buf *out,
                        size_t *replaced) {
  if (vg_buf_reserve(out, n / 2 + 4)) return -1;
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    if (out->cap - out->len < 5 && vg_buf_reserve(out, 4)) return -1;
    if (i + 1 >= n) { /* odd trailing byte */
      cp = 0xFFFD;
      (*replaced)++;
      i++;
    } else {
      cp = unit16(p + i, be);
      i += 2;
      if (cp >= 0xD800 && cp <= 0xDFFF) {
        uint32_t lo = i + 1 < n ? unit16(p + i, be) : 0;
        if (cp <= 0xDBFF && lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          i += 2;
        } else {
          cp = 0xFFFD;
          (*replaced)++;
        }
      } else if (cp == '\r') {
        cp = '\n';
        if (i + 1 < n && unit16(p + i, be) == '\n') i += 2;
      }
    }
    out->len += put_utf8(out->data + out->len, cp);
  }
  out->data[out->len] = '\0';
  return 0;
}

int vg_text_decode(const unsigned char *raw, size_t n, vg_buf *out,
                   vg_encoding *enc, size_t *replaced) {
  size_t rep = 0;
  vg_encoding e;
  int r;
  vg_buf_reset(out);
  if (n >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF) {
    e = VG_ENC_UTF8_BOM;
    r = utf8_decode(raw + 3, n - 3, out, 1, &rep);
  } else if (n >= 2 && raw[0] == 0xFF && raw[1] == 0xFE) {
    e = VG_ENC_UTF16LE;
    r = utf16_decode(raw + 2, n - 2, 0, out, &rep);
  } else if (n >= 2 && raw[0] == 0xFE && raw[1] == 0xFF) {
    e = VG_ENC_UTF16BE;
    r = utf16_decode(raw + 2, n - 2, 1, out, &rep);
  } else {
    e = VG_ENC_UTF8;
    r = utf8_decode(raw, n, out, 0, &rep);
    if (r == 1) { /* not UTF-8: the whole text is Windows-1252 */
      e = VG_ENC_CP1252;
      vg_buf_reset(out);
      r = cp1252_decode(raw, n, out, &rep);
    }
  }
  if (enc) *enc = e;
  if (replaced) *replaced = rep;
  return r < 0 ? -1 : 0;
}

int vg_text_is_binary(const unsigned char *p, size_t n) {
  if (n == 0) return 0;
  if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) ||
                 (p[0] == 0xFE && p[1] == 0xFF)))
    return 0;
  return memchr(p, 0, n < 8192 ? n : 8192) != NULL;
}

/* ---- piecewise utf8proc mapping ---------------------------------------- */

/* Past this many bytes, a piece without ASCII may also end before a CJK
 * ideograph or a Hangul syllable (see safe_start). */
#define PIECE_SOFT (64 * 1024)

typedef struct mapper {
  utf8proc_option_t opts;
  int lower;              /* lower-case ASCII runs (fold, casefold) */
  utf8proc_int32_t *buf;  /* reused code point buffer, cap + 1 entries */
  utf8proc_ssize_t cap;
} mapper;

/* 1 when the UTF-8 at p[0..n) starts with a CJK unified ideograph
 * (U+4E00..9FFF) or a Hangul syllable (U+AC00..D7A3): starters that no
 * mapping joins to what precedes them (they are never the second element
 * of a composition, and neither is the first code point they decompose
 * to), so a piece may end just before one. */
static int safe_start(const unsigned char *p, size_t n) {
  if (n < 3 || (p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 ||
      (p[2] & 0xC0) != 0x80)
    return 0;
  uint32_t cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 |
                (p[2] & 0x3F);
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7A3);
}

/* Grows m->buf to hold at least want code points (plus one spare, which
 * utf8proc_reencode needs). Returns 0, or -1 when out of memory. */
static int mapper_grow(mapper *m, utf8proc_ssize_t want) {
  if (want <= m->cap) return 0;
  if ((size_t)want > SIZE_MAX / sizeof *m->buf / 2) return -1;
  utf8proc_ssize_t cap = m->cap ? m->cap : 256;
  while (cap < want) cap *= 2;
  utf8proc_int32_t *b = realloc(m->buf, ((size_t)cap + 1) * sizeof *b);
  if (!b) return -1;
  m->buf = b;
  m->cap = cap;
  return 0;
}

/* Maps the piece s[0..n) with utf8proc (m->opts) and appends the UTF-8 to
 * out: decompose into the reused buffer, then reencode in place (which
 * composes when asked). Returns 0, or -1 when out of memory or when
 * utf8proc rejects the input (invalid UTF-8). */
static int map_piece(mapper *m, const unsigned char *s, size_t n, vg_buf *out) {
  if (n > (size_t)PTRDIFF_MAX / 8 || mapper_grow(m, (utf8proc_ssize_t)n + 8))
    return -1;
  utf8proc_ssize_t r;
  for (;;) {
    r = utf8proc_decompose(s, (utf8proc_ssize_t)n, m->buf, m->cap, m->opts);
    if (r < 0) return -1;
    if (r <= m->cap) break;
    if (mapper_grow(m, r)) return -1;
  }
  r = utf8proc_reencode(m->buf, r, m->opts);
  if (r < 0) return -1;
  return vg_buf_append(out, m->buf, (size_t)r);
}

/* Appends the ASCII s[0..n) to out, lower-cased when m->lower. */
static int copy_ascii(const mapper *m, const unsigned char *s, size_t n,
                      vg_buf *out) {
  if (!m->lower) return vg_buf_append(out, s, n);
  if (vg_buf_reserve(out, n)) return -1;
  char *d = out->data + out->len;
  for (size_t i = 0; i < n; i++)
    d[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + ('a' - 'A') : s[i]);
  out->len += n;
  out->data[out->len] = '\0';
  return 0;
}

/* ---- the NFC quick check ---------------------------------------------- */

/* nfc_stable[c >> 3] bit (c & 7): the BMP code point c is a starter that NFC
 * leaves as it is and that never composes with what comes before it, so a
 * run of such characters is already in NFC (Unicode's NFC_Quick_Check, made
 * stricter). Built once, from utf8proc's own data. */
static unsigned char nfc_stable[0x10000 / 8];
static pthread_once_t nfc_once = PTHREAD_ONCE_INIT;

static void nfc_build(void) {
  static unsigned char second[0x10000 / 8]; /* second element of a pair */
  utf8proc_int32_t d[8];
  for (utf8proc_int32_t c = 0; c < 0x10000; c++) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    utf8proc_ssize_t n = utf8proc_decompose_char(c, d, 8, UTF8PROC_DECOMPOSE, NULL);
    if (n >= 2 && d[n - 1] < 0x10000) second[d[n - 1] >> 3] |= (unsigned char)(1u << (d[n - 1] & 7));
  }
  for (utf8proc_int32_t c = 0x1161; c <= 0x11C2; c++) /* Hangul vowels and trailing consonants */
    second[c >> 3] |= (unsigned char)(1u << (c & 7));
  for (utf8proc_int32_t c = 0; c < 0x10000; c++) {
    if ((c >= 0xD800 && c <= 0xDFFF) || (second[c >> 3] >> (c & 7) & 1)) continue;
    if (utf8proc_get_property(c)->combining_class != 0) continue;
    utf8proc_ssize_t n = utf8proc_decompose_char(c, d, 8, UTF8PROC_DECOMPOSE, NULL);
    if (n != 1 || d[0] != c) {
      /* a precomposed character: stable when NFC composes it back */
      n = utf8proc_normalize_utf32(d, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
      if (n != 1 || d[0] != c) continue;
    }
    nfc_stable[c >> 3] |= (unsigned char)(1u << (c & 7));
  }
}

/* 1 when the valid UTF-8 s[0..n) is made only of NFC-stable characters. */
static int nfc_quick(const unsigned char *s, size_t n) {
  pthread_once(&nfc_once, nfc_build);
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    unsigned cp;
    if (c < 0xE0) {
      cp = (c & 0x1Fu) << 6 | (s[i + 1] & 0x3Fu);
      i += 2;
    } else if (c < 0xF0) {
      cp = (c & 0x0Fu) << 12 | (s[i + 1] & 0x3Fu) << 6 | (s[i + 2] & 0x3Fu);
      i += 3;
    } else {
      return 0; /* beyond the BMP: let utf8proc decide */
    }
    if (!(nfc_stable[cp >> 3] >> (cp & 7) & 1)) return 0;
  }
  return 1;
}

int vg_text_ready(const unsigned char *s, size_t n, vg_norm form) {
  if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) return 0; /* a BOM to strip */
  if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) return 0;
  int ascii = 1;
  for (size_t i = 0; (i += plain8(s + i, n - i)) < n;) { /* valid UTF-8 without CR */
    if (s[i] < 0x80) {
      if (s[i++] == '\r') return 0;
      continue;
    }
    int ok;
    i += utf8_next(s + i, n - i, &ok);
    if (!ok) return 0;
    ascii = 0;
  }
  return ascii || form == VG_NORM_NONE || (form == VG_NORM_NFC && nfc_quick(s, n));
}

/* Maps valid UTF-8 s[0..n) into out (reset first) in pieces, so the code
 * point buffer is sized by the longest piece, not by the text. A piece is
 * cut only just before an ASCII byte: ASCII characters are starters that
 * are never the second element of a composition and decompose to
 * themselves, so no mapping reaches across such a cut, and a piece never
 * ends inside a run of combining marks. ASCII runs skip utf8proc, except
 * their last byte when non-ASCII follows: it is the starter the marks that
 * follow may attach to. A piece with no ASCII longer than PIECE_SOFT is
 * also cut before a CJK ideograph or a Hangul syllable; otherwise it is
 * mapped whole. Frees the buffer. Returns 0, or -1 (see map_piece). */
static int map_text(mapper *m, const char *str, size_t n, vg_buf *out) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  int rc = 0;
  vg_buf_reset(out);
  if (vg_buf_reserve(out, n)) return -1;
  while (i < n && rc == 0) {
    size_t j = i + ascii_run(s + i, n - i);
    size_t start = (j < n && j > i) ? j - 1 : j;
    rc = copy_ascii(m, s + i, start - i, out);
    if (rc || j == n) break;
    size_t k = j;
    while (k < n && s[k] >= 0x80) {
      if (k - start >= PIECE_SOFT && k > j && safe_start(s + k, n - k)) break;
      k++;
    }
    if (m->opts == (UTF8PROC_STABLE | UTF8PROC_COMPOSE) && nfc_quick(s + start, k - start))
      rc = vg_buf_append(out, s + start, k - start); /* already NFC */
    else
      rc = map_piece(m, s + start, k - start, out);
    i = k;
  }
  free(m->buf);
  m->buf = NULL;
  m->cap = 0;
  return rc;
}

int vg_text_normalize(const char *s, size_t n, vg_norm form, vg_buf *out) {
  mapper m = {0, 0, NULL, 0};
  switch (form) {
  case VG_NORM_NFC: m.opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE; break;
  case VG_NORM_NFD: m.opts = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE; break;
  case VG_NORM_NFKC:
    m.opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    break;
  case VG_NORM_NFKD:
    m.opts = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
    break;
  case VG_NORM_NONE:
    vg_buf_reset(out);
    return vg_buf_append(out, s, n);
  default: return -1;
  }
  return map_text(&m, s, n, out);
}

int vg_text_fold(const char *s, size_t n, vg_buf *out) {
  mapper m = {UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                  UTF8PROC_STRIPMARK | UTF8PROC_COMPOSE,
              1, NULL, 0};
  return map_text(&m, s, n, out);
}

int vg_text_casefold(const char *s, size_t n, vg_buf *out) {
  mapper m = {UTF8PROC_CASEFOLD, 1, NULL, 0};
  return map_text(&m, s, n, out);
}

/* ---- folding with a map ------------------------------------------------ */

#define FOLD_OPTS                                                            \
  (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |                   \
   UTF8PROC_STRIPMARK | UTF8PROC_COMPOSE)
#define FOLD_CPS 64                  /* the longest fold of one code point is 18 */
#define FOLD_BYTES (FOLD_CPS * 4)
#define FOLD_CACHE 256               /* direct-mapped cache of folds, per call */

/* ASCII white space as Unicode's White_Space has it: tab, LF, VT, FF, CR,
 * space. */
static int ascii_white(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

/* White_Space beyond ASCII: NEL, the Zs spaces, and the line and paragraph
 * separators. */
static int uni_white(int32_t cp) {
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Decodes the valid UTF-8 sequence that starts at p with a byte >= 0x80;
 * returns its length. */
static size_t utf8_get(const unsigned char *p, int32_t *cp) {
  if (p[0] < 0xE0) {
    *cp = (int32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
    return 2;
  }
  if (p[0] < 0xF0) {
    *cp = (int32_t)(p[0] & 0x0F) << 12 | (int32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    return 3;
  }
  *cp = (int32_t)(p[0] & 0x07) << 18 | (int32_t)(p[1] & 0x3F) << 12 |
        (int32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
  return 4;
}

/* Folds one code point as vg_text_fold would (decomposition with case
 * folding and marks stripped, then composition) into d (FOLD_BYTES bytes).
 * Returns the number of bytes, 0 when it folds to nothing. A code point
 * utf8proc refuses is kept as it is. */
static size_t fold_cp(int32_t cp, char *d) {
  utf8proc_int32_t buf[FOLD_CPS];
  int bc = UTF8PROC_BOUNDCLASS_START;
  utf8proc_ssize_t r = utf8proc_decompose_char(cp, buf, FOLD_CPS, FOLD_OPTS, &bc);
  if (r < 0 || r > FOLD_CPS) return put_utf8(d, (uint32_t)cp);
  if (r > 1) r = utf8proc_normalize_utf32(buf, r, FOLD_OPTS);
  size_t o = 0;
  for (utf8proc_ssize_t k = 0; k < r; k++) o += put_utf8(d + o, (uint32_t)buf[k]);
  return o;
}

typedef struct fold_ent {
  int32_t cp;        /* -1: empty slot */
  unsigned char len; /* bytes in b */
  char b[11];
} fold_ent;

/* Makes room for `more` bytes in out past o, and as many map entries plus
 * the sentinel. Returns 0, or -1 when out of memory. */
static int fold_grow(vg_buf *out, size_t o, size_t more, size_t **map,
                     size_t *mapcap) {
  out->len = o;
  if (out->cap <= o + more && vg_buf_reserve(out, more)) return -1;
  if (*mapcap < o + more + 1) {
    size_t cap = *mapcap ? *mapcap : 256;
    while (cap < o + more + 1) {
      if (cap > SIZE_MAX / 2 / sizeof **map) return -1;
      cap *= 2;
    }
    size_t *m = realloc(*map, cap * sizeof *m);
    if (!m) return -1;
    *map = m;
    *mapcap = cap;
  }
  return 0;
}

int vg_text_fold_map(const char *s, size_t n, unsigned flags, vg_buf *out,
                     size_t **map, size_t *mapcap) {
  vg_buf_reset(out);
  return vg_text_fold_map_append(s, n, flags, 0, out, map, mapcap);
}

int vg_text_fold_map_append(const char *str, size_t n, unsigned flags, size_t base,
                            vg_buf *out, size_t **mapp, size_t *mapcap) {
  const unsigned char *s = (const unsigned char *)str;
  const int fold_space = (flags & VG_FOLD_SPACE) != 0;
  fold_ent cache[FOLD_CACHE];
  size_t o = out->len, i = 0;
  int space = 0; /* the last byte written is a space from VG_FOLD_SPACE */
  /* invariant: room for o + (n - i) bytes and map entries, plus one */
  if (fold_grow(out, o, n, mapp, mapcap)) return -1;
  memset(cache, 0xFF, sizeof cache);
  char *d = out->data;
  size_t *map = *mapp;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (fold_space && ascii_white(c)) {
        if (!space) {
          d[o] = ' ';
          map[o++] = base + i;
          space = 1;
        }
      } else {
        d[o] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        map[o++] = base + i;
        space = 0;
      }
      i++;
      continue;
    }
    int32_t cp;
    size_t k = utf8_get(s + i, &cp);
    if ((flags & VG_FOLD_QUOTE) && (cp == 0x2019 || cp == 0x02BC)) {
      d[o] = '\'';
      map[o++] = base + i;
      space = 0;
    } else if (fold_space && uni_white(cp)) {
      if (!space) {
        d[o] = ' ';
        map[o++] = base + i;
        space = 1;
      }
    } else {
      char big[FOLD_BYTES];
      const char *b;
      size_t len;
      fold_ent *e = &cache[(uint32_t)cp % FOLD_CACHE];
      if (e->cp == cp) {
        b = e->b;
        len = e->len;
      } else {
        len = fold_cp(cp, big);
        b = big;
        if (len <= sizeof e->b) {
          e->cp = cp;
          e->len = (unsigned char)len;
          memcpy(e->b, big, len);
        }
      }
      if (len > k) {
        if (fold_grow(out, o, len + (n - i), mapp, mapcap)) return -1;
        d = out->data;
        map = *mapp;
      }
      for (size_t j = 0; j < len; j++) {
        if (b[j] == ' ' && fold_space) {
          if (space) continue;
          space = 1;
        } else {
          space = 0;
        }
        d[o] = b[j];
        map[o++] = base + i;
      }
    }
    i += k;
  }
  map[o] = base + n;
  out->len = o;
  d[o] = '\0';
  return 0;
}

size_t vg_text_fold_cut(const char *str, size_t n, size_t at) {
  const unsigned char *s = (const unsigned char *)str;
  for (size_t i = at; i < n; i++) {
    if (s[i] < 0x80) {
      if (!ascii_white(s[i])) return i;
      continue;
    }
    if (!vg_utf8_is_lead(s[i])) continue;
    int32_t cp;
    utf8_get(s + i, &cp);
    if (uni_white(cp)) continue;
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
        cat == UTF8PROC_CATEGORY_ME)
      continue;
    char b[FOLD_BYTES];
    if (fold_cp(cp, b) > 0 && b[0] != ' ') return i;
  }
  return n;
}

int vg_text_is_word(int32_t cp) {
  if (cp < 0x80)
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= '0' && cp <= '9');
  if (cp < 0 || cp > 0x10FFFF) return 0;
  utf8proc_category_t cat = utf8proc_category(cp);
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

/* ---- small helpers ----------------------------------------------------- */

int vg_text_valid(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    i += ascii_run(p + i, n - i);
    if (i == n) break;
    int ok;
    i += utf8_next(p + i, n - i, &ok);
    if (!ok) return 0;
  }
  return 1;
}

size_t vg_text_len(const char *s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++)
    count += (size_t)vg_utf8_is_lead((unsigned char)s[i]);
  return count;
}

static const char *const NORM_NAMES[] = {"NFC", "NFD", "NFKC", "NFKD", "none"};

/* ASCII case-insensitive string equality. */
static int ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
    char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
    if (x != y) return 0;
  }
  return *a == *b;
}

int vg_norm_parse(const char *s, vg_norm *out) {
  if (!s) return -1;
  for (int f = VG_NORM_NFC; f <= VG_NORM_NONE; f++)
    if (ieq(s, NORM_NAMES[f])) {
      *out = (vg_norm)f;
      return 0;
    }
  return -1;
}

const char *vg_norm_name(vg_norm f) {
  return (unsigned)f <= VG_NORM_NONE ? NORM_NAMES[f] : "unknown";
}

const char *vg_encoding_name(vg_encoding e) {
  switch (e) {
  case VG_ENC_UTF8: return "utf-8";
  case VG_ENC_UTF8_BOM: return "utf-8-bom";
  case VG_ENC_UTF16LE: return "utf-16le";
  case VG_ENC_UTF16BE: return "utf-16be";
  case VG_ENC_CP1252: return "windows-1252";
  }
  return "unknown";
}

vg_cclass vg_text_class_at(const char *s, size_t n, size_t i, size_t *len) {
  utf8proc_int32_t cp;
  utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                        (utf8proc_ssize_t)(n - i), &cp);
  if (k < 1) {
    if (len) *len = 1;
    return VG_CC_OTHER;
  }
  if (len) *len = (size_t)k;
  if (cp == '\t' || (cp >= '\n' && cp <= '\r') || cp == 0x85) return VG_CC_SPACE;
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LT: return VG_CC_UPPER;
  case UTF8PROC_CATEGORY_LL: return VG_CC_LOWER;
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO: return VG_CC_LETTER;
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME: return VG_CC_MARK;
  case UTF8PROC_CATEGORY_ND: return VG_CC_DIGIT;
  case UTF8PROC_CATEGORY_PC:
  case UTF8PROC_CATEGORY_PD:
  case UTF8PROC_CATEGORY_PS:
  case UTF8PROC_CATEGORY_PE:
  case UTF8PROC_CATEGORY_PI:
  case UTF8PROC_CATEGORY_PF:
  case UTF8PROC_CATEGORY_PO: return VG_CC_PUNCT;
  case UTF8PROC_CATEGORY_ZS:
  case UTF8PROC_CATEGORY_ZL:
  case UTF8PROC_CATEGORY_ZP: return VG_CC_SPACE;
  default: return VG_CC_OTHER;
  }
}
