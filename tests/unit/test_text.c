/*
 * test_text.c: unit tests of the text layer (engine/text.c): decoding of
 * every encoding and line end, replacement counts, piecewise normalization
 * checked against utf8proc_map on the whole text, fold, casefold and the
 * small UTF-8 helpers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "harness.h"
#include "text.h"

/* The reference text: NFC UTF-8 with LF line ends, every non-ASCII
 * character of it present in Windows-1252. */
static const char REF[] =
    u8"L\u2019\u00e9quipe \u00ab g\u00e9olocalis\u00e9e \u00bb \u2014 "
    u8"\u0152uvre d\u2019\u00e9t\u00e9\n"
    u8"Co\u00fbt : 5 \u20ac l\u2019heure, \u0153il\n\nfin";

/* The same text in NFD (é = e + U+0301, û = u + U+0302). */
static const char REF_NFD[] =
    "L\xE2\x80\x99" "e\xCC\x81quipe \xC2\xAB ge\xCC\x81olocalise\xCC\x81" "e "
    "\xC2\xBB \xE2\x80\x94 \xC5\x92uvre d\xE2\x80\x99" "e\xCC\x81te\xCC\x81\n"
    "Cou\xCC\x82t : 5 \xE2\x82\xAC l\xE2\x80\x99heure, \xC5\x93il\n\nfin";

/* The same text written by hand in Windows-1252. */
static const char REF_1252[] =
    "L\x92\xE9quipe \xAB g\xE9olocalis\xE9" "e \xBB \x97 \x8Cuvre d\x92\xE9t\xE9\n"
    "Co\xFBt : 5 \x80 l\x92heure, \x9Cil\n\nfin";

enum { K_UTF8, K_UTF8BOM, K_LE, K_BE, K_1252 };

static int to_cp1252(int32_t cp) {
  if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) return cp;
  switch (cp) {
  case 0x20AC: return 0x80;
  case 0x2019: return 0x92;
  case 0x2014: return 0x97;
  case 0x0152: return 0x8C;
  case 0x0153: return 0x9C;
  }
  return -1;
}

/* Encodes UTF-8 s in kind, with line ends eol (0 LF, 1 CRLF, 2 CR), into
 * dst (large enough); returns the length. Independent of text.c. */
static size_t encode(const char *s, int kind, int eol, unsigned char *dst) {
  size_t o = 0, n = strlen(s);
  const unsigned char *p = (const unsigned char *)s;
  if (kind == K_UTF8BOM) {
    memcpy(dst, "\xEF\xBB\xBF", 3);
    o = 3;
  } else if (kind == K_LE || kind == K_BE) {
    dst[o++] = kind == K_LE ? 0xFF : 0xFE;
    dst[o++] = kind == K_LE ? 0xFE : 0xFF;
  }
  for (size_t i = 0; i < n;) {
    int32_t cps[2], cp;
    int ncp = 1;
    utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
    CHECK(k > 0);
    if (k <= 0) return o;
    i += (size_t)k;
    cps[0] = cp;
    if (cp == '\n' && eol) {
      cps[0] = '\r';
      cps[1] = '\n';
      ncp = eol == 1 ? 2 : 1;
    }
    for (int j = 0; j < ncp; j++) {
      cp = cps[j];
      if (kind == K_UTF8 || kind == K_UTF8BOM) {
        o += (size_t)utf8proc_encode_char(cp, dst + o);
      } else if (kind == K_1252) {
        int b = to_cp1252(cp);
        CHECK(b >= 0);
        dst[o++] = (unsigned char)b;
      } else {
        uint16_t u[2];
        int nu = 1;
        if (cp >= 0x10000) {
          u[0] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
          u[1] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
          nu = 2;
        } else {
          u[0] = (uint16_t)cp;
        }
        for (int m = 0; m < nu; m++) {
          dst[o++] = (unsigned char)(kind == K_LE ? u[m] & 0xFF : u[m] >> 8);
          dst[o++] = (unsigned char)(kind == K_LE ? u[m] >> 8 : u[m] & 0xFF);
        }
      }
    }
  }
  return o;
}

