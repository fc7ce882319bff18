/* fuzz_archive.c: libFuzzer target for the readers: the bytes as an input
 * file (an archive, a compressed stream, a plain file), read to the end
 * with small limits; every entry must be well formed. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int fd = memfd_create("fuzz", 0);
  if (fd < 0) return 0;
  if (write(fd, data, size) != (ssize_t)size) {
    close(fd);
    return 0;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  const char *paths[] = {path};
  vg_input_opts o = {1 << 20, 50, 3, 0, 0, 0, 0};
  vg_input *in = vg_input_new(paths, 1, &o);
  vg_entry e;
  for (int n = 0; in && n < 10000 && vg_input_next(in, &e); n++) {
    if (!e.id || !e.path) abort();
    if (e.kind == VG_ENTRY_DOC && e.size && !e.data) abort();
    if (e.kind != VG_ENTRY_DOC && !e.reason) abort();
    if (strstr(e.path, "/../") || !strncmp(e.path, "../", 3)) abort(); /* names are neutralized */
  }
  vg_input_free(in);
  close(fd);
  return 0;
}
