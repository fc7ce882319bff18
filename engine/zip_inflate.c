/* zip_inflate.c: see zip_inflate.h. The local file header (APPNOTE 4.3.7):
 * signature PK\3\4, version (2), flags (2: bit 0 encrypted, bit 3 sizes in
 * a data descriptor), method (2: 8 deflate), time and date (4), CRC-32 (4),
 * compressed size (4), uncompressed size (4), name length (2), extra
 * length (2), then the name, the extra field and the data. */
#define _POSIX_C_SOURCE 200809L
#include "zip_inflate.h"

#include <fcntl.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOCAL_HEADER 30
#define SLACK 4096 /* compressed bytes allowed past the size, for stored blocks */

struct vg_zip_inflate {
  int fd;
  struct libdeflate_decompressor *d;
  vg_buf in; /* the compressed bytes of the current entry */
};

vg_zip_inflate *vg_zip_inflate_open(const char *path) {
  vg_zip_inflate *z = calloc(1, sizeof *z);
  if (!z) return NULL;
  z->fd = open(path, O_RDONLY | O_CLOEXEC);
  z->d = libdeflate_alloc_decompressor();
  if (z->fd < 0 || !z->d) {
    vg_zip_inflate_close(z);
    return NULL;
  }
  return z;
}

void vg_zip_inflate_close(vg_zip_inflate *z) {
  if (!z) return;
  if (z->fd >= 0) close(z->fd);
  if (z->d) libdeflate_free_decompressor(z->d);
  vg_buf_free(&z->in);
  free(z);
}

/* Reads n bytes at off into p; 1 when all were read. */
static int read_at(int fd, void *p, size_t n, int64_t off) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = pread(fd, (char *)p + got, n - got, (off_t)(off + (int64_t)got));
    if (r <= 0) return 0;
    got += (size_t)r;
  }
  return 1;
}

int vg_zip_inflate_read(vg_zip_inflate *z, int64_t pos, const char *name, uint64_t size,
                        uint64_t max, double max_ratio, uint64_t floor, vg_buf *out) {
  unsigned char h[LOCAL_HEADER];
  if (!name) return 0;
  size_t nlen = strlen(name);
  if (pos < 0 || size > max || !read_at(z->fd, h, sizeof h, pos) || memcmp(h, "PK\3\4", 4))
    return 0;
  uint64_t flags = vg_le(h + 6, 2), method = vg_le(h + 8, 2), crc = vg_le(h + 14, 4);
  uint64_t csize = vg_le(h + 18, 4), usize = vg_le(h + 22, 4);
  uint64_t hn = vg_le(h + 26, 2), he = vg_le(h + 28, 2);
  if ((flags & 0x9) || method != 8 || usize != size || csize == 0xFFFFFFFFu ||
      usize == 0xFFFFFFFFu || hn != nlen || csize > size + size / 8 + SLACK)
    return 0;
  if (max_ratio > 0 && size > floor && (double)size > max_ratio * (double)csize) return 0;
  vg_buf_reset(&z->in); /* the name, the extra field and the data, in one read */
  if (vg_buf_reserve(&z->in, hn + he + csize)) return -1;
  if (!read_at(z->fd, z->in.data, hn + he + csize, pos + LOCAL_HEADER) ||
      memcmp(z->in.data, name, nlen))
    return 0;
  vg_buf_reset(out);
  if (vg_buf_reserve(out, size)) return -1;
  size_t got = 0;
  if (libdeflate_deflate_decompress(z->d, z->in.data + hn + he, csize, out->data, size, &got) !=
          LIBDEFLATE_SUCCESS ||
      got != size || libdeflate_crc32(0, out->data, size) != crc)
    return 0;
  out->len = size;
  out->data[size] = '\0';
  return 1;
}