/* Decodes then NFC-normalizes raw into out. */
static void decode_nfc(const void *raw, size_t n, vg_buf *out,
                       vg_encoding *enc, size_t *rep) {
  vg_buf tmp = {0};
  CHECK_INT(vg_text_decode(raw, n, &tmp, enc, rep), 0);
  CHECK(vg_text_valid(tmp.data, tmp.len));
  CHECK_INT(vg_text_normalize(tmp.data, tmp.len, VG_NORM_NFC, out), 0);
  vg_buf_free(&tmp);
}

static void test_same_sentence_in_every_encoding_and_line_end(void) {
  static const vg_encoding want[] = {VG_ENC_UTF8, VG_ENC_UTF8_BOM,
                                     VG_ENC_UTF16LE, VG_ENC_UTF16BE,
                                     VG_ENC_CP1252};
  unsigned char raw[1024];
  vg_buf out = {0};
  for (int src = 0; src < 2; src++) /* NFC, then NFD source text */
    for (int kind = K_UTF8; kind <= K_1252; kind++)
      for (int eol = 0; eol < 3; eol++) {
        if (src == 1 && kind == K_1252) continue; /* no NFD in cp1252 */
        size_t n = encode(src ? REF_NFD : REF, kind, eol, raw);
        vg_encoding enc = (vg_encoding)-1;
        size_t rep = 99;
        decode_nfc(raw, n, &out, &enc, &rep);
        CHECK_INT(enc, want[kind]);
        CHECK_INT(rep, 0);
        CHECK_INT(out.len, strlen(REF));
        CHECK_STR(out.data, REF);
      }
  vg_encoding enc;
  size_t rep;
  decode_nfc(REF_1252, strlen(REF_1252), &out, &enc, &rep);
  CHECK_INT(enc, VG_ENC_CP1252);
  CHECK_INT(rep, 0);
  CHECK_STR(out.data, REF);
  vg_buf_free(&out);
}

static void test_cp1252_specials_and_undefined_bytes(void) {
  vg_buf out = {0};
  vg_encoding enc;
  size_t rep = 99;
  CHECK_INT(vg_text_decode((const unsigned char *)"\x80\x92\x9C", 3, &out, &enc,
                           &rep), 0);
  CHECK_STR(out.data, u8"\u20ac\u2019\u0153");
  CHECK_INT(enc, VG_ENC_CP1252);
  CHECK_INT(rep, 0);
  CHECK_INT(vg_text_decode((const unsigned char *)"a\x81" "b", 3, &out, &enc,
                           &rep), 0);
  CHECK_STR(out.data, u8"a\ufffdb");
  CHECK_INT(enc, VG_ENC_CP1252);
  CHECK_INT(rep, 1);
  CHECK_INT(vg_text_decode((const unsigned char *)"\x81\x8D\x8F\x90\x9D\xFF", 6,
                           &out, &enc, &rep), 0);
  CHECK_STR(out.data, u8"\ufffd\ufffd\ufffd\ufffd\ufffd\u00ff");
  CHECK_INT(rep, 5);
  /* valid UTF-8 followed by one bad byte: the WHOLE text is cp1252 */
  CHECK_INT(vg_text_decode((const unsigned char *)"caf\xC3\xA9 \xE9\r\nx", 10,
                           &out, &enc, &rep), 0);
  CHECK_STR(out.data, u8"caf\u00c3\u00a9 \u00e9\nx");
  CHECK_INT(enc, VG_ENC_CP1252);
  CHECK_INT(rep, 0);
  vg_buf_free(&out);
}

