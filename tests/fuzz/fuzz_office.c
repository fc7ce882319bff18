/* fuzz_office.c: libFuzzer target for the DOCX and ODT extractors: the
 * first byte chooses the format (even DOCX, odd ODT), the rest is the zip,
 * extracted with small limits. On success the text must follow extract.h's
 * conventions (valid UTF-8, no NUL, no control character but \t \n \f, no
 * run of blank lines, none at the start or the end, lines trimmed of
 * spaces and tabs, within max_bytes) and the metadata be well formed; on
 * failure a skip key and a reason must be set and the text be empty. */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const vg_extracted *x, int r, uint64_t max) {
  if (r != 0) {
    if (r != -1 || !x->skip || !x->skip[0] || !x->reason[0] || x->text.len) abort();
    return;
  }
  const char *t = x->text.data ? x->text.data : "";
  size_t n = x->text.len;
  if (n > max || !vg_text_valid(t, n) || strlen(t) != n) abort();
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)t[i];
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\f') abort();
  }
  if (n && (t[0] == '\n' || t[n - 1] == '\n')) abort();
  if (memmem(t, n, "\n\n\n", 3)) abort();
  for (size_t i = 0; i < n;) { /* lines trimmed of spaces and tabs */
    const char *nl = memchr(t + i, '\n', n - i);
    size_t e = nl ? (size_t)(nl - t) : n;
    if (e > i && (t[i] == ' ' || t[i] == '\t' || t[e - 1] == ' ' || t[e - 1] == '\t')) abort();
    i = e + 1;
  }
  for (size_t i = 0; i < x->meta.len;) { /* pairs of non-empty UTF-8 strings */
    const char *k = x->meta.data + i;
    size_t kl = strnlen(k, x->meta.len - i);
    if (!kl || i + kl + 1 >= x->meta.len) abort();
    const char *v = k + kl + 1;
    size_t vl = strnlen(v, x->meta.len - i - kl - 1);
    if (!vl || !vg_text_valid(v, vl)) abort();
    i += kl + vl + 2;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  vg_extract_limits l;
  vg_extract_default_limits(&l, 1 << 20);
  vg_extracted x = {0};
  int r = (data[0] & 1) ? vg_extract_odt(data + 1, size - 1, &l, &x)
                        : vg_extract_docx(data + 1, size - 1, &l, &x);
  check(&x, r, l.max_bytes);
  vg_extracted_free(&x);
  return 0;
}
