/*
 * zip_inflate.h: a zip entry's deflated bytes read straight from the file
 * and inflated with libdeflate (about twice as fast as zlib, which
 * libarchive uses), while libarchive's streamable zip reader still reads
 * the headers and decides everything else. Only the plain case is taken:
 * a local header where libarchive says the entry starts, the name and size
 * libarchive read, deflate, not encrypted, sizes up front (no data
 * descriptor, no zip64), a compressed size within bounds, a ratio within
 * --max-ratio, and bytes that inflate to exactly that size with the CRC
 * the header gives. Anything else is left to libarchive, untouched: the
 * reader only reads the file at its own offsets (pread), so libarchive's
 * position never moves.
 *
 * Ownership: a vg_zip_inflate owns its file descriptor, its decompressor
 * and its buffer; the caller owns out.
 */
#ifndef VG_ZIP_INFLATE_H
#define VG_ZIP_INFLATE_H

#include <stdint.h>

#include "util.h"

typedef struct vg_zip_inflate vg_zip_inflate;

/* Opens the zip file path for reading entries; NULL when it cannot (the
 * entries are then read through libarchive). */
vg_zip_inflate *vg_zip_inflate_open(const char *path);
void vg_zip_inflate_close(vg_zip_inflate *z); /* NULL ok */

/* Reads into out (reset first) the entry whose local header libarchive
 * found at offset pos, named name, of size bytes: when it is the plain
 * case above, at most max bytes, and its ratio is at most max_ratio (0: no
 * limit) once it is over floor bytes. Returns 1 when out holds the entry's
 * bytes, 0 when libarchive must read it (out is then undefined), -1 when
 * out of memory. */
int vg_zip_inflate_read(vg_zip_inflate *z, int64_t pos, const char *name, uint64_t size,
                        uint64_t max, double max_ratio, uint64_t floor, vg_buf *out);

#endif