static void test_utf16_surrogates_and_odd_bytes(void) {
  static const struct {
    const char *raw;
    size_t n;
    const char *want;
    vg_encoding enc;
    size_t rep;
  } cases[] = {
      /* pair: U+1F600 */
      {"\xFF\xFE" "a\0\x3D\xD8\x00\xDE" "b\0", 10, u8"a\U0001F600b",
       VG_ENC_UTF16LE, 0},
      {"\xFE\xFF\0a\xD8\x3D\xDE\x00\0b", 10, u8"a\U0001F600b", VG_ENC_UTF16BE,
       0},
      /* unpaired high, then a normal unit */
      {"\xFF\xFE" "a\0\x00\xD8" "b\0", 8, u8"a\ufffdb", VG_ENC_UTF16LE, 1},
      /* lone low */
      {"\xFE\xFF\0a\xDC\x00\0b", 8, u8"a\ufffdb", VG_ENC_UTF16BE, 1},
      /* two highs in a row, then a pair */
      {"\xFE\xFF\xD8\x00\xD8\x3D\xDE\x00", 8, u8"\ufffd\U0001F600",
       VG_ENC_UTF16BE, 1},
      /* high at the end */
      {"\xFF\xFE" "a\0\x00\xD8", 6, u8"a\ufffd", VG_ENC_UTF16LE, 1},
      /* odd trailing byte */
      {"\xFF\xFE" "a\0b", 5, u8"a\ufffd", VG_ENC_UTF16LE, 1},
      /* high then odd byte: two replacements */
      {"\xFE\xFF\xD8\x00\x41", 5, u8"\ufffd\ufffd", VG_ENC_UTF16BE, 2},
      /* CR, CRLF, LF, and a second BOM kept as U+FEFF */
      {"\xFF\xFE\r\0\r\0\n\0\n\0\xFF\xFE", 12, u8"\n\n\n\ufeff",
       VG_ENC_UTF16LE, 0},
      /* BOM only */
      {"\xFE\xFF", 2, "", VG_ENC_UTF16BE, 0},
  };
  vg_buf out = {0};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    vg_encoding enc;
    size_t rep = 99;
    CHECK_INT(vg_text_decode((const unsigned char *)cases[i].raw, cases[i].n,
                             &out, &enc, &rep), 0);
    CHECK_STR(out.data, cases[i].want);
    CHECK_INT(enc, cases[i].enc);
    CHECK_INT(rep, cases[i].rep);
    CHECK(vg_text_valid(out.data, out.len));
  }
  /* U+0000 is kept */
  vg_encoding enc;
  size_t rep;
  CHECK_INT(vg_text_decode((const unsigned char *)"\xFF\xFE" "a\0\0\0b\0", 8,
                           &out, &enc, &rep), 0);
  CHECK_INT(out.len, 3);
  CHECK(memcmp(out.data, "a\0b", 3) == 0);
  vg_buf_free(&out);
}

/* Policy: one U+FFFD per maximal subpart of an ill-formed sequence. */
static void test_utf8_bom_invalid_maximal_subparts(void) {
  static const struct {
    const char *raw;
    const char *want;
    size_t rep;
  } cases[] = {
      {"\xEF\xBB\xBF" "a\xC0\xAF" "b", u8"a\ufffd\ufffdb", 2},  /* overlong */
      {"\xEF\xBB\xBF\xE2\x82" "A", u8"\ufffdA", 1},       /* truncated 3 */
      {"\xEF\xBB\xBF\xED\xA0\x80", u8"\ufffd\ufffd\ufffd", 3}, /* surrogate */
      {"\xEF\xBB\xBF\xF4\x90\x80\x80", u8"\ufffd\ufffd\ufffd\ufffd", 4},
      {"\xEF\xBB\xBF\xF0\x9F\x98", u8"\ufffd", 1},        /* truncated at end */
      {"\xEF\xBB\xBF\xF0\x9F\x98\xF0\x9F\x98\x80", u8"\ufffd\U0001F600", 1},
      {"\xEF\xBB\xBF\x80\xBF", u8"\ufffd\ufffd", 2},      /* stray */
      {"\xEF\xBB\xBF\xFF\r\n\xC3\xA9\r", u8"\ufffd\n\u00e9\n", 1},
      {"\xEF\xBB\xBF" "caf\xC3\xA9", u8"caf\u00e9", 0},
      {"\xEF\xBB\xBF", "", 0},
  };
  vg_buf out = {0};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    vg_encoding enc;
    size_t rep = 99;
    CHECK_INT(vg_text_decode((const unsigned char *)cases[i].raw,
                             strlen(cases[i].raw), &out, &enc, &rep), 0);
    CHECK_STR(out.data, cases[i].want);
    CHECK_INT(enc, VG_ENC_UTF8_BOM);
    CHECK_INT(rep, cases[i].rep);
  }
  vg_buf_free(&out);
}

