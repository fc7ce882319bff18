/*
 * writer.h: where documents go. A sink is a file written under PATH.partial
 * and renamed to PATH when the run ends well (or stdout, written a whole
 * line at a time). Writers format documents into a sink: JSONL (the output
 * schema of SPEC section 5), the --errors lines, the --rejects documents.
 *
 * Ownership: writers copy nothing they are given; a writer owns its sink.
 * Errors are returned as -1 with the system's message and the path in err.
 */
#ifndef VG_WRITER_H
#define VG_WRITER_H

#include <stdio.h>

#include "doc.h"
#include "util.h"

typedef struct vg_writer vg_writer;

typedef enum vg_format {
  VG_FMT_JSONL = 0, /* one document per line */
  VG_FMT_UNKNOWN
} vg_format;

/* The format for a path's extension, or name ("jsonl"). */
vg_format vg_format_from_path(const char *path);
vg_format vg_format_parse(const char *name);

/* Opens a writer on path ("-" or NULL: stdout). with_text 0 leaves the
 * text out (--no-text). NULL with err set when the file cannot be made. */
vg_writer *vg_writer_open(const char *path, vg_format fmt, int with_text,
                          char err[VG_ERRLEN]);
/* Writes d. reason, when not NULL, is written as metadata.filter_reason
 * (the --rejects writer). */
int vg_writer_doc(vg_writer *w, const vg_doc *d, const char *reason,
                  char err[VG_ERRLEN]);
/* Writes one error line: {"id","kind","stage","reason"}. */
int vg_writer_error(vg_writer *w, const char *id, const char *kind,
                    const char *stage, const char *reason, char err[VG_ERRLEN]);
/* Writes raw bytes as they are (a stats file). */
int vg_writer_raw(vg_writer *w, const char *s, size_t n, char err[VG_ERRLEN]);
/* Documents written so far. */
size_t vg_writer_count(const vg_writer *w);
const char *vg_writer_path(const vg_writer *w); /* "-" for stdout */
/* Flushes and renames PATH.partial to PATH. Returns 0 or -1 (err set). */
int vg_writer_commit(vg_writer *w, char err[VG_ERRLEN]);
/* Flushes what was written and leaves it at PATH.partial (an aborted run). */
void vg_writer_abort(vg_writer *w);
void vg_writer_free(vg_writer *w); /* aborts if neither was called; NULL ok */

#endif
