/* doc.c: see doc.h. */
#define _POSIX_C_SOURCE 200809L
#include "doc.h"

#include "extract.h"

#include "segment.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>


vg_doc *vg_doc_new(const char *id, const char *source, const char *path) {
  vg_doc *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->id = vg_strdup(id ? id : "");
  d->source = vg_strdup(source ? source : "");
  d->path = vg_strdup(path ? path : "");
  d->meta = json_object();
  d->format = "text";
  if (!d->id || !d->source || !d->path || !d->meta ||
      vg_buf_reserve(&d->text, 0)) {
    vg_doc_free(d);
    return NULL;
  }
  return d;
}

/* A block of the flags' string pool. */
typedef struct vg_strblock {
  struct vg_strblock *next;
  size_t used, cap;
  char data[];
} vg_strblock;

#define STRBLOCK 4096

/* s as a string of d's pool: one of the last flag's strings when equal
 * (a stage's flags mostly repeat their rule, stage and often label), else
 * a copy. NULL stays NULL; NULL when out of memory otherwise. */
static const char *pool_str(vg_doc *d, const char *s) {
  if (!s) return NULL;
  if (d->nflags) {
    const vg_flag *last = &d->flags[d->nflags - 1];
    const char *same[] = {last->rule, last->label, last->stage, last->note};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
      if (same[i] && (same[i] == s || !strcmp(same[i], s))) return same[i];
  }
  size_t n = strlen(s) + 1;
  vg_strblock *b = d->strs;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > STRBLOCK ? n : STRBLOCK;
    if (!(b = malloc(sizeof *b + cap))) return NULL;
    b->next = d->strs;
    b->used = 0;
    b->cap = cap;
    d->strs = b;
  }
  char *copy = memcpy(b->data + b->used, s, n);
  b->used += n;
  return copy;
}

void vg_doc_free(vg_doc *d) {
  if (!d) return;
  free(d->id);
  free(d->source);
  free(d->path);
  vg_buf_free(&d->text);
  json_decref(d->meta);
  for (size_t i = 0; i < d->ntags; i++) free(d->tags[i]);
  free(d->tags);
  vg_doc_clear_flags(d);
  free(d->flags);
  free(d->unique_stage);
  free(d);
}

const char *vg_doc_name(const vg_doc *d) {
  const char *slash = strrchr(d->path, '/');
  return slash ? slash + 1 : d->path;
}

void vg_doc_ext(const vg_doc *d, char *out, size_t n) {
  const char *name = vg_doc_name(d);
  const char *dot = strrchr(name, '.');
  size_t i = 0;
  if (dot && dot != name)
    for (dot++; *dot && i + 1 < n; dot++) out[i++] = (char)tolower((unsigned char)*dot);
  if (n) out[i] = '\0';
}

