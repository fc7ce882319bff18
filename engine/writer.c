/* writer.c: see writer.h. The sinks (files, stdout, devices, the
 * temporary name and the rename) and JSONL; the other formats plug in
 * through writer_internal.h. */
#define _DEFAULT_SOURCE
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_out.h"
#include "writer_internal.h"

const char vg_format_extensions[] =
    ".jsonl, .jsonl.gz, .zip, .tar, .tar.gz, .tsv, .html, or a folder (DIR/)";
const char vg_outfmt_names[] = "jsonl, jsonl.gz, zip, tar, tar.gz, dir, tsv or html";

static const struct {
  const char *name;
  vg_outfmt fmt;
} NAMES[] = {{"jsonl", VG_FMT_JSONL},   {"jsonl.gz", VG_FMT_JSONL_GZ}, {"zip", VG_FMT_ZIP},
             {"tar", VG_FMT_TAR},       {"tar.gz", VG_FMT_TAR_GZ},     {"tgz", VG_FMT_TAR_GZ},
             {"dir", VG_FMT_DIR},       {"tsv", VG_FMT_TSV},           {"html", VG_FMT_HTML}};

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

vg_outfmt vg_outfmt_from_path(const char *path) {
  static const struct {
    const char *ext;
    vg_outfmt fmt;
  } EXTS[] = {{".jsonl.gz", VG_FMT_JSONL_GZ}, {".ndjson.gz", VG_FMT_JSONL_GZ},
              {".json.gz", VG_FMT_JSONL_GZ},  {".jsonl", VG_FMT_JSONL},
              {".json", VG_FMT_JSONL},        {".ndjson", VG_FMT_JSONL},
              {".zip", VG_FMT_ZIP},           {".tar.gz", VG_FMT_TAR_GZ},
              {".tgz", VG_FMT_TAR_GZ},        {".tar", VG_FMT_TAR},
              {".tsv", VG_FMT_TSV},           {".html", VG_FMT_HTML},
              {".htm", VG_FMT_HTML}};
  struct stat sb;
  if (!path || !strcmp(path, "-") || !strncmp(path, "/dev/", 5)) return VG_FMT_JSONL;
  if (*path && path[strlen(path) - 1] == '/') return VG_FMT_DIR;
  for (size_t i = 0; i < sizeof EXTS / sizeof *EXTS; i++)
    if (ends_with(path, EXTS[i].ext)) return EXTS[i].fmt;
  if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) return VG_FMT_DIR;
  return VG_FMT_UNKNOWN;
}

vg_outfmt vg_outfmt_parse(const char *name) {
  for (size_t i = 0; name && i < sizeof NAMES / sizeof *NAMES; i++)
    if (!strcmp(name, NAMES[i].name)) return NAMES[i].fmt;
  return VG_FMT_UNKNOWN;
}

const char *vg_outfmt_name(vg_outfmt fmt) {
  for (size_t i = 0; i < sizeof NAMES / sizeof *NAMES; i++)
    if (NAMES[i].fmt == fmt) return NAMES[i].name;
  return "unknown";
}

static int is_stdout(const char *path) { return !path || !strcmp(path, "-"); }

static int is_archive(vg_outfmt fmt) {
  return fmt == VG_FMT_JSONL_GZ || fmt == VG_FMT_ZIP || fmt == VG_FMT_TAR ||
         fmt == VG_FMT_TAR_GZ;
}

int vg_writer_check(const char *path, vg_outfmt fmt, unsigned flags, char err[VG_ERRLEN]) {
  struct stat sb;
  if (fmt == VG_FMT_UNKNOWN) {
    vg_seterr(err, "%s: no writer for this kind of file (known: %s; or say --format)",
              path ? path : "-", vg_format_extensions);
    return -1;
  }
  if (fmt == VG_FMT_DIR) {
    if (is_stdout(path)) {
      vg_seterr(err, "a folder cannot be written to stdout: say -o DIR/");
      return -1;
    }
    return vg_write_dir_check(path, !!(flags & VG_WRITE_FORCE), err);
  }
  if (!is_stdout(path) && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
    vg_seterr(err, "%s is a folder: say --format dir to write documents into it, or give a "
              "file name", path);
    return -1;
  }
  return 0;
}

/* Opens the sink of a file format: w->f (line formats) or w->fd
 * (archives) on stdout, a device, or PATH.partial. */
