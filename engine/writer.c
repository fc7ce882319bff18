/* writer.c: see writer.h. */
#define _DEFAULT_SOURCE
#include "writer.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

struct vg_writer {
  vg_format fmt;
  int with_text;
  FILE *f;
  char *path;    /* the final path, or "-" */
  char *partial; /* PATH.partial, or NULL for stdout */
  size_t count;
  int done;      /* committed or aborted */
  vg_buf line;   /* reused for each line */
};

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

vg_format vg_format_from_path(const char *path) {
  if (!path || !strcmp(path, "-") || !strncmp(path, "/dev/", 5) || ends_with(path, ".jsonl") || ends_with(path, ".json") ||
      ends_with(path, ".ndjson"))
    return VG_FMT_JSONL;
  return VG_FMT_UNKNOWN;
}

vg_format vg_format_parse(const char *name) {
  if (!strcmp(name, "jsonl")) return VG_FMT_JSONL;
  return VG_FMT_UNKNOWN;
}

vg_writer *vg_writer_open(const char *path, vg_format fmt, int with_text,
                          char err[VG_ERRLEN]) {
  struct stat sb;
  vg_writer *w = calloc(1, sizeof *w);
  if (!w) {
    vg_seterr(err, "out of memory");
    return NULL;
  }
  w->fmt = fmt;
  w->with_text = with_text;
  if (!path || !strcmp(path, "-")) {
    w->path = vg_strdup("-");
    w->f = stdout;
  } else if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
    /* a device or a pipe (/dev/stdout, a FIFO): written as it goes */
    w->path = vg_strdup(path);
    w->f = w->path ? fopen(path, "wb") : NULL;
    if (!w->f) vg_seterr(err, "%s: %s", path, w->path ? strerror(errno) : "out of memory");
  } else {
    /* a link to a file: the file is replaced, not the link */
    char real[PATH_MAX];
    const char *target = (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode) && realpath(path, real))
                             ? real : path;
    w->path = vg_strdup(target);
    w->partial = vg_asprintf("%s.partial", target);
    if (w->path && w->partial) {
      w->f = fopen(w->partial, "wb");
      if (!w->f) vg_seterr(err, "%s: %s", w->partial, strerror(errno));
    } else {
      vg_seterr(err, "out of memory");
    }
  }
  if (!w->f) {
    free(w->path);
    free(w->partial);
    free(w);
    return NULL;
  }
  if (w->f != stdout) setvbuf(w->f, NULL, _IOFBF, 1 << 16);
  return w;
}

/* Writes the line in w->line as one piece. */
static int put_line(vg_writer *w, char err[VG_ERRLEN]) {
  if (fwrite(w->line.data, 1, w->line.len, w->f) != w->line.len) {
    vg_seterr(err, "%s: %s", w->partial ? w->partial : "stdout", strerror(errno));
    return -1;
  }
  return 0;
}

int vg_writer_doc(vg_writer *w, const vg_doc *d, const char *reason,
                  char err[VG_ERRLEN]) {
  vg_buf_reset(&w->line);
  int rc;
  if (reason) {
    /* the rejects writer: the document with metadata.filter_reason */
    json_t *m = json_deep_copy(d->meta);
    rc = !m || json_object_set_new(m, "filter_reason", json_string(reason));
    if (!rc) {
      vg_doc tmp = *d;
      tmp.meta = m;
      rc = vg_json_doc(&w->line, &tmp, w->with_text);
    }
    json_decref(m);
  } else {
    rc = vg_json_doc(&w->line, d, w->with_text);
  }
  if (rc) {
    vg_seterr(err, "%s: a document could not be written as JSON", w->path);
    return -1;
  }
  if (put_line(w, err)) return -1;
  w->count++;
  return 0;
}

int vg_writer_error(vg_writer *w, const char *id, const char *kind,
                    const char *stage, const char *reason, char err[VG_ERRLEN]) {
  vg_buf *b = &w->line;
  vg_buf_reset(b);
  if (vg_buf_append(b, "{\"id\":", 6) || vg_json_cstr(b, id ? id : "") ||
      vg_buf_append(b, ",\"kind\":", 8) || vg_json_cstr(b, kind) ||
      vg_buf_append(b, ",\"stage\":", 9) || vg_json_cstr(b, stage ? stage : "") ||
      vg_buf_append(b, ",\"reason\":", 10) || vg_json_cstr(b, reason ? reason : "") ||
      vg_buf_append(b, "}\n", 2)) {
    vg_seterr(err, "out of memory");
    return -1;
  }
  if (put_line(w, err)) return -1;
  w->count++;
  return 0;
}

int vg_writer_raw(vg_writer *w, const char *s, size_t n, char err[VG_ERRLEN]) {
  if (fwrite(s, 1, n, w->f) != n) {
    vg_seterr(err, "%s: %s", w->partial ? w->partial : "stdout", strerror(errno));
    return -1;
  }
  return 0;
}

size_t vg_writer_count(const vg_writer *w) { return w->count; }
const char *vg_writer_path(const vg_writer *w) { return w->path; }

int vg_writer_commit(vg_writer *w, char err[VG_ERRLEN]) {
  w->done = 1;
  if (!w->partial) { /* stdout, a device, a pipe */
    int bad = fflush(w->f) != 0, saved = errno;
    if (w->f != stdout && fclose(w->f) && !bad) bad = 1, saved = errno;
    w->f = NULL;
    if (bad) {
      vg_seterr(err, "%s: %s", strcmp(w->path, "-") ? w->path : "stdout", strerror(saved));
      return -1;
    }
    return 0;
  }
  int bad = fflush(w->f) != 0 || ferror(w->f);
  int saved = errno;
  if (fclose(w->f) && !bad) {
    bad = 1;
    saved = errno;
  }
  w->f = NULL;
  if (bad) {
    vg_seterr(err, "%s: %s", w->partial, strerror(saved));
    return -1;
  }
  if (rename(w->partial, w->path)) {
    vg_seterr(err, "%s: %s", w->path, strerror(errno));
    return -1;
  }
  return 0;
}

void vg_writer_abort(vg_writer *w) {
  w->done = 1;
  if (w->f == stdout) fflush(stdout);
  else if (w->f) fclose(w->f);
  w->f = NULL;
}

void vg_writer_free(vg_writer *w) {
  if (!w) return;
  if (!w->done) vg_writer_abort(w);
  vg_buf_free(&w->line);
  free(w->path);
  free(w->partial);
  free(w);
}
