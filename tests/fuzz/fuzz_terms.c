/* fuzz_terms.c: libFuzzer target for the term matcher: the first line of
 * the input gives terms (split on '|'), the rest is the text; every match
 * must lie inside the text, on UTF-8 boundaries, in order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "terms.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  const char *nl = memchr(s, '\n', size);
  if (!nl || !vg_text_valid(s, size)) return 0;
  const char *terms[32];
  size_t lens[32], n = 0;
  for (const char *p = s; p < nl && n < 32;) {
    const char *bar = memchr(p, '|', (size_t)(nl - p));
    const char *end = bar ? bar : nl;
    terms[n] = p;
    lens[n++] = (size_t)(end - p);
    p = end + 1;
  }
  const char *text = nl + 1;
  size_t tn = size - (size_t)(text - s);
  char err[VG_ERRLEN];
  size_t bad;
  for (unsigned flags = 0; flags < 4; flags++) {
    vg_terms *m = vg_terms_get(terms, lens, n, flags, err, &bad);
    if (!m) continue;
    vg_terms_scan *sc = vg_terms_scan_new();
    vg_terms_scan_start(sc, m, text, tn);
    vg_terms_match mt;
    size_t last = 0;
    int rc;
    while ((rc = vg_terms_scan_next(sc, &mt)) != VG_TERMS_DONE && rc >= 0) {
      if (rc != VG_TERMS_FOUND) continue;
      if (mt.start > mt.end || mt.end > tn || mt.start < last || mt.term >= n) abort();
      if (!vg_utf8_is_lead((unsigned char)text[mt.start]) ||
          (mt.end < tn && !vg_utf8_is_lead((unsigned char)text[mt.end])))
        abort();
      last = mt.start;
    }
    vg_terms_scan_free(sc);
    vg_terms_release(m);
  }
  return 0;
}