static int open_sink(vg_writer *w, const char *path, char err[VG_ERRLEN]) {
  struct stat sb;
  int archive = is_archive(w->fmt);
  if (is_stdout(path)) {
    if (!(w->path = vg_strdup("-"))) goto oom;
    if (archive) {
      fflush(stdout);
      w->fd = dup(STDOUT_FILENO);
      if (w->fd < 0) {
        vg_seterr(err, "stdout: %s", strerror(errno));
        return -1;
      }
    } else {
      w->f = stdout;
    }
    return 0;
  }
  if ((stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) || !strncmp(path, "/dev/", 5) ||
      !strncmp(path, "/proc/", 6)) {
    /* a device or a pipe (/dev/stdout, a FIFO), or what /dev/stdout points
     * to (a regular file when stdout is redirected to one): written as it
     * goes, never replaced */
    if (!(w->path = vg_strdup(path))) goto oom;
    if (archive) w->fd = open(path, O_WRONLY | O_CLOEXEC);
    else w->f = fopen(path, "wb");
    if (archive ? w->fd < 0 : !w->f) {
      vg_seterr(err, "%s: %s", path, strerror(errno));
      return -1;
    }
    return 0;
  }
  /* a link to a file: the file is replaced, not the link */
  char real[PATH_MAX];
  const char *target = path;
  if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
    if (!realpath(path, real)) {
      vg_seterr(err, "%s: a link that cannot be followed: %s", path, strerror(errno));
      return -1;
    }
    target = real;
  }
  w->path = vg_strdup(target);
  w->partial = vg_asprintf("%s.partial", target);
  if (!w->path || !w->partial) goto oom;
  if (archive) w->fd = open(w->partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  else w->f = fopen(w->partial, "wb");
  if (archive ? w->fd < 0 : !w->f) {
    vg_seterr(err, "%s: %s", w->partial, strerror(errno));
    return -1;
  }
  return 0;
oom:
  vg_seterr(err, "out of memory");
  return -1;
}

/* Closes w->f and w->fd. Returns 0, or -1 with err set (a write that
 * failed late: a full disk). */
static int close_sink(vg_writer *w, char err[VG_ERRLEN]) {
  int bad = 0, saved = 0;
  if (w->f) {
    bad = fflush(w->f) != 0 || ferror(w->f);
    saved = errno;
    if (w->f != stdout && fclose(w->f) && !bad) bad = 1, saved = errno;
    w->f = NULL;
  }
  if (w->fd >= 0) {
    if (close(w->fd) && !bad) bad = 1, saved = errno;
    w->fd = -1;
  }
  if (bad && err) vg_seterr(err, "%s: %s", vg_writer_sink_name(w), strerror(saved ? saved : EIO));
  return bad ? -1 : 0;
}

vg_writer *vg_writer_new(const char *path, vg_outfmt fmt, unsigned flags,
                         char err[VG_ERRLEN]) {
  vg_writer *w = calloc(1, sizeof *w);
  if (!w) {
    vg_seterr(err, "out of memory");
    return NULL;
  }
  w->fmt = fmt;
  w->flags = flags;
  w->fd = -1;
  int rc;
  if (fmt == VG_FMT_DIR) {
    rc = vg_writer_check(path, fmt, flags, err);
    if (!rc) {
      /* "out/" and "out" are the same folder; PATH.partial sits beside it */
      size_t n = strlen(path);
      while (n > 1 && path[n - 1] == '/') n--;
      w->path = vg_strndup(path, n);
      rc = w->path ? vg_write_dir_open(w, err) : (vg_seterr(err, "out of memory"), -1);
    }
  } else {
    rc = open_sink(w, path, err);
    if (!rc && is_archive(fmt)) rc = vg_write_archive_open(w, err);
    else if (!rc && fmt == VG_FMT_TSV) rc = vg_write_tsv_open(w, err);
    else if (!rc && fmt == VG_FMT_HTML) rc = vg_write_html_open(w, err);
    else if (!rc && fmt != VG_FMT_JSONL) rc = (vg_seterr(err, "unknown format"), -1);
  }
  if (rc) {
    w->done = 1;
    if (w->ops && w->ops->abort) w->ops->abort(w);
    close_sink(w, NULL);
    if (w->partial && fmt != VG_FMT_DIR) unlink(w->partial); /* nothing in it */
    vg_writer_free(w);
    return NULL;
  }
  if (w->f && w->f != stdout) setvbuf(w->f, NULL, _IOFBF, 1 << 16);
  return w;
}