static void test_line_ends_match_naive_conversion(void) {
  static const char *const bits[] = {"a", "bc", "\r", "\n", "\r\n", u8"\u00e9",
                                     "defghijk", "\r\r\n"};
  char raw[4096], want[4096];
  size_t n = 0, w = 0;
  unsigned seed = 7;
  while (n < sizeof raw - 16) {
    seed = seed * 1103515245u + 12345u;
    const char *b = bits[(seed >> 16) % 8];
    memcpy(raw + n, b, strlen(b));
    n += strlen(b);
  }
  for (size_t i = 0; i < n; i++) {
    if (raw[i] == '\r') {
      want[w++] = '\n';
      if (i + 1 < n && raw[i + 1] == '\n') i++;
    } else {
      want[w++] = raw[i];
    }
  }
  want[w] = '\0';
  vg_buf out = {0};
  vg_encoding enc;
  size_t rep;
  CHECK_INT(vg_text_decode((const unsigned char *)raw, n, &out, &enc, &rep), 0);
  CHECK_INT(enc, VG_ENC_UTF8);
  CHECK_INT(out.len, w);
  CHECK_STR(out.data, want);
  CHECK_INT(vg_text_decode((const unsigned char *)"a\r", 2, &out, &enc, &rep), 0);
  CHECK_STR(out.data, "a\n");
  CHECK_INT(vg_text_decode((const unsigned char *)"\n\r", 2, &out, &enc, &rep), 0);
  CHECK_STR(out.data, "\n\n");
  CHECK_INT(vg_text_decode((const unsigned char *)"x\r\n\xE9\r\r\n", 7, &out,
                           &enc, &rep), 0);
  CHECK_STR(out.data, u8"x\n\u00e9\n\n");
  CHECK_INT(enc, VG_ENC_CP1252);
  vg_buf_free(&out);
}

static void test_ascii_empty_and_reset(void) {
  vg_buf out = {0};
  vg_encoding enc = VG_ENC_CP1252;
  size_t rep = 99;
  vg_buf_append(&out, "junk", 4);
  CHECK_INT(vg_text_decode((const unsigned char *)"", 0, &out, &enc, &rep), 0);
  CHECK(out.data != NULL);
  CHECK_INT(out.len, 0);
  CHECK_INT(enc, VG_ENC_UTF8);
  CHECK_INT(rep, 0);
  CHECK_INT(vg_text_decode((const unsigned char *)"plain ascii", 11, &out, NULL,
                           NULL), 0);
  CHECK_STR(out.data, "plain ascii");
  CHECK_INT(vg_text_normalize("abc", 3, VG_NORM_NFC, &out), 0);
  CHECK_STR(out.data, "abc");
  CHECK_INT(vg_text_normalize("", 0, VG_NORM_NFD, &out), 0);
  CHECK(out.data != NULL && out.len == 0);
  CHECK_INT(vg_text_fold("", 0, &out), 0);
  CHECK(out.data != NULL && out.len == 0);
  vg_buf_free(&out);
}

static void test_normalize_forms(void) {
  vg_buf out = {0};
  const char *s = u8"\ufb01nale \u00e9t\u00e9 \u2474";
  CHECK_INT(vg_text_normalize(s, strlen(s), VG_NORM_NFC, &out), 0);
  CHECK_STR(out.data, s);
  CHECK_INT(vg_text_normalize(s, strlen(s), VG_NORM_NFD, &out), 0);
  CHECK_STR(out.data, u8"\ufb01nale e\u0301te\u0301 \u2474");
  CHECK_INT(vg_text_normalize(s, strlen(s), VG_NORM_NFKC, &out), 0);
  CHECK_STR(out.data, u8"finale \u00e9t\u00e9 (1)");
  CHECK_INT(vg_text_normalize(s, strlen(s), VG_NORM_NFKD, &out), 0);
  CHECK_STR(out.data, u8"finale e\u0301te\u0301 (1)");
  CHECK_INT(vg_text_normalize(REF_NFD, strlen(REF_NFD), VG_NORM_NONE, &out), 0);
  CHECK_STR(out.data, REF_NFD);
  CHECK_INT(vg_text_normalize("a", 1, (vg_norm)42, &out), -1);
  /* the ASCII starter just before marks belongs to the piece */
  const char *t = "abcdefghijklmnope\xCC\x81 xyz E\xCC\xA3\xCC\x82";
  CHECK_INT(vg_text_normalize(t, strlen(t), VG_NORM_NFC, &out), 0);
  CHECK_STR(out.data, u8"abcdefghijklmnop\u00e9 xyz \u1ec6");
  /* marks out of canonical order, and a mark at the very start */
  const char *u = "\xCC\x81" "a\xCC\x81\xCC\xA3";
  CHECK_INT(vg_text_normalize(u, strlen(u), VG_NORM_NFD, &out), 0);
  CHECK_STR(out.data, "\xCC\x81" "a\xCC\xA3\xCC\x81");
  /* Kelvin sign: a singleton decomposition to ASCII */
  CHECK_INT(vg_text_normalize(u8"\u212a\u0301", 5, VG_NORM_NFC, &out), 0);
  CHECK_STR(out.data, u8"\u1e30");
  vg_buf_free(&out);
}

