/*
 * writer.h: where documents go. A writer turns documents into one output
 * (SPEC section 5): JSONL (plain or gzipped), an archive (zip, tar, tar.gz)
 * or a folder holding each document's text and a .vigie.json sidecar, TSV
 * (one row per flag), or the HTML report; and the --errors lines and
 * --rejects documents. Every output is written under a temporary name,
 * PATH.partial (a file, or a folder for the folder writer), and renamed to
 * PATH when the run ends well; an aborted run leaves PATH.partial. Stdout
 * (and a device or a pipe) is written as it goes, a whole line or block at
 * a time.
 *
 * Ownership: writers copy what they keep of what they are given; a writer
 * owns its sink. Errors are returned as -1 with the system's (or
 * libarchive's) message and the path in err.
 */
#ifndef VG_WRITER_H
#define VG_WRITER_H

#include <jansson.h>
#include <stdio.h>

#include "doc.h"
#include "util.h"

typedef struct vg_writer vg_writer;

typedef enum vg_outfmt {
  VG_FMT_JSONL = 0, /* one document per line */
  VG_FMT_JSONL_GZ,  /* the same, gzipped */
  VG_FMT_ZIP,       /* text and sidecar of each document in a zip */
  VG_FMT_TAR,       /* ... in a tar (pax) */
  VG_FMT_TAR_GZ,    /* ... in a gzipped tar */
  VG_FMT_DIR,       /* ... as files in a folder */
  VG_FMT_TSV,       /* one row per flag */
  VG_FMT_HTML,      /* the report of the flagged documents */
  VG_FMT_UNKNOWN
} vg_outfmt;

/* What the writers know, for messages: ".jsonl, .jsonl.gz, ...". */
extern const char vg_format_extensions[];
extern const char vg_outfmt_names[];

/* The format for a path: a trailing "/" (dir), its extension, or an
 * existing folder (dir); stdout and devices are JSONL. vg_outfmt_parse takes a
 * name: jsonl, jsonl.gz, zip, tar, tar.gz (or tgz), dir, tsv, html. */
vg_outfmt vg_outfmt_from_path(const char *path);
vg_outfmt vg_outfmt_parse(const char *name);
const char *vg_outfmt_name(vg_outfmt fmt);

typedef enum vg_writer_flags {
  VG_WRITE_TEXT = 1,  /* write the text into JSONL (off: --no-text) */
  VG_WRITE_FORCE = 2  /* replace a folder that is not empty (--force) */
} vg_writer_flags;

/* Checks, before anything is written, that an output may be opened at
 * path: a format that can go there (a folder cannot go to stdout) and, for
 * a folder, that it is empty or absent unless VG_WRITE_FORCE. Returns 0, or
 * -1 with err set: a usage error (exit 2). */
int vg_writer_check(const char *path, vg_outfmt fmt, unsigned flags,
                    char err[VG_ERRLEN]);
/* Opens a writer on path ("-" or NULL: stdout). NULL with err set when the
 * output cannot be made. */
vg_writer *vg_writer_new(const char *path, vg_outfmt fmt, unsigned flags,
                         char err[VG_ERRLEN]);
/* The same with with_text as VG_WRITE_TEXT. */
vg_writer *vg_writer_open(const char *path, vg_outfmt fmt, int with_text,
                          char err[VG_ERRLEN]);
/* Writes d. reason, when not NULL, is written as metadata.filter_reason
 * (the --rejects writer). The report and the TSV take only the documents
 * that have flags, and leave the others out. */
int vg_writer_doc(vg_writer *w, const vg_doc *d, const char *reason,
                  char err[VG_ERRLEN]);
/* Writes one error line: {"id","kind","stage","reason"} (line formats). */
int vg_writer_error(vg_writer *w, const char *id, const char *kind,
                    const char *stage, const char *reason, char err[VG_ERRLEN]);
/* Writes raw bytes as they are (a stats file; line formats). */
int vg_writer_raw(vg_writer *w, const char *s, size_t n, char err[VG_ERRLEN]);
/* Gives the run's summary (vg_summary_json) to the writer before commit:
 * the report shows it. summary is borrowed; the writer keeps a reference. */
void vg_writer_set_summary(vg_writer *w, json_t *summary);
/* What was written so far, and what it counts ("documents", or "flags"
 * for the TSV). */
size_t vg_writer_count(const vg_writer *w);
const char *vg_writer_unit(const vg_writer *w);
const char *vg_writer_path(const vg_writer *w); /* "-" for stdout */
/* Ends the output and renames PATH.partial to PATH. Returns 0 or -1 (err
 * set; what was written stays at PATH.partial). */
int vg_writer_commit(vg_writer *w, char err[VG_ERRLEN]);
/* Ends what was written as well as it can and leaves it at PATH.partial
 * (an aborted run). */
void vg_writer_abort(vg_writer *w);
void vg_writer_free(vg_writer *w); /* aborts if neither was called; NULL ok */

#endif
