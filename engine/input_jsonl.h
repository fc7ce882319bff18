/*
 * input_jsonl.h: the JSONL reader (--input-format jsonl): documents written
 * as in the output schema, one JSON object a line, from a file or stdin.
 * `{"id","text"}` is enough, as datatrove and dolma write them: other keys
 * go to metadata; tags and flags are kept; a missing id becomes
 * SOURCE:LINE. Parsing with jansson.
 *
 * Ownership: each document returned is owned by the caller.
 */
#ifndef VG_INPUT_JSONL_H
#define VG_INPUT_JSONL_H

#include <stdint.h>

#include "doc.h"
#include "util.h"

typedef struct vg_jsonl vg_jsonl;

/* Opens path ("-": stdin). NULL with err set when it cannot be read. */
vg_jsonl *vg_jsonl_open(const char *path, uint64_t max_line, char err[VG_ERRLEN]);
/* Reads the next document. Returns 1 with *doc set; 0 at the end; -1 for a
 * line that is not a document (err set, *where its SOURCE:LINE, borrowed):
 * reading can go on after it. */
int vg_jsonl_next(vg_jsonl *j, vg_doc **doc, const char **where, char err[VG_ERRLEN]);
/* Makes a document from one JSON object (the line's text, for messages).
 * NULL with err set when it is not a document. */
vg_doc *vg_jsonl_doc(const char *line, size_t n, const char *source, const char *fallback_id,
                     char err[VG_ERRLEN]);
void vg_jsonl_free(vg_jsonl *j); /* NULL ok */

#endif
