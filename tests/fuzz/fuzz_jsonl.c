/* fuzz_jsonl.c: libFuzzer target for the JSONL input parser: one line of
 * bytes as a document; a document made must write back as JSON. */
#include <stdint.h>
#include <stdlib.h>

#include "input_jsonl.h"
#include "json_out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[VG_ERRLEN];
  vg_doc *d = vg_jsonl_doc((const char *)data, size, "fuzz", "fuzz:1", err);
  if (d) {
    if (!vg_text_valid(d->text.data, d->text.len)) abort();
    vg_buf out = {0};
    if (vg_json_doc(&out, d, 1)) abort();
    vg_buf_free(&out);
    vg_doc_free(d);
  }
  return 0;
}
