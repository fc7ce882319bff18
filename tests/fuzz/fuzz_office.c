/* fuzz_office.c: libFuzzer target for the DOCX and ODT extractors: the
 * first byte chooses the format (even DOCX, odd ODT), the rest is the zip,
 * extracted with small limits. The result must pass the checks of
 * extract_check.h: on success the text conventions of extract.h (lines
 * trimmed of spaces and tabs, no line feed at either end) within
 * max_bytes and well-formed metadata; on failure one of the skip keys the
 * office extractors give, a reason, and no text. */
#include <stdint.h>
#include <stdlib.h>

#include "extract.h"
#include "extract_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  vg_extract_limits l;
  vg_extract_default_limits(&l, 1 << 20);
  vg_extracted x = {0};
  int r = (data[0] & 1) ? vg_extract_odt(data + 1, size - 1, &l, &x)
                        : vg_extract_docx(data + 1, size - 1, &l, &x);
  check_extracted(&x, r, l.max_bytes, CK_FAIL_EMPTY, "damaged encrypted ratio too_large");
  vg_extracted_free(&x);
  return 0;
}