/* Index where tag is or would be inserted; *found tells which. */
static size_t tag_find(const vg_doc *d, const char *tag, int *found) {
  size_t lo = 0, hi = d->ntags;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(d->tags[mid], tag);
    if (c == 0) {
      *found = 1;
      return mid;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  *found = 0;
  return lo;
}

int vg_doc_tag(vg_doc *d, const char *tag) {
  int found;
  size_t at = tag_find(d, tag, &found);
  if (found) return 0;
  if (d->ntags == d->captags) {
    size_t cap = d->captags ? d->captags * 2 : 4;
    char **p = realloc(d->tags, cap * sizeof *p);
    if (!p) return -1;
    d->tags = p;
    d->captags = cap;
  }
  char *copy = vg_strdup(tag);
  if (!copy) return -1;
  memmove(d->tags + at + 1, d->tags + at, (d->ntags - at) * sizeof *d->tags);
  d->tags[at] = copy;
  d->ntags++;
  return 0;
}

void vg_doc_untag(vg_doc *d, const char *tag) {
  int found;
  size_t at = tag_find(d, tag, &found);
  if (!found) return;
  free(d->tags[at]);
  memmove(d->tags + at, d->tags + at + 1, (d->ntags - at - 1) * sizeof *d->tags);
  d->ntags--;
}

int vg_doc_has(const vg_doc *d, const char *tag) {
  int found;
  tag_find(d, tag, &found);
  return found;
}

int vg_doc_flag(vg_doc *d, const char *rule, const char *label,
                const char *note, const char *stage, size_t start, size_t end,
                double score, int score_is_int, char err[VG_ERRLEN]) {
  const unsigned char *t = (const unsigned char *)d->text.data;
  size_t n = d->text.len;
  if (start > end || end > n) {
    vg_seterr(err, "flag span %zu..%zu is outside the text (%zu bytes)",
              start + 1, end, n);
    return -1;
  }
  if ((start < n && !vg_utf8_is_lead(t[start])) ||
      (end < n && !vg_utf8_is_lead(t[end]))) {
    vg_seterr(err, "flag span %zu..%zu cuts a UTF-8 sequence", start + 1, end);
    return -1;
  }
  if (d->nflags == d->capflags) {
    size_t cap = d->capflags ? d->capflags * 2 : 4;
    vg_flag *p = realloc(d->flags, cap * sizeof *p);
    if (!p) return -2;
    d->flags = p;
    d->capflags = cap;
  }
  vg_flag f = {0};
  f.rule = pool_str(d, rule);
  f.label = pool_str(d, label ? label : rule);
  f.note = pool_str(d, note);
  f.stage = pool_str(d, stage ? stage : "");
  if (!f.rule || !f.label || (note && !f.note) || !f.stage) return -2;
  f.start = start;
  f.end = end;
  f.score = score;
  f.score_is_int = score_is_int;
  size_t line = 1, bol = 0, from = 0;
  if (d->lc_line && d->lc_off <= start) { /* count on from the last flag */
    line = d->lc_line;
    bol = d->lc_bol;
    from = d->lc_off;
  }
  for (const unsigned char *p = t + from; (p = memchr(p, '\n', (size_t)(t + start - p))); p++) {
    line++;
    bol = (size_t)(p - t) + 1;
  }
  d->lc_off = start;
  d->lc_line = line;
  d->lc_bol = bol;
  f.line = line;
  f.col = 1 + vg_text_len(d->text.data + bol, start - bol);
  d->flags[d->nflags++] = f;
  return 0;
}

void vg_doc_clear_flags(vg_doc *d) {
  while (d->strs) {
    vg_strblock *next = d->strs->next;
    free(d->strs);
    d->strs = next;
  }
  d->nflags = 0;
  d->lc_line = 0; /* the text may change now */
}

void vg_doc_flag_order(const vg_doc *d, size_t *order) {
  for (size_t i = 0; i < d->nflags; i++) {
    size_t j = i;
    for (; j > 0; j--) {
      const vg_flag *p = &d->flags[order[j - 1]], *f = &d->flags[i];
      if (p->start < f->start || (p->start == f->start && p->end <= f->end)) break;
      order[j] = order[j - 1];
    }
    order[j] = i;
  }
}

void vg_doc_excerpt(const vg_doc *d, const vg_breaks *bk, size_t start, size_t end,
                    size_t *from, size_t *to) {
  vg_span sp;
  vg_segment_sentence_in(bk, d->text.data, d->text.len, start, end, &sp);
  *from = sp.start;
  *to = sp.end;
}

const vg_breaks *vg_doc_breaks(const vg_doc *d, vg_breaks *bk) {
  if (d->nflags < 4 || d->nflags * 512 < d->text.len) return NULL;
  return vg_segment_breaks(d->text.data, d->text.len, bk) ? NULL : bk;
}

vg_doc *vg_doc_derive(const vg_doc *parent, const char *suffix,
                      const char *text, size_t n) {
  char *id = vg_asprintf("%s#%s", parent->id, suffix);
  char *path = vg_asprintf("%s#%s", parent->path, suffix);
  vg_doc *d = (id && path) ? vg_doc_new(id, parent->source, path) : NULL;
  free(id);
  free(path);
  if (!d) return NULL;
  json_decref(d->meta);
  d->meta = json_deep_copy(parent->meta);
  d->bytes = parent->bytes;
  d->mtime = parent->mtime;
  d->has_mtime = parent->has_mtime;
  d->encoding = parent->encoding;
  d->replaced = parent->replaced;
  d->format = parent->format;
  int bad = !d->meta || vg_buf_append(&d->text, text, n);
  for (size_t i = 0; !bad && i < parent->ntags; i++) bad = vg_doc_tag(d, parent->tags[i]);
  if (bad) {
    vg_doc_free(d);
    return NULL;
  }
  return d;
}

int vg_doc_set_format(vg_doc *d, const char *format, const char *meta, size_t len) {
  d->format = vg_format_static(format);
  const char *p = meta, *end = meta ? meta + len : NULL;
  while (p && p < end) {
    const char *kz = memchr(p, '\0', (size_t)(end - p));
    const char *v = kz ? kz + 1 : end;
    const char *vz = v < end ? memchr(v, '\0', (size_t)(end - v)) : NULL;
    if (!vz) break;
    json_t *j;
    char *num_end;
    long long n = strtoll(v, &num_end, 10);
    if (!strcmp(p, "pages") && *v && !*num_end && n >= 0) j = json_integer((json_int_t)n);
    else j = json_string(v); /* NULL when not valid UTF-8: left out */
    if (j && json_object_set_new(d->meta, p, j)) return -1;
    p = vz + 1;
  }
  return 0;
}

size_t vg_doc_page(const vg_doc *d, size_t off) {
  if (strcmp(d->format, "pdf")) return 0;
  size_t page = 1;
  const char *p = d->text.data, *end = p + (off < d->text.len ? off : d->text.len);
  while ((p = memchr(p, '\f', (size_t)(end - p)))) {
    page++;
    p++;
  }
  return page;
}