/* Maps s whole with utf8proc_map, for comparison. Returns owned memory. */
static char *map_whole(const char *s, size_t n, utf8proc_option_t opts) {
  utf8proc_uint8_t *r = NULL;
  utf8proc_ssize_t k =
      utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &r, opts);
  CHECK(k >= 0);
  return (char *)r;
}

/* Builds about want bytes from tokens picked by a fixed generator. */
static char *build(const char *const *tok, size_t ntok, size_t want,
                   size_t *len) {
  char *s = malloc(want + 64);
  size_t n = 0;
  unsigned seed = 12345;
  while (n < want) {
    seed = seed * 1103515245u + 12345u;
    const char *t = tok[(seed >> 16) % ntok];
    memcpy(s + n, t, strlen(t));
    n += strlen(t);
  }
  s[n] = '\0';
  *len = n;
  return s;
}

/* Checks every form, fold and casefold of s against utf8proc_map. */
static void check_against_whole(const char *s, size_t n) {
  static const utf8proc_option_t nf[] = {
      UTF8PROC_STABLE | UTF8PROC_COMPOSE, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE,
      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT,
      UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT};
  vg_buf out = {0};
  CHECK(vg_text_valid(s, n));
  for (int f = VG_NORM_NFC; f <= VG_NORM_NFKD; f++) {
    char *w = map_whole(s, n, nf[f]);
    CHECK_INT(vg_text_normalize(s, n, (vg_norm)f, &out), 0);
    CHECK_INT(out.len, strlen(w));
    CHECK(strcmp(out.data, w) == 0);
    free(w);
  }
  char *w = map_whole(s, n, UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                                UTF8PROC_COMPOSE);
  CHECK_INT(vg_text_fold(s, n, &out), 0);
  CHECK(strcmp(out.data, w) == 0);
  free(w);
  w = map_whole(s, n, UTF8PROC_CASEFOLD);
  CHECK_INT(vg_text_casefold(s, n, &out), 0);
  CHECK(strcmp(out.data, w) == 0);
  free(w);
  vg_buf_free(&out);
}

static void test_normalize_long_text_equals_whole_map(void) {
  static const char *const tok[] = {
      "a", "Le ", " ", "\n", "E", "e\xCC\x81", "E\xCC\x81", "\xC3\xA9",
      "\xCC\x81", "\xCC\x81\xCC\xA3", "\xEF\xAC\x81", "\xC3\x9F", "\xC5\x92",
      "\xE2\x80\x99", "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8", "\xEA\xB0\x80",
      "\xE1\x86\xA8", "\xE4\xB8\x80", "\xE2\x91\xB4", "\xC7\x85", "\xCE\xA3",
      "\xF0\x9F\x98\x80", "\xE1\xBA\x9E", "\xE2\x84\xAA", "\xE2\x84\xAB",
      "\xCD\x84", "\xE0\xBD\xB3", "g\xC3\xA9olocalisation ",
      "GE\xCC\x81OLOCALISE\xCC\x81S "};
  size_t n;
  char *s = build(tok, sizeof tok / sizeof tok[0], 1 << 20, &n);
  check_against_whole(s, n);
  free(s);
}

/* A long run with no ASCII at all is cut before ideographs and syllables;
 * Hangul L+V+T jamo and syllable+T must still compose across tokens. */
