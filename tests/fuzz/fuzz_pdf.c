/* fuzz_pdf.c: libFuzzer target for the PDF extractor: any bytes through
 * vg_extract_pdf with small limits. A success must follow the text
 * conventions of extract.h (valid UTF-8, no NUL, no control character but
 * \t \n \f, lines trimmed, no blank-line runs, no blank line at either
 * end) with well-formed metadata; a failure must say why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t n) {
  if (!n) return;
  if (!s || !vg_text_valid(s, n) || strlen(s) != n) abort();
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\f') abort();
    if (c == '\n' && i + 2 < n && s[i + 1] == '\n' && s[i + 2] == '\n') abort();
    if (c == '\n' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) abort(); /* trimmed */
    if (c == '\n' && i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t')) abort();
  }
  if (s[0] == '\n' || s[n - 1] == '\n' || s[0] == ' ' || s[n - 1] == ' ') abort();
}

static void check_meta(const vg_extracted *x) {
  const char *m = x->meta.data;
  for (size_t i = 0; i < x->meta.len;) {
    size_t k = strlen(m + i), v = strlen(m + i + k + 1);
    if (!k || !v || !vg_text_valid(m + i + k + 1, v)) abort();
    for (size_t j = 0; j < v; j++)
      if ((unsigned char)m[i + k + 1 + j] < 0x20) abort();
    i += k + 1 + v + 1;
    if (i > x->meta.len) abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  vg_extract_limits l;
  vg_extract_default_limits(&l, 1 << 20);
  l.max_memory = 256u << 20;
  l.max_pages = 50;
  l.max_seconds = 2;
  vg_extracted x = {0};
  if (vg_extract_pdf(data, size, &l, &x) == 0) {
    check_text(x.text.data, x.text.len);
    if (x.text.len > l.max_bytes) abort();
    check_meta(&x);
    if (!vg_text_valid(x.warning, strlen(x.warning))) abort();
    for (const char *w = x.warning; *w; w++)
      if ((unsigned char)*w < 0x20) abort();
  } else {
    static const char *const SKIPS[] = {"damaged", "encrypted", "no_text", "too_large",
                                        "timeout", NULL};
    int known = 0;
    for (int i = 0; SKIPS[i]; i++) known |= x.skip && !strcmp(x.skip, SKIPS[i]);
    if (!known || !x.reason[0]) abort();
    if (x.damaged != !strcmp(x.skip, "damaged")) abort();
    if (!vg_text_valid(x.reason, strlen(x.reason))) abort();
  }
  vg_extracted_free(&x);
  return 0;
}
