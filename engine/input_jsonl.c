/* input_jsonl.c: see input_jsonl.h. */
#define _POSIX_C_SOURCE 200809L
#include "input_jsonl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vg_jsonl {
  FILE *f;
  int is_stdin;
  char *source;
  uint64_t max_line;
  uint64_t lineno;
  char *line;
  size_t cap;
  char where[512];
};

vg_jsonl *vg_jsonl_open(const char *path, uint64_t max_line, char err[VG_ERRLEN]) {
  vg_jsonl *j = calloc(1, sizeof *j);
  if (!j) {
    vg_seterr(err, "out of memory");
    return NULL;
  }
  j->is_stdin = !strcmp(path, "-");
  j->f = j->is_stdin ? stdin : fopen(path, "rb");
  j->source = vg_strdup(path);
  j->max_line = max_line;
  if (!j->f || !j->source) {
    vg_seterr(err, "%s: %s", path, j->f ? "out of memory" : strerror(errno));
    vg_jsonl_free(j);
    return NULL;
  }
  return j;
}

/* Copies the flags of a JSON array into d (offsets 0-based, end
 * exclusive, as written). Returns 0, or -1 with err set. */
static int read_flags(vg_doc *d, json_t *flags, char err[VG_ERRLEN]) {
  size_t i;
  json_t *f;
  json_array_foreach(flags, i, f) {
    json_t *rule = json_object_get(f, "rule"), *start = json_object_get(f, "start"),
           *end = json_object_get(f, "end"), *score = json_object_get(f, "score");
    if (!json_is_string(rule) || !json_is_integer(start) || !json_is_integer(end) ||
        json_integer_value(start) < 0 || json_integer_value(end) < 0) {
      vg_seterr(err, "flag %zu: needs a rule, a start and an end", i + 1);
      return -1;
    }
    json_t *label = json_object_get(f, "label"), *note = json_object_get(f, "note");
    int rc = vg_doc_flag(d, json_string_value(rule), json_is_string(label) ? json_string_value(label) : NULL,
                         json_is_string(note) ? json_string_value(note) : NULL, "input",
                         (size_t)json_integer_value(start), (size_t)json_integer_value(end),
                         score ? json_number_value(score) : 1, !score || json_is_integer(score), err);
    if (rc == -1) {
      char tmp[VG_ERRLEN];
      snprintf(tmp, sizeof tmp, "flag %zu: %s", i + 1, err);
      memcpy(err, tmp, VG_ERRLEN);
    }
    if (rc) return -1;
  }
  return 0;
}

vg_doc *vg_jsonl_doc(const char *line, size_t n, const char *source, const char *fallback_id,
                     char err[VG_ERRLEN]) {
  json_error_t je;
  json_t *o = json_loadb(line, n, 0, &je);
  if (!o) {
    vg_seterr(err, "invalid JSON at column %d: %s", je.column, je.text);
    return NULL;
  }
  vg_doc *d = NULL;
  json_t *text = json_object_get(o, "text"), *id = json_object_get(o, "id");
  if (!json_is_object(o) || !json_is_string(text)) {
    vg_seterr(err, "a document needs a \"text\" string");
    goto done;
  }
  json_t *src = json_object_get(o, "source"), *path = json_object_get(o, "path");
  const char *ids = json_is_string(id) ? json_string_value(id) : fallback_id;
  char num[32];
  if (json_is_integer(id)) { /* some tools number their documents */
    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(id));
    ids = num;
  }
  d = vg_doc_new(ids, json_is_string(src) ? json_string_value(src) : source,
                 json_is_string(path) ? json_string_value(path) : ids);
  if (!d || vg_buf_append(&d->text, json_string_value(text), json_string_length(text))) {
    vg_seterr(err, "out of memory");
    goto fail;
  }
  d->bytes = json_string_length(text);
  /* metadata: the engine's fields back into the document, the rest kept */
  json_t *meta = json_object_get(o, "metadata");
  if (meta && !json_is_object(meta)) {
    vg_seterr(err, "\"metadata\" must be an object");
    goto fail;
  }
  const char *k;
  json_t *v;
  json_object_foreach(meta, k, v) {
    if (!strcmp(k, "encoding") && json_is_string(v)) {
      const char *names[] = {"utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252"};
      for (int e = 0; e < 5; e++)
        if (!strcmp(json_string_value(v), names[e])) d->encoding = (vg_encoding)e;
    } else if (!strcmp(k, "bytes") && json_is_integer(v)) {
      d->bytes = (uint64_t)json_integer_value(v);
    } else if (!strcmp(k, "mtime") && json_is_integer(v)) {
      d->mtime = json_integer_value(v);
      d->has_mtime = 1;
    } else if (!strcmp(k, "replaced") && json_is_integer(v)) {
      d->replaced = (size_t)json_integer_value(v);
    } else {
      json_object_set(d->meta, k, v);
    }
  }
  json_object_foreach(o, k, v) {
    static const char *const known[] = {"id", "text", "source", "path", "tags", "flags", "metadata"};
    int is_known = 0;
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) is_known |= !strcmp(k, known[i]);
    if (!is_known) json_object_set(d->meta, k, v);
  }
  json_t *tags = json_object_get(o, "tags");
  size_t i;
  json_array_foreach(tags, i, v) {
    if (json_is_string(v) && vg_doc_tag(d, json_string_value(v))) {
      vg_seterr(err, "out of memory");
      goto fail;
    }
  }
  json_t *flags = json_object_get(o, "flags");
  if (json_is_array(flags) && read_flags(d, flags, err)) goto fail;
  goto done;
fail:
  vg_doc_free(d);
  d = NULL;
done:
  json_decref(o);
  return d;
}

int vg_jsonl_next(vg_jsonl *j, vg_doc **doc, const char **where, char err[VG_ERRLEN]) {
  *doc = NULL;
  for (;;) {
    errno = 0;
    ssize_t n = getline(&j->line, &j->cap, j->f);
    if (n < 0) {
      if (ferror(j->f)) {
        snprintf(j->where, sizeof j->where, "%s:%llu", j->source, (unsigned long long)j->lineno + 1);
        *where = j->where;
        vg_seterr(err, "cannot read: %s", strerror(errno ? errno : EIO));
        clearerr(j->f);
        return -1;
      }
      return 0;
    }
    j->lineno++;
    snprintf(j->where, sizeof j->where, "%s:%llu", j->source, (unsigned long long)j->lineno);
    *where = j->where;
    size_t len = (size_t)n;
    while (len && (j->line[len - 1] == '\n' || j->line[len - 1] == '\r')) len--;
    size_t k = 0;
    while (k < len && (j->line[k] == ' ' || j->line[k] == '\t')) k++;
    if (k == len) continue; /* blank line */
    if ((uint64_t)len > j->max_line) {
      vg_seterr(err, "line longer than --max-doc-bytes");
      return -1;
    }
    *doc = vg_jsonl_doc(j->line, len, j->source, j->where, err);
    return *doc ? 1 : -1;
  }
}

void vg_jsonl_free(vg_jsonl *j) {
  if (!j) return;
  if (j->f && !j->is_stdin) fclose(j->f);
  free(j->source);
  free(j->line);
  free(j);
}