static void test_normalize_long_run_without_ascii(void) {
  static const char *const tok[] = {
      "\xE4\xB8\x80", "\xE4\xB8\x80\xCC\x81", "\xEA\xB0\x80", "\xE1\x86\xA8",
      "\xE1\x84\x80", "\xE1\x85\xA1", "\xC3\xA9\xCC\xA3", "\xCC\x81",
      "\xEF\xAC\x81", "\xC3\x9F", "\xC5\x92", "\xE3\x80\x80", "\xE2\x84\xAA",
      "\xE3\x81\x8B\xE3\x82\x99", "\xE9\xBE\xA0\xE1\x86\xA8"};
  size_t n;
  char *s = build(tok, sizeof tok / sizeof tok[0], 300 * 1024, &n);
  check_against_whole(s, n);
  free(s);
}

static void test_fold(void) {
  static const struct {
    const char *in, *want;
  } cases[] = {
      {u8"G\u00e9olocalisation", "geolocalisation"},
      {u8"G\u00c9OLOCALIS\u00c9S", "geolocalises"},
      {"ge\xCC\x81olocalise\xCC\x81s", "geolocalises"},
      {u8"Stra\u00dfe", "strasse"},
      {u8"\ufb01nale", "finale"},
      {u8"\u0152uvre", u8"\u0153uvre"},
      {u8"L\u2019\u00c9T\u00c9", u8"l\u2019ete"},
      {"ABC xyz 123", "abc xyz 123"},
  };
  vg_buf out = {0};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    CHECK_INT(vg_text_fold(cases[i].in, strlen(cases[i].in), &out), 0);
    CHECK_STR(out.data, cases[i].want);
  }
  vg_buf_free(&out);
}

static void test_casefold(void) {
  static const struct {
    const char *in, *want;
  } cases[] = {
      {u8"G\u00e9olocalisation \u00c9T\u00c9", u8"g\u00e9olocalisation \u00e9t\u00e9"},
      {u8"STRA\u00dfE", "strasse"},
      {u8"\u03a3\u0391\u03a3", u8"\u03c3\u03b1\u03c3"},
      {"HeLLo, World!", "hello, world!"},
      {u8"\u0152", u8"\u0153"},
      {"E\xCC\x81", "e\xCC\x81"}, /* no normalization */
  };
  vg_buf out = {0};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    CHECK_INT(vg_text_casefold(cases[i].in, strlen(cases[i].in), &out), 0);
    CHECK_STR(out.data, cases[i].want);
  }
  vg_buf_free(&out);
}

