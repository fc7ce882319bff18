/*
 * doc.h: the document model. A vg_doc holds one document as the stages see
 * it: identity (id, source, path), the decoded text, what the reader and the
 * decoder learned (bytes, mtime, encoding, replaced, format), user metadata
 * (a jansson object), tags (a sorted set) and flags (byte spans of the text
 * with a rule and a label). It knows nothing of Lua or of archives.
 *
 * Ownership: a vg_doc owns every string and buffer in it; vg_doc_free
 * releases them. Setters copy their arguments. Offsets are 0-based byte
 * offsets into text, end exclusive.
 */
#ifndef VG_DOC_H
#define VG_DOC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"
#include "text.h"
#include "util.h"

/* A flag's strings belong to its document's pool (see vg_doc). */
typedef struct vg_flag {
  const char *rule;  /* the rule's id */
  const char *label; /* what people read; the rule's id when none was given */
  const char *note;  /* NULL when none was given */
  const char *stage; /* the stage that flagged (for the text-assignment error) */
  size_t start, end; /* 0-based, end exclusive, on UTF-8 boundaries */
  size_t line, col;  /* 1-based; col in code points */
  double score;
  int score_is_int;  /* write score as an integer */
} vg_flag;

typedef struct vg_doc {
  char *id, *source, *path;
  vg_buf text;          /* valid, normalized UTF-8, NUL-terminated */
  uint64_t bytes;       /* raw size before decoding */
  int64_t mtime;
  int has_mtime;
  vg_encoding encoding;
  size_t replaced;
  const char *format;   /* static: "text", ... */
  json_t *meta;         /* owned reference; a JSON object, never NULL */
  char **tags;          /* sorted, unique, owned */
  size_t ntags, captags;
  vg_flag *flags;       /* in the order they were made */
  size_t nflags, capflags;
  struct vg_strblock *strs; /* the flags' strings, freed with the flags: a
                               string equal to one of the last flag's is
                               shared, others are copied in blocks */
  int derived_count;    /* documents derived from this one so far */
  size_t lc_off, lc_line, lc_bol; /* where the last flag's line was counted
                                     (offset, its line, its line's start):
                                     flags made in text order count on from there */
  int has_unique;       /* doc:unique(key) was called: */
  uint64_t unique[2];   /*   the key's 128-bit hash */
  char *unique_stage;   /*   and the stage that called it (owned) */
} vg_doc;

/* A new empty document with the given identity (copied). NULL when out of
 * memory. */
vg_doc *vg_doc_new(const char *id, const char *source, const char *path);
void vg_doc_free(vg_doc *d); /* NULL does nothing */

/* The base name of path, and its lower-case extension without the dot
 * ("" when none), written into out (owned by the caller, at least n bytes). */
const char *vg_doc_name(const vg_doc *d);
void vg_doc_ext(const vg_doc *d, char *out, size_t n);

/* Tags. Return 0, or -1 when out of memory. */
int vg_doc_tag(vg_doc *d, const char *tag);
void vg_doc_untag(vg_doc *d, const char *tag);
int vg_doc_has(const vg_doc *d, const char *tag);

/* Adds a flag on text[start, end). Checks the span (inside the text, on
 * UTF-8 boundaries, start <= end) and fills line and col. Returns 0; -1 with
 * a message in err when the span is wrong; -2 when out of memory. Strings
 * are copied; label NULL means the rule; note may be NULL. */
int vg_doc_flag(vg_doc *d, const char *rule, const char *label,
                const char *note, const char *stage, size_t start, size_t end,
                double score, int score_is_int, char err[VG_ERRLEN]);
void vg_doc_clear_flags(vg_doc *d);
/* Writes into order[0..nflags) the flags' indexes in text order: by start,
 * then end; ties keep the order they were made in. */
void vg_doc_flag_order(const vg_doc *d, size_t *order);

/* Where the sentence around text[start, end) begins and ends, for a flag's
 * excerpt: bounded to a few hundred bytes each side, cut at UTF-8
 * boundaries. bk: NULL, or what vg_doc_breaks gave for d. */
void vg_doc_excerpt(const vg_doc *d, const vg_breaks *bk, size_t start, size_t end,
                    size_t *from, size_t *to);
/* For the excerpts of all of d's flags: when they are many for the size of
 * the text (one pass over it costs less than a window for each), fills bk
 * with the sentence breaks of d's text and returns it; else (and when out
 * of memory) returns NULL. bk belongs to the caller: zeroed before its
 * first use, vg_segment_breaks_free after its last. */
const vg_breaks *vg_doc_breaks(const vg_doc *d, vg_breaks *bk);

/* Sets the format the text was extracted from (a name of extract.h; an
 * unknown one is "text") and adds the metadata it carried: meta[0..len) holds
 * NUL-terminated key and value strings, alternating (a number-only "pages"
 * becomes a number, anything malformed is ignored). Returns 0, or -1 when out
 * of memory. */
int vg_doc_set_format(vg_doc *d, const char *format, const char *meta, size_t len);

/* The page of text[off] in a PDF (1 + the form feeds before it), 0 for
 * other formats. */
size_t vg_doc_page(const vg_doc *d, size_t off);

/* A document derived from parent (for splitting): id and path are the
 * parent's followed by "#" and suffix; source, meta (deep copy), tags,
 * encoding, bytes, mtime and format are copied; not the flags; text copied
 * from text/n. NULL when out of memory. */
vg_doc *vg_doc_derive(const vg_doc *parent, const char *suffix,
                      const char *text, size_t n);

#endif
