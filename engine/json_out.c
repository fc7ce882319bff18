/* json_out.c: see json_out.h. */
#include "json_out.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends the string literal s. */
#define LIT(b, s) vg_buf_append(b, s, sizeof s - 1)

/* The length of the prefix of s[0..n) made of 8-byte blocks that need no
 * escaping (no control character, no '"', no '\\'). */
static size_t unescaped8(const char *s, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v = vg_load8(s + i);
    if (VG_HASLESS8(v, 0x20) || VG_HASZERO8(v ^ (VG_ONES8 * '"')) ||
        VG_HASZERO8(v ^ (VG_ONES8 * '\\')))
      break;
  }
  return i;
}

int vg_json_str(vg_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  if (vg_buf_reserve(b, n + 2)) return -1;
  b->data[b->len++] = '"';
  size_t run = 0; /* start of the pending run of plain bytes */
  for (size_t i = 0; (i += unescaped8(s + i, n - i)) < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    if (vg_buf_append(b, s + run, i - run)) return -1;
    char esc[7] = {'\\', 0};
    size_t len = 2;
    switch (c) {
      case '"': esc[1] = '"'; break;
      case '\\': esc[1] = '\\'; break;
      case '\n': esc[1] = 'n'; break;
      case '\t': esc[1] = 't'; break;
      case '\r': esc[1] = 'r'; break;
      case '\b': esc[1] = 'b'; break;
      case '\f': esc[1] = 'f'; break;
      default:
        memcpy(esc, "\\u00", 4);
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 15];
        len = 6;
    }
    if (vg_buf_append(b, esc, len)) return -1;
    run = i + 1;
  }
  if (vg_buf_append(b, s + run, n - run)) return -1;
  return vg_buf_putc(b, '"');
}

int vg_json_cstr(vg_buf *b, const char *s) { return vg_json_str(b, s, strlen(s)); }

int vg_json_real(vg_buf *b, double v) {
  char tmp[40];
  if (!isfinite(v)) return -1;
  if (v == floor(v) && fabs(v) < 1e15) return vg_buf_printf(b, "%.0f", v);
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*g", prec, v);
    if (strtod(tmp, NULL) == v) break;
  }
  return vg_buf_append(b, tmp, strlen(tmp));
}