vg_writer *vg_writer_open(const char *path, vg_outfmt fmt, int with_text,
                          char err[VG_ERRLEN]) {
  return vg_writer_new(path, fmt, with_text ? VG_WRITE_TEXT : 0, err);
}

const char *vg_writer_sink_name(const vg_writer *w) {
  if (w->partial) return w->partial;
  return strcmp(w->path, "-") ? w->path : "stdout";
}

int vg_writer_put(vg_writer *w, const char *s, size_t n, char err[VG_ERRLEN]) {
  if (w->ops && w->ops->put) return w->ops->put(w, s, n, err);
  if (!w->f) {
    vg_seterr(err, "%s: a %s output takes documents only", w->path, vg_outfmt_name(w->fmt));
    return -1;
  }
  if (n && fwrite(s, 1, n, w->f) != n) {
    vg_seterr(err, "%s: %s", vg_writer_sink_name(w), strerror(errno));
    return -1;
  }
  return 0;
}

int vg_writer_doc(vg_writer *w, const vg_doc *d, const char *reason,
                  char err[VG_ERRLEN]) {
  json_t *m = NULL;
  vg_doc tmp;
  if (reason) {
    /* the rejects writer: the document with metadata.filter_reason */
    m = json_deep_copy(d->meta);
    if (!m || json_object_set_new(m, "filter_reason", json_string(reason))) {
      json_decref(m);
      vg_seterr(err, "out of memory");
      return -1;
    }
    tmp = *d;
    tmp.meta = m;
    d = &tmp;
  }
  int rc;
  if (w->ops && w->ops->doc) {
    rc = w->ops->doc(w, d, err);
  } else {
    vg_buf_reset(&w->line);
    rc = vg_json_doc(&w->line, d, !!(w->flags & VG_WRITE_TEXT));
    if (rc) vg_seterr(err, "%s: a document could not be written as JSON", w->path);
    else rc = vg_writer_put(w, w->line.data, w->line.len, err);
    if (!rc) w->count++;
  }
  json_decref(m);
  return rc ? -1 : 0;
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
  if (vg_writer_put(w, b->data, b->len, err)) return -1;
  w->count++;
  return 0;
}

int vg_writer_raw(vg_writer *w, const char *s, size_t n, char err[VG_ERRLEN]) {
  return vg_writer_put(w, s, n, err);
}

void vg_writer_set_summary(vg_writer *w, json_t *summary) {
  json_decref(w->summary);
  w->summary = json_incref(summary);
}

size_t vg_writer_count(const vg_writer *w) { return w->count; }
const char *vg_writer_unit(const vg_writer *w) {
  return w->ops && w->ops->unit ? w->ops->unit : "documents";
}
const char *vg_writer_path(const vg_writer *w) { return w->path; }

/* The unsafe names past the first ones reported, counted at the end. */
static void tell_unsafe_more(vg_writer *w) {
  if (w->unsafe_more)
    fprintf(stderr, "vigie: %s: %zu more unsafe names were written under safe names\n", w->path,
            w->unsafe_more);
  w->unsafe_more = 0;
}

int vg_writer_commit(vg_writer *w, char err[VG_ERRLEN]) {
  w->done = 1;
  tell_unsafe_more(w);
  int rc = w->ops && w->ops->finish ? w->ops->finish(w, err) : 0;
  if (rc) { /* what was written stays at PATH.partial */
    close_sink(w, NULL);
    return -1;
  }
  if (close_sink(w, err)) return -1;
  if (w->ops && w->ops->commit) return w->ops->commit(w, err);
  if (w->partial && rename(w->partial, w->path)) {
    vg_seterr(err, "%s: %s", w->path, strerror(errno));
    return -1;
  }
  return 0;
}

void vg_writer_abort(vg_writer *w) {
  w->done = 1;
  tell_unsafe_more(w);
  if (w->ops && w->ops->abort) w->ops->abort(w);
  close_sink(w, NULL);
}

void vg_writer_free(vg_writer *w) {
  if (!w) return;
  if (!w->done) vg_writer_abort(w);
  if (w->ops && w->ops->release) w->ops->release(w);
  json_decref(w->summary);
  vg_buf_free(&w->line);
  free(w->path);
  free(w->partial);
  free(w);
}
