/*
 * json_out.h: writing JSON. Escapes strings, writes jansson values (in their
 * insertion order), and writes a document as one JSONL line in the key order
 * of the output schema (SPEC section 5). Output goes into a vg_buf the
 * caller owns; these functions only append. They return 0, or -1 when out
 * of memory (or, for vg_json_value, on a value JSON cannot hold).
 */
#ifndef VG_JSON_OUT_H
#define VG_JSON_OUT_H

#include <jansson.h>

#include "doc.h"
#include "util.h"

/* Appends s[0..n) as a JSON string (quotes included). Control characters
 * are escaped (\n, \t, \u0001...); other code points are written as UTF-8. */
int vg_json_str(vg_buf *b, const char *s, size_t n);
int vg_json_cstr(vg_buf *b, const char *s);
/* Appends a number the way Lua would print it back: integers as integers,
 * reals with the shortest digits that read back the same. */
int vg_json_real(vg_buf *b, double v);
int vg_json_value(vg_buf *b, const json_t *v);

/* Appends the JSONL line of d (with the final "\n"). with_text 0 leaves out
 * the "text" key (--no-text). */
int vg_json_doc(vg_buf *b, const vg_doc *d, int with_text);
/* Appends the "metadata" object of d: the engine's fields merged with
 * d->meta (a user key of the same name replaces the engine's value). */
int vg_json_metadata(vg_buf *b, const vg_doc *d);

#endif
