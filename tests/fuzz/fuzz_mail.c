/* fuzz_mail.c: libFuzzer target for the e-mail extractor: the first byte
 * chooses the extractor (even: eml, odd: mbox), the rest is the input,
 * read with small limits. On success the text must follow extract.h (valid
 * UTF-8, no NUL, no control character but \t \n \f, no C1, LF line ends,
 * no space or tab at a line end, no blank line at either end or two in a
 * row), metadata must be valid UTF-8 on one line, and the parts must walk
 * to exactly x->nparts with safe names and stay within the limits; on
 * failure a skip key and a reason must be set. A message part (eml) or a
 * message (mbox) is read again as an eml, so that nesting is fuzzed too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t n) {
  if (n && !s) abort();
  if (!vg_text_valid(s ? s : "", n)) abort();
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f') || c == 0x7f) abort();
    if (c == '\n' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) abort(); /* trimmed */
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
        (unsigned char)s[i + 1] <= 0x9F)
      abort(); /* C1 */
  }
  if (n && (s[0] == '\n' || s[n - 1] != '\n' || (n >= 2 && s[n - 2] == '\n'))) abort();
  for (size_t i = 0; i + 2 < n; i++)
    if (s[i] == '\n' && s[i + 1] == '\n' && s[i + 2] == '\n') abort();
}

static void check_meta(const vg_extracted *x) {
  for (size_t i = 0; i < x->meta.len;) {
    const char *k = x->meta.data + i, *v = k + strlen(k) + 1;
    size_t n = strlen(v);
    if (!*k || !n || !vg_text_valid(v, n)) abort();
    for (size_t j = 0; j < n; j++) {
      unsigned char c = (unsigned char)v[j];
      if (c < 0x20 || c == 0x7f) abort();
      if (c == 0xC2 && j + 1 < n && (unsigned char)v[j + 1] >= 0x80 &&
          (unsigned char)v[j + 1] <= 0x9F)
        abort(); /* C1 */
    }
    i = (size_t)(v - x->meta.data) + n + 1;
    if (i > x->meta.len) abort();
  }
}

static void check(vg_format f, const uint8_t *p, size_t n, const vg_extract_limits *l,
                  int depth) {
  vg_extracted x = {0};
  int rc = vg_extract(f, p, n, l, &x);
  if (rc == 0) {
    if (x.skip) abort();
    check_text(x.text.data, x.text.len);
    if (f == VG_FORMAT_MBOX && x.text.len) abort();
    if (l->max_bytes && x.text.len > l->max_bytes + 4) abort();
    check_meta(&x);
    size_t pos = 0, k = 0, size;
    const char *name;
    const unsigned char *d;
    while (vg_extracted_next_part(&x, &pos, &name, &d, &size)) {
      if (!*name || strpbrk(name, "/!\\")) abort();
      for (const char *s = name; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) abort();
      if (pos > x.parts.len) abort();
      k++;
      if (depth < 2 && k <= 3 &&
          (f == VG_FORMAT_MBOX || (strlen(name) > 4 && !strcmp(name + strlen(name) - 4, ".eml"))))
        check(VG_FORMAT_EML, d, size, l, depth + 1);
    }
    if (k != x.nparts || pos != x.parts.len) abort();
    if (l->max_parts && x.nparts > l->max_parts) abort();
    if (l->max_bytes && x.parts.len > l->max_bytes + x.nparts * 300) abort();
  } else {
    if (rc != -1 || !x.skip || !x.reason[0]) abort();
  }
  vg_extracted_free(&x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  vg_extract_limits l;
  vg_extract_default_limits(&l, 1 << 20);
  l.max_parts = 50;
  l.max_memory = 64 << 20;
  l.max_seconds = 5;
  check(data[0] & 1 ? VG_FORMAT_MBOX : VG_FORMAT_EML, data + 1, size - 1, &l, 0);
  return 0;
}
