/* fuzz_text.c: libFuzzer target for the text layer: any bytes through the
 * decoder, then every normalization form, fold and casefold; the decoded
 * text must be valid UTF-8 without CR, and normalizing NFC twice must give
 * the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  vg_buf dec = {0}, a = {0}, b = {0};
  vg_encoding enc;
  size_t replaced;
  if (vg_text_decode(data, size, &dec, &enc, &replaced) == 0 && dec.data) {
    if (!vg_text_valid(dec.data, dec.len)) abort();
    if (memchr(dec.data, '\r', dec.len)) abort();
    for (int f = VG_NORM_NFC; f <= VG_NORM_NONE; f++) vg_text_normalize(dec.data, dec.len, (vg_norm)f, &a);
    if (vg_text_normalize(dec.data, dec.len, VG_NORM_NFC, &a) == 0 &&
        vg_text_normalize(a.data, a.len, VG_NORM_NFC, &b) == 0 &&
        (a.len != b.len || memcmp(a.data, b.data, a.len)))
      abort(); /* NFC is idempotent */
    vg_text_fold(dec.data, dec.len, &a);
    vg_text_casefold(dec.data, dec.len, &a);
  }
  vg_text_valid((const char *)data, size);
  vg_buf_free(&dec);
  vg_buf_free(&a);
  vg_buf_free(&b);
  return 0;
}