static void test_valid(void) {
  static const struct {
    const char *s;
    int ok;
  } cases[] = {
      {"", 1},
      {"plain ASCII longer than eight bytes", 1},
      {u8"\u00e9t\u00e9", 1},
      {"\xF0\x9F\x98\x80", 1},         /* 4-byte emoji */
      {"\xF4\x8F\xBF\xBF", 1},         /* U+10FFFF */
      {"\xEF\xBF\xBF", 1},             /* U+FFFF */
      {"\xC0\xAF", 0},                 /* overlong '/' */
      {"\xE0\x80\xAF", 0},             /* overlong, 3 bytes */
      {"\xF0\x80\x80\xAF", 0},         /* overlong, 4 bytes */
      {"\xED\xA0\x80", 0},             /* surrogate D800 */
      {"\xED\xBF\xBF", 0},             /* surrogate DFFF */
      {"\xF4\x90\x80\x80", 0},         /* U+110000 */
      {"\xF5\x80\x80\x80", 0},
      {"\xE2\x82", 0},                 /* truncated */
      {"\xF0\x9F\x98", 0},
      {"abc\xC3", 0},
      {"\x80", 0},
      {"abcdefghijklm\xFFnop", 0},     /* past the 8-byte fast path */
      {"abcdefgh\xC3\xA9ijklmnop\xE2\x82\xAC", 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    CHECK_INT(vg_text_valid(cases[i].s, strlen(cases[i].s)), cases[i].ok);
  CHECK_INT(vg_text_valid("a\0b", 3), 1);
  CHECK_INT(vg_text_valid("\xC3\xA9", 1), 0);
}

static void test_len(void) {
  CHECK_INT(vg_text_len(u8"\u00e9t\u00e9", strlen(u8"\u00e9t\u00e9")), 3);
  CHECK_INT(vg_text_len("\xF0\x9F\x98\x80", 4), 1);
  CHECK_INT(vg_text_len("a\xF0\x9F\x98\x80" "b", 6), 3);
  CHECK_INT(vg_text_len("", 0), 0);
  CHECK_INT(vg_text_len(REF_NFD, strlen(REF_NFD)),
            vg_text_len(REF, strlen(REF)) + 6); /* five é and one û */
}

static void test_is_binary(void) {
  static unsigned char big[9000];
  memset(big, 'a', sizeof big);
  CHECK_INT(vg_text_is_binary((const unsigned char *)"abc\0def", 7), 1);
  CHECK_INT(vg_text_is_binary((const unsigned char *)"plain", 5), 0);
  CHECK_INT(vg_text_is_binary((const unsigned char *)"", 0), 0);
  CHECK_INT(vg_text_is_binary((const unsigned char *)"\xFF\xFE" "a\0", 4), 0);
  CHECK_INT(vg_text_is_binary((const unsigned char *)"\xFE\xFF\0a", 4), 0);
  CHECK_INT(vg_text_is_binary((const unsigned char *)"\xFF\0", 2), 1);
  big[8191] = 0;
  CHECK_INT(vg_text_is_binary(big, sizeof big), 1);
  big[8191] = 'a';
  big[8192] = 0;
  CHECK_INT(vg_text_is_binary(big, sizeof big), 0);
}

static void test_names(void) {
  vg_norm f = VG_NORM_NONE;
  for (int i = VG_NORM_NFC; i <= VG_NORM_NONE; i++) {
    CHECK_INT(vg_norm_parse(vg_norm_name((vg_norm)i), &f), 0);
    CHECK_INT(f, i);
  }
  CHECK_STR(vg_norm_name(VG_NORM_NFKC), "NFKC");
  CHECK_STR(vg_norm_name(VG_NORM_NONE), "none");
  CHECK_INT(vg_norm_parse("nfkd", &f), 0);
  CHECK_INT(f, VG_NORM_NFKD);
  CHECK_INT(vg_norm_parse("NONE", &f), 0);
  CHECK_INT(f, VG_NORM_NONE);
  CHECK_INT(vg_norm_parse("nfx", &f), -1);
  CHECK_INT(vg_norm_parse("nf", &f), -1);
  CHECK_INT(vg_norm_parse("nfcc", &f), -1);
  CHECK_INT(vg_norm_parse(NULL, &f), -1);
  CHECK_STR(vg_encoding_name(VG_ENC_UTF8), "utf-8");
  CHECK_STR(vg_encoding_name(VG_ENC_UTF8_BOM), "utf-8-bom");
  CHECK_STR(vg_encoding_name(VG_ENC_UTF16LE), "utf-16le");
  CHECK_STR(vg_encoding_name(VG_ENC_UTF16BE), "utf-16be");
  CHECK_STR(vg_encoding_name(VG_ENC_CP1252), "windows-1252");
}

/* The NFC quick check (already-NFC runs are copied, not mapped) gives what
 * utf8proc gives, for every BMP code point alone, after a letter, and
 * before a combining accent or a Hangul vowel. */
static void test_nfc_quick_check_agrees_with_utf8proc(void) {
  vg_buf out = {0};
  int bad = 0;
  for (utf8proc_int32_t c = 0x80; c < 0x10000 && bad < 5; c++) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const utf8proc_int32_t tails[] = {'b', 0x0301, 0x0327, 0x1161, 0x11A8, 0x3099};
    for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
      utf8proc_uint8_t in[16];
      utf8proc_ssize_t n = 0;
      in[n++] = 'a';
      n += utf8proc_encode_char(c, in + n);
      n += utf8proc_encode_char(tails[t], in + n);
      utf8proc_uint8_t *want = NULL;
      utf8proc_map(in, n, &want, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
      if (vg_text_normalize((const char *)in, (size_t)n, VG_NORM_NFC, &out) ||
          strcmp(out.data, (const char *)want) != 0) {
        if (bad++ < 5) fprintf(stderr, "NFC differs for U+%04X + U+%04X\n", (unsigned)c, (unsigned)tails[t]);
      }
      free(want);
    }
  }
  CHECK_INT(bad, 0);
  vg_buf_free(&out);
}

/* vg_text_ready says yes only where decoding then normalizing gives the
 * same bytes: every code point of the BMP between ASCII letters, for each
 * form, and texts of random pieces (CR, BOMs, invalid bytes, marks, emoji);
 * and yes for a plain French text in NFC. */
static void ready_agrees(const unsigned char *s, size_t n, int *bad, int *yes) {
  static const vg_norm forms[] = {VG_NORM_NFC, VG_NORM_NFD, VG_NORM_NFKC, VG_NORM_NFKD, VG_NORM_NONE};
  vg_buf dec = {0}, out = {0};
  for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
    if (!vg_text_ready(s, n, forms[f])) continue;
    (*yes)++;
    vg_encoding enc;
    size_t rep;
    CHECK(vg_text_decode(s, n, &dec, &enc, &rep) == 0);
    CHECK(vg_text_normalize(dec.data, dec.len, forms[f], &out) == 0);
    if (enc != VG_ENC_UTF8 || rep || out.len != n || memcmp(out.data, s, n)) {
      if ((*bad)++ < 5) fprintf(stderr, "ready but changed: form %zu, %zu bytes\n", f, n);
    }
  }
  vg_buf_free(&dec);
  vg_buf_free(&out);
}

