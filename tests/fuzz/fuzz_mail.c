/* fuzz_mail.c: libFuzzer target for the e-mail extractor: the first byte
 * chooses the extractor (even: eml, odd: mbox), the rest is the input,
 * read with small limits. The result must pass the checks of
 * extract_check.h: on success the text conventions of extract.h (lines
 * trimmed at the end, indents kept, a single line feed last) and
 * well-formed metadata; on failure one of the skip keys of extract_mail.c
 * and a reason. Here also: no text from an mbox, and the parts must walk
 * to exactly x->nparts with safe names and stay within the limits. A
 * message part (eml) or a message (mbox) is read again as an eml, so that
 * nesting is fuzzed too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "extract_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(vg_format f, const uint8_t *p, size_t n, const vg_extract_limits *l,
                  int depth) {
  vg_extracted x = {0};
  int rc = vg_extract(f, p, n, l, &x);
  check_extracted(&x, rc, l->max_bytes ? l->max_bytes + 4 : UINT64_MAX, CK_FINAL_LF | CK_INDENTS,
                  "damaged too_large timeout");
  if (rc == 0) {
    if (x.skip) abort();
    if (f == VG_FORMAT_MBOX && x.text.len) abort();
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