int vg_json_value(vg_buf *b, const json_t *v) {
  switch (json_typeof(v)) {
    case JSON_OBJECT: {
      const char *key;
      json_t *val;
      int first = 1;
      if (vg_buf_putc(b, '{')) return -1;
      json_object_foreach((json_t *)v, key, val) {
        if ((!first && vg_buf_putc(b, ',')) || vg_json_cstr(b, key) ||
            vg_buf_putc(b, ':') || vg_json_value(b, val))
          return -1;
        first = 0;
      }
      return vg_buf_putc(b, '}');
    }
    case JSON_ARRAY: {
      if (vg_buf_putc(b, '[')) return -1;
      for (size_t i = 0; i < json_array_size(v); i++)
        if ((i && vg_buf_putc(b, ',')) || vg_json_value(b, json_array_get(v, i)))
          return -1;
      return vg_buf_putc(b, ']');
    }
    case JSON_STRING:
      return vg_json_str(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
      return vg_buf_printf(b, "%lld", (long long)json_integer_value(v));
    case JSON_REAL: {
      double r = json_real_value(v);
      /* keep a real a real, so that 2.0 does not come back as 2 */
      if (r == floor(r) && fabs(r) < 1e15) return vg_buf_printf(b, "%.1f", r);
      return vg_json_real(b, r);
    }
    case JSON_TRUE: return vg_buf_append(b, "true", 4);
    case JSON_FALSE: return vg_buf_append(b, "false", 5);
    case JSON_NULL: return vg_buf_append(b, "null", 4);
  }
  return -1;
}

/* Appends ,"key": */
static int key(vg_buf *b, const char *k) {
  return vg_buf_putc(b, ',') || vg_json_cstr(b, k) || vg_buf_putc(b, ':');
}

int vg_json_metadata(vg_buf *b, const vg_doc *d) {
  static const char *const engine_keys[] = {"encoding", "bytes", "mtime", "replaced", "format"};
  const size_t nkeys = sizeof engine_keys / sizeof *engine_keys;
  int first = 1;
  if (vg_buf_putc(b, '{')) return -1;
  for (size_t i = 0; i < nkeys; i++) {
    const char *k = engine_keys[i];
    json_t *user = json_object_get(d->meta, k);
    if (!user) { /* the engine's own value, when it has one */
      if ((i == 2 && !d->has_mtime) || (i == 3 && d->replaced == 0) ||
          (i == 4 && strcmp(d->format, "text") == 0))
        continue;
    }
    if ((first ? vg_buf_putc(b, '"') || vg_buf_append(b, k, strlen(k)) ||
                     vg_buf_append(b, "\":", 2)
               : key(b, k)))
      return -1;
    first = 0;
    int rc;
    if (user) rc = vg_json_value(b, user);
    else if (i == 0) rc = vg_json_cstr(b, vg_encoding_name(d->encoding));
    else if (i == 1) rc = vg_buf_printf(b, "%llu", (unsigned long long)d->bytes);
    else if (i == 2) rc = vg_buf_printf(b, "%lld", (long long)d->mtime);
    else if (i == 3) rc = vg_buf_printf(b, "%zu", d->replaced);
    else rc = vg_json_cstr(b, d->format);
    if (rc) return -1;
  }
  const char *k;
  json_t *val;
  json_object_foreach(d->meta, k, val) {
    int engine = 0;
    for (size_t i = 0; i < nkeys; i++) engine |= strcmp(k, engine_keys[i]) == 0;
    if (engine) continue;
    if ((first ? 0 : vg_buf_putc(b, ',')) || vg_json_cstr(b, k) ||
        vg_buf_putc(b, ':') || vg_json_value(b, val))
      return -1;
    first = 0;
  }
  return vg_buf_putc(b, '}');
}

/* The excerpt written last: its span of the text, and where its JSON
 * string is in the output (flags in a row often share their sentence). */
typedef struct excerpt_memo {
  size_t from, to, at, len;
} excerpt_memo;

/* A flag; page > 0 (PDF) is written after col. */
static int flag_json(vg_buf *b, const vg_doc *d, const vg_breaks *bk, const vg_flag *f,
                     size_t page, excerpt_memo *memo) {
  size_t from, to;
  vg_doc_excerpt(d, bk, f->start, f->end, &from, &to);
  if (LIT(b, "{\"rule\":") || vg_json_cstr(b, f->rule) ||
      LIT(b, ",\"label\":") || vg_json_cstr(b, f->label) ||
      LIT(b, ",\"start\":") || vg_buf_u64(b, f->start) ||
      LIT(b, ",\"end\":") || vg_buf_u64(b, f->end) ||
      LIT(b, ",\"line\":") || vg_buf_u64(b, f->line) ||
      LIT(b, ",\"col\":") || vg_buf_u64(b, f->col) ||
      (page && (LIT(b, ",\"page\":") || vg_buf_u64(b, page))) ||
      LIT(b, ",\"match\":") || vg_json_str(b, d->text.data + f->start, f->end - f->start) ||
      LIT(b, ",\"excerpt\":"))
    return -1;
  if (memo->len && memo->from == from && memo->to == to) {
    if (vg_buf_reserve(b, memo->len)) return -1; /* before the copy: b->data may move */
    memcpy(b->data + b->len, b->data + memo->at, memo->len);
    b->len += memo->len;
    b->data[b->len] = '\0';
  } else {
    size_t at = b->len;
    if (vg_json_str(b, d->text.data + from, to - from)) return -1;
    *memo = (excerpt_memo){from, to, at, b->len - at};
  }
  if (LIT(b, ",\"score\":")) return -1;
  long long iscore = (long long)f->score;
  if (f->score_is_int ? (iscore < 0 && vg_buf_putc(b, '-')) ||
                            vg_buf_u64(b, iscore < 0 ? 0 - (uint64_t)iscore : (uint64_t)iscore)
                      : vg_json_real(b, f->score))
    return -1;
  if (f->note && (key(b, "note") || vg_json_cstr(b, f->note))) return -1;
  return vg_buf_putc(b, '}');
}

int vg_json_doc(vg_buf *b, const vg_doc *d, int with_text) {
  if (vg_buf_append(b, "{\"id\":", 6) || vg_json_cstr(b, d->id)) return -1;
  if (with_text && (key(b, "text") || vg_json_str(b, d->text.data, d->text.len)))
    return -1;
  if (key(b, "source") || vg_json_cstr(b, d->source) || key(b, "path") ||
      vg_json_cstr(b, d->path) || key(b, "tags") || vg_buf_putc(b, '['))
    return -1;
  for (size_t i = 0; i < d->ntags; i++)
    if ((i && vg_buf_putc(b, ',')) || vg_json_cstr(b, d->tags[i])) return -1;
  if (vg_buf_append(b, "],\"flags\":[", 11)) return -1;
  /* flags in text order (by start, then end; ties keep the order made) */
  size_t small[64], *order = d->nflags <= 64 ? small : malloc(d->nflags * sizeof *order);
  if (!order) return -1;
  vg_doc_flag_order(d, order);
  int rc = 0;
  /* a PDF's pages are separated by form feeds: count them up to each flag */
  int paged = !strcmp(d->format, "pdf");
  size_t page = 1, at = 0;
  vg_breaks br = {0};
  const vg_breaks *bk = vg_doc_breaks(d, &br);
  excerpt_memo memo = {0};
  for (size_t i = 0; !rc && i < d->nflags; i++) {
    const vg_flag *f = &d->flags[order[i]];
    for (; paged && at < f->start; at++) page += d->text.data[at] == '\f';
    rc = (i && vg_buf_putc(b, ',')) || flag_json(b, d, bk, f, paged ? page : 0, &memo);
  }
  vg_segment_breaks_free(&br);
  if (order != small) free(order);
  if (rc) return -1;
  if (vg_buf_append(b, "],\"metadata\":", 13) || vg_json_metadata(b, d)) return -1;
  return vg_buf_append(b, "}\n", 2);
}