static void test_ready_only_when_nothing_changes(void) {
  int bad = 0, yes = 0;
  for (uint32_t c = 0x80; c < 0x10000; c++) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    unsigned char in[16];
    size_t n = 0;
    in[n++] = 'a';
    n += (size_t)utf8proc_encode_char((utf8proc_int32_t)c, in + n);
    in[n++] = 'b';
    ready_agrees(in, n, &bad, &yes);
  }
  static const char *const piece[] = {"mot ", "été ", "\r\n", "\r", "\xEF\xBB\xBF", "\xFF\xFE", "e\xCC\x81",
                                      "\xE2\x80\x99", "\xF0\x9F\x98\x80", "\xC3", "\xE9", "Å", "ﬁ", "\n", "x"};
  unsigned long long seed = 42;
  for (int round = 0; round < 20000; round++) {
    unsigned char t[64];
    size_t n = 0;
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    for (size_t k = (seed >> 33) % 8; k-- > 0;) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      const char *p = piece[(seed >> 33) % (sizeof piece / sizeof *piece)];
      memcpy(t + n, p, strlen(p));
      n += strlen(p);
    }
    ready_agrees(t, n, &bad, &yes);
  }
  CHECK_INT(bad, 0);
  CHECK(yes > 20000);
  const char *fr = "La direction a installé une badgeuse à l’entrée de l’entrepôt. « Non ! »\n";
  CHECK(vg_text_ready((const unsigned char *)fr, strlen(fr), VG_NORM_NFC));
  CHECK(vg_text_ready((const unsigned char *)fr, strlen(fr), VG_NORM_NONE));
  CHECK(!vg_text_ready((const unsigned char *)fr, strlen(fr), VG_NORM_NFD));
  CHECK(vg_text_ready((const unsigned char *)"plain ASCII\n", 12, VG_NORM_NFKD));
}

int main(void) {
  RUN(test_same_sentence_in_every_encoding_and_line_end);
  RUN(test_cp1252_specials_and_undefined_bytes);
  RUN(test_utf16_surrogates_and_odd_bytes);
  RUN(test_utf8_bom_invalid_maximal_subparts);
  RUN(test_line_ends_match_naive_conversion);
  RUN(test_ascii_empty_and_reset);
  RUN(test_normalize_forms);
  RUN(test_normalize_long_text_equals_whole_map);
  RUN(test_normalize_long_run_without_ascii);
  RUN(test_nfc_quick_check_agrees_with_utf8proc);
  RUN(test_ready_only_when_nothing_changes);
  RUN(test_fold);
  RUN(test_casefold);
  RUN(test_valid);
  RUN(test_len);
  RUN(test_is_binary);
  RUN(test_names);
  return DONE();
}
