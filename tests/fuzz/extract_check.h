/* extract_check.h: the checks the fuzz targets of the extractors share
 * (fuzz_pdf.c, fuzz_office.c, fuzz_html.c, fuzz_mail.c). They abort() on
 * the first breach, which libFuzzer reports with the input. A success must
 * follow the text conventions of extract.h (valid UTF-8, no NUL, no
 * control character but \t \n \f: no DEL, no C1; no space or tab at a
 * line end, nor at a line start unless the format keeps indents; no run of
 * blank lines; no line feed first; none last, or exactly one) within a
 * size, with metadata of non-empty UTF-8 values on one line; a failure
 * must be -1 with a skip key the format gives, damaged for "damaged" only,
 * and a reason. Needs extract.h and text.h (-Iengine). */
#ifndef VG_EXTRACT_CHECK_H
#define VG_EXTRACT_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "text.h"

/* How a format's results differ (bits for check_extracted). */
enum {
  CK_FINAL_LF = 1,   /* the text ends with one line feed (e-mail); else with none */
  CK_INDENTS = 2,    /* lines may start with spaces or tabs (e-mail) */
  CK_FAIL_EMPTY = 4, /* a failure leaves no text */
};

/* 1 when s[i] starts a C1 control (U+0080..U+009F) in UTF-8 s[0..n). */
static inline int is_c1(const char *s, size_t i, size_t n) {
  return (unsigned char)s[i] == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] <= 0x9F;
}

/* Checks the text s[0..n) (s may be NULL when n is 0). */
static inline void check_text(const char *s, size_t n, unsigned flags) {
  if (!n) return;
  if (!s || !vg_text_valid(s, n) || strlen(s) != n) abort(); /* no NUL */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f') || c == 0x7f || is_c1(s, i, n)) abort();
    if (c == '\n' && i + 2 < n && s[i + 1] == '\n' && s[i + 2] == '\n') abort();
  }
  for (size_t i = 0; i < n;) { /* each line */
    const char *nl = memchr(s + i, '\n', n - i);
    size_t e = nl ? (size_t)(nl - s) : n;
    if (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t')) abort();
    if (e > i && !(flags & CK_INDENTS) && (s[i] == ' ' || s[i] == '\t')) abort();
    i = e + 1;
  }
  if (s[0] == '\n') abort();
  if (flags & CK_FINAL_LF ? s[n - 1] != '\n' || (n >= 2 && s[n - 2] == '\n') : s[n - 1] == '\n')
    abort();
}

/* Checks the metadata: pairs of a non-empty key and a non-empty value,
 * each ending with a NUL within x->meta, the value valid UTF-8 without
 * control characters. */
static inline void check_meta(const vg_extracted *x) {
  if (!x->meta.len) return;
  const char *end = x->meta.data + x->meta.len;
  for (const char *k = x->meta.data; k < end;) {
    const char *kz = memchr(k, '\0', (size_t)(end - k));
    if (!kz || kz == k || kz + 1 >= end) abort();
    const char *v = kz + 1, *vz = memchr(v, '\0', (size_t)(end - v));
    size_t vl = vz ? (size_t)(vz - v) : 0;
    if (!vl || !vg_text_valid(v, vl)) abort();
    for (size_t j = 0; j < vl; j++)
      if ((unsigned char)v[j] < 0x20 || v[j] == 0x7f || is_c1(v, j, vl)) abort();
    k = vz + 1;
  }
}

/* Checks the result r of an extraction into x: on success the text (flags)
 * of at most max_text bytes and the metadata; on failure -1, a skip key
 * among skips (space-separated), damaged for "damaged" only, a reason, and
 * no text with CK_FAIL_EMPTY. */
static inline void check_extracted(const vg_extracted *x, int r, uint64_t max_text,
                                   unsigned flags, const char *skips) {
  if (r == 0) {
    check_text(x->text.data, x->text.len, flags);
    if (x->text.len > max_text) abort();
    check_meta(x);
    return;
  }
  if (r != -1 || !x->skip || !x->skip[0] || !x->reason[0]) abort();
  size_t k = strlen(x->skip);
  const char *at = strstr(skips, x->skip);
  while (at && ((at > skips && at[-1] != ' ') || (at[k] && at[k] != ' ')))
    at = strstr(at + 1, x->skip);
  if (!at) abort(); /* a key this format does not give */
  if (x->damaged != !strcmp(x->skip, "damaged")) abort();
  if ((flags & CK_FAIL_EMPTY) && x->text.len) abort();
}

#endif
