/* fuzz_pdf.c: libFuzzer target for the PDF extractor: any bytes through
 * vg_extract_pdf with small limits. The result must pass the checks of
 * extract_check.h: on success the text conventions of extract.h (lines
 * trimmed of spaces and tabs, no line feed at either end) within
 * max_bytes and well-formed metadata; on failure one of the skip keys of
 * extract_pdf.c and a reason. Here also: the warning on success and the
 * reason on failure must be valid UTF-8, the warning on one line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "extract_check.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  vg_extract_limits l;
  vg_extract_default_limits(&l, 1 << 20);
  l.max_memory = 256u << 20;
  l.max_pages = 50;
  l.max_seconds = 2;
  vg_extracted x = {0};
  int r = vg_extract_pdf(data, size, &l, &x);
  check_extracted(&x, r, l.max_bytes, 0, "damaged encrypted no_text too_large timeout");
  if (r == 0) {
    if (!vg_text_valid(x.warning, strlen(x.warning))) abort();
    for (const char *w = x.warning; *w; w++)
      if ((unsigned char)*w < 0x20) abort();
  } else if (!vg_text_valid(x.reason, strlen(x.reason))) {
    abort();
  }
  vg_extracted_free(&x);
  return 0;
}
