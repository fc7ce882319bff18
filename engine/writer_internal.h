/*
 * writer_internal.h: what the writers share behind writer.h. writer.c
 * opens the sink (a FILE for the line formats, a file descriptor for the
 * archive formats, nothing for the directory writer, which makes its own
 * temporary folder), and each format plugs in through a table of
 * operations: write_archive.c (zip, tar, tar.gz, jsonl.gz: the only writer
 * that includes archive.h, as input.c is the only reader that does),
 * write_dir.c (a folder), write_tsv.c (one row per flag), write_html.c (the
 * report). write_dir.c also gives the naming of documents inside an archive
 * or a folder (vg_namer), shared by both so that out.zip and out/ hold the
 * same paths.
 *
 * Ownership: a writer owns its sink, its impl and its copy of the summary.
 */
#ifndef VG_WRITER_INTERNAL_H
#define VG_WRITER_INTERNAL_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "writer.h"

typedef struct vg_writer_ops {
  /* Writes one document; NULL: the JSONL line through put. */
  int (*doc)(vg_writer *w, const vg_doc *d, char err[VG_ERRLEN]);
  /* Writes raw bytes; NULL: fwrite to w->f. */
  int (*put)(vg_writer *w, const char *s, size_t n, char err[VG_ERRLEN]);
  /* Ends the content (an archive's central directory, the report's tail)
   * before the sink is closed and renamed; NULL: nothing to end. */
  int (*finish)(vg_writer *w, char err[VG_ERRLEN]);
  /* Makes what was written readable as it is, at PATH.partial; NULL ok. */
  void (*abort)(vg_writer *w);
  /* Renames the temporary output into place itself (the folder writer);
   * NULL: writer.c renames PATH.partial to PATH. */
  int (*commit)(vg_writer *w, char err[VG_ERRLEN]);
  void (*release)(vg_writer *w); /* frees impl; NULL ok */
  const char *unit;              /* what count counts: "documents", "flags" */
} vg_writer_ops;

struct vg_writer {
  vg_outfmt fmt;
  unsigned flags;      /* vg_writer_flags */
  FILE *f;             /* the sink of the line formats (jsonl, tsv, html) */
  int fd;              /* the sink of the archive formats; -1 when none */
  char *path;          /* the final path, or "-" */
  char *partial;       /* PATH.partial, or NULL (stdout, a device) */
  size_t count;
  int done;            /* committed or aborted */
  vg_buf line;         /* reused for each line */
  json_t *summary;     /* the run's summary (vg_writer_set_summary), or NULL */
  const vg_writer_ops *ops; /* NULL: plain JSONL */
  void *impl;
  size_t unsafe_told;  /* unsafe names reported so far */
  size_t unsafe_more;  /* and not reported (past the limit) */
};

/* Writes bytes to the sink. */
int vg_writer_put(vg_writer *w, const char *s, size_t n, char err[VG_ERRLEN]);
/* The name of the sink for messages: PATH.partial, the device, "stdout". */
const char *vg_writer_sink_name(const vg_writer *w);

/* Each format's opener: sets w->ops and w->impl, writes what comes first.
 * Returns 0, or -1 with err set. */
int vg_write_archive_open(vg_writer *w, char err[VG_ERRLEN]);
int vg_write_dir_open(vg_writer *w, char err[VG_ERRLEN]);
int vg_write_tsv_open(vg_writer *w, char err[VG_ERRLEN]);
int vg_write_html_open(vg_writer *w, char err[VG_ERRLEN]);

/* Checks that the folder writer may write at path: refused (-1, err set)
 * when it is a non-empty folder and force is 0, or when it holds the
 * current folder. */
int vg_write_dir_check(const char *path, int force, char err[VG_ERRLEN]);

/* ---- the names of documents in an archive or a folder ---- */

/* Paths already given out in one output, files and folders, kept as
 * 128-bit hashes (about 32 bytes a name). */
typedef struct vg_namer {
  uint64_t *slots; /* pairs (lo, hi); (0, 0) is an empty slot */
  size_t cap, count;
} vg_namer;

/* The path under which d's text is written: the id with "!" as "/", every
 * part made safe (no empty, ".", ".." or absolute part, no drive letter,
 * backslash or control character, parts cut at 240 bytes), made unique
 * among the names given so far ("a~2.txt"), and kept clear of the
 * "PATH.vigie.json" sidecars. Reports an unsafe name on stderr through w.
 * Returns an owned string, or NULL when out of memory. */
char *vg_namer_path(vg_namer *n, vg_writer *w, const vg_doc *d);
void vg_namer_free(vg_namer *n);

/* Appends the sidecar of d: its JSONL line without the text. */
int vg_sidecar_json(vg_buf *b, const vg_doc *d);

#endif
