/*
 * write_archive.c: the writers built on libarchive's write API, the only
 * writer that includes archive.h (input.c is the only reader that does):
 * zip, tar (pax, so long and UTF-8 names keep), tar.gz, each document as
 * its text under its safe path (vg_namer_path) and a PATH.vigie.json
 * sidecar; and jsonl.gz, the JSONL lines through the "raw" format and the
 * gzip filter.
 *
 * The output is byte-identical for the same documents: entries carry the
 * document's mtime (0 when unknown), the gzip header no time.
 */
#define _POSIX_C_SOURCE 200809L
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "writer_internal.h"

typedef struct arch {
  struct archive *a;
  struct archive_entry *e; /* reused */
  vg_namer names;
  vg_buf side;             /* the sidecar being written */
  int zip;
} arch;

static int fail(vg_writer *w, arch *x, char err[VG_ERRLEN]) {
  const char *msg = x->a ? archive_error_string(x->a) : NULL;
  vg_seterr(err, "%s: %s", vg_writer_sink_name(w), msg ? msg : "cannot write the archive");
  return -1;
}

/* Writes all of s[0..n) as the current entry's data. */
static int put_data(arch *x, const char *s, size_t n) {
  while (n) {
    la_ssize_t k = archive_write_data(x->a, s, n);
    if (k <= 0) return -1;
    s += k;
    n -= (size_t)k;
  }
  return 0;
}

/* One entry: a regular file at path holding s[0..n). */
static int put_entry(arch *x, const char *path, const char *s, size_t n, int64_t mtime) {
  archive_entry_clear(x->e);
  /* the path is UTF-8: the zip writer flags it so; pax writes it as it is
   * (hdrcharset=BINARY), since libarchive would otherwise translate it
   * from the locale's charset, and fails to under the C locale */
  if (x->zip) archive_entry_set_pathname_utf8(x->e, path);
  else archive_entry_set_pathname(x->e, path);
  archive_entry_set_filetype(x->e, AE_IFREG);
  archive_entry_set_perm(x->e, 0644);
  archive_entry_set_size(x->e, (la_int64_t)n);
  archive_entry_set_mtime(x->e, (time_t)mtime, 0);
  if (archive_write_header(x->a, x->e) != ARCHIVE_OK) return -1;
  return put_data(x, s, n);
}

static int arch_doc(vg_writer *w, const vg_doc *d, char err[VG_ERRLEN]) {
  arch *x = w->impl;
  char *path = vg_namer_path(&x->names, w, d);
  char *side = path ? vg_asprintf("%s.vigie.json", path) : NULL;
  int rc = -1;
  vg_buf_reset(&x->side);
  if (!side || vg_sidecar_json(&x->side, d)) {
    vg_seterr(err, "out of memory");
  } else {
    int64_t mtime = d->has_mtime ? d->mtime : 0;
    rc = put_entry(x, path, d->text.data, d->text.len, mtime) ||
                 put_entry(x, side, x->side.data, x->side.len, mtime)
             ? fail(w, x, err)
             : 0;
  }
  free(path);
  free(side);
  if (!rc) w->count++;
  return rc;
}

/* jsonl.gz: the lines go into the one raw entry. */
static int arch_put(vg_writer *w, const char *s, size_t n, char err[VG_ERRLEN]) {
  arch *x = w->impl;
  return put_data(x, s, n) ? fail(w, x, err) : 0;
}

static int arch_finish(vg_writer *w, char err[VG_ERRLEN]) {
  arch *x = w->impl;
  int rc = archive_write_close(x->a) == ARCHIVE_OK ? 0 : fail(w, x, err);
  archive_write_free(x->a);
  x->a = NULL;
  return rc;
}

static void arch_abort(vg_writer *w) {
  arch *x = w->impl;
  if (!x || !x->a) return;
  archive_write_close(x->a); /* what was written stays readable */
  archive_write_free(x->a);
  x->a = NULL;
}

static void arch_release(vg_writer *w) {
  arch *x = w->impl;
  if (!x) return;
  if (x->a) archive_write_free(x->a);
  if (x->e) archive_entry_free(x->e);
  vg_namer_free(&x->names);
  vg_buf_free(&x->side);
  free(x);
  w->impl = NULL;
}

static const vg_writer_ops ARCHIVE_OPS = {arch_doc, NULL, arch_finish, arch_abort, NULL,
                                          arch_release, "documents"};
static const vg_writer_ops JSONL_GZ_OPS = {NULL, arch_put, arch_finish, arch_abort, NULL,
                                           arch_release, "documents"};

int vg_write_archive_open(vg_writer *w, char err[VG_ERRLEN]) {
  arch *x = calloc(1, sizeof *x);
  if (!x) {
    vg_seterr(err, "out of memory");
    return -1;
  }
  w->impl = x;
  w->ops = w->fmt == VG_FMT_JSONL_GZ ? &JSONL_GZ_OPS : &ARCHIVE_OPS;
  x->a = archive_write_new();
  x->e = archive_entry_new();
  if (!x->a || !x->e) {
    vg_seterr(err, "out of memory");
    return -1;
  }
  int rc;
  switch (w->fmt) {
    case VG_FMT_ZIP:
      x->zip = 1;
      rc = archive_write_set_format_zip(x->a);
      /* names are UTF-8 (the zip flag says so), whatever the locale */
      if (rc == ARCHIVE_OK) rc = archive_write_set_format_option(x->a, "zip", "hdrcharset", "UTF-8");
      break;
    case VG_FMT_TAR:
      rc = archive_write_set_format_pax_restricted(x->a);
      break;
    case VG_FMT_TAR_GZ:
      rc = archive_write_set_format_pax_restricted(x->a);
      if (rc == ARCHIVE_OK) rc = archive_write_add_filter_gzip(x->a);
      break;
    default: /* jsonl.gz */
      rc = archive_write_set_format_raw(x->a);
      if (rc == ARCHIVE_OK) rc = archive_write_add_filter_gzip(x->a);
      break;
  }
  if (rc == ARCHIVE_OK && (w->fmt == VG_FMT_TAR || w->fmt == VG_FMT_TAR_GZ))
    rc = archive_write_set_format_option(x->a, "pax", "hdrcharset", "BINARY");
  if (rc == ARCHIVE_OK && (w->fmt == VG_FMT_TAR_GZ || w->fmt == VG_FMT_JSONL_GZ))
    rc = archive_write_set_filter_option(x->a, "gzip", "timestamp", NULL); /* no time */
  /* no padding after the end: a gzip stream ends where it ends */
  if (rc == ARCHIVE_OK) rc = archive_write_set_bytes_in_last_block(x->a, 1);
  if (rc == ARCHIVE_OK) rc = archive_write_open_fd(x->a, w->fd);
  if (rc == ARCHIVE_OK && w->fmt == VG_FMT_JSONL_GZ) {
    archive_entry_set_pathname(x->e, "documents.jsonl");
    archive_entry_set_filetype(x->e, AE_IFREG);
    archive_entry_set_perm(x->e, 0644);
    rc = archive_write_header(x->a, x->e);
  }
  if (rc != ARCHIVE_OK) return fail(w, x, err);
  return 0;
}
