/*
 * input_internal.h: what input.c (the reading: inputs, directories, nested
 * archives, limits) needs from input_detect.c (libarchive's side: opening a
 * reader, telling what a stream is, naming entries). Private to the input
 * module: only input*.c include it, and with it archive.h.
 */
#ifndef VG_INPUT_INTERNAL_H
#define VG_INPUT_INTERNAL_H

#include <archive.h>
#include <archive_entry.h>
#include <stddef.h>

#include "util.h"

#define VG_INPUT_BLOCK_SIZE (64 * 1024) /* read block for files and stdin */

/* Opens a reader over the file fs, else the buffer mem[0..len) (which must
 * outlive the reader), else standard input, and reads its first header
 * into *ae. *pa gets the reader (NULL when out of memory), which the caller
 * frees. Returns the first header's status; when the open itself failed,
 * ARCHIVE_FATAL - 1, with *pa set (for archive_error_string) and *open_err
 * set to archive_errno. *zip_stream (NULL: not wanted) tells whether a zip
 * is read with libarchive's streamable reader (see input_detect.c). */
int vg_input_open(struct archive **pa, const char *fs, const void *mem, size_t len,
                  struct archive_entry **ae, int *open_err, int *zip_stream);
/* Whether a failed open's errno is the system's (missing, unreadable)
 * rather than the bytes' (a bad compressed stream). */
int vg_input_system_error(int err);
/* Whether a's format holds entries (not raw, empty, mtree, or none yet). */
int vg_input_is_container(struct archive *a);
/* Whether libarchive skips an entry of a (whose first header is first)
 * without decompressing it. */
int vg_input_cheap_skip(struct archive *a, struct archive_entry *first, int seekable);
/* Whether p[0..n) might be an archive or a compressed stream for
 * libarchive: a "no" is sure, a "yes" only a hint. */
int vg_input_maybe_container(const unsigned char *p, size_t n);
/* Writes ae's name into b, made safe: see input_detect.c. */
void vg_input_clean_name(vg_buf *b, struct archive_entry *ae);
/* Removes up to `layers` compression suffixes (".gz"...) from b. */
void vg_input_strip_suffixes(vg_buf *b, int layers);

#endif
