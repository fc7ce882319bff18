/* fuzz_html.c: libFuzzer target for the HTML extractor: the bytes as a
 * page, extracted with small limits. The result must pass the checks of
 * extract_check.h: on success the text conventions of extract.h (lines
 * trimmed of spaces and tabs, no line feed at either end) within
 * max_bytes and well-formed metadata; on failure "damaged" or "too_large",
 * a reason, and no text. */
#include <stdint.h>
#include <stdlib.h>

#include "extract.h"
#include "extract_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  vg_extract_limits l;
  vg_extract_default_limits(&l, 1 << 20);
  vg_extracted x = {0};
  int r = vg_extract_html(data, size, &l, &x);
  check_extracted(&x, r, l.max_bytes, CK_FAIL_EMPTY, "damaged too_large");
  vg_extracted_free(&x);
  return 0;
}
