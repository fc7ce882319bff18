/*
 * terms.h: the multi-term matcher behind vigie.terms. A list of terms is
 * compiled once into an Aho-Corasick automaton over the bytes of their
 * matching keys (vg_text_fold_map: case, accents and compatibility forms
 * folded, runs of white space made one space, typographic apostrophes made
 * ASCII), and a scanner runs it over a text, folding the text in blocks as
 * it goes, so the cost per byte does not depend on the number of terms and
 * memory stays bounded by a block, not by the text.
 *
 * Matches are reported with byte offsets into the ORIGINAL text, covering
 * whole characters (a combining accent after the last letter included).
 * Every occurrence of every term is reported, overlapping ones too (a term
 * that is part of another at the same place as well): in order of start,
 * then longest first, then by place in the list. Terms that fold to the
 * same key count once, as the first of them in the list.
 *
 * Sharing: a compiled matcher is immutable, so any number of threads may
 * scan with it at once (each with its own scanner). vg_terms_get keeps a
 * process-wide cache keyed by the terms and flags: asking twice for the
 * same list gives the same matcher, with one more reference. This module
 * needs the text layer only; it knows nothing of Lua.
 *
 * Ownership: vg_terms_get returns a reference the caller owns and gives
 * back with vg_terms_release. A scanner is owned by whoever made it; it
 * borrows the matcher and the text given to vg_terms_scan_start, which
 * must outlive the scan.
 */
#ifndef VG_TERMS_H
#define VG_TERMS_H

#include <stddef.h>

#include "util.h"

typedef struct vg_terms vg_terms;
typedef struct vg_terms_scan vg_terms_scan;

/* How a list is matched (bit flags). */
typedef enum vg_terms_flags {
  VG_TERMS_FOLD = 1, /* compare matching keys; without it, exact bytes */
  VG_TERMS_WORDS = 2 /* whole words: the characters around a match are not
                        letters, numbers or marks (or are the text's edges) */
} vg_terms_flags;

/* One occurrence: the text's bytes [start, end) (0-based, end exclusive). */
typedef struct vg_terms_match {
  size_t term;  /* index in the list given to vg_terms_get */
  size_t start;
  size_t end;
} vg_terms_match;

/* What vg_terms_scan_next returns (or -1: out of memory). */
enum {
  VG_TERMS_DONE = 0,  /* no more matches */
  VG_TERMS_FOUND = 1, /* *mt holds the next match */
  VG_TERMS_MORE = 2   /* a block of text was scanned, no match yet: call
                         again (a chance to look at the clock) */
};

/* Compiles the n terms (terms[i] is lens[i] bytes of valid UTF-8; leading
 * and trailing white space is ignored) with flags (vg_terms_flags), or
 * finds the same list and flags in the cache. Returns an owned reference,
 * or NULL with a message in err: an empty list, a term that folds to
 * nothing (then *bad is its index; otherwise *bad is (size_t)-1), a list
 * too large, out of memory. */
vg_terms *vg_terms_get(const char *const *terms, const size_t *lens, size_t n,
                       unsigned flags, char err[VG_ERRLEN], size_t *bad);
/* Gives back a reference; the matcher is freed (and leaves the cache) with
 * the last one. NULL does nothing. */
void vg_terms_release(vg_terms *m);

size_t vg_terms_size(const vg_terms *m);     /* terms in the list */
unsigned vg_terms_flags_of(const vg_terms *m);

/* The shape of a compiled matcher, for tests and benchmarks. */
typedef struct vg_terms_info {
  size_t keys;      /* distinct keys (terms after folding and deduplication) */
  size_t states;    /* states of the automaton */
  size_t dense;     /* states with a full transition row */
  size_t classes;   /* byte classes (the alphabet) */
  size_t max_len;   /* the longest key, in bytes */
  size_t bytes;     /* memory held */
  int refs;         /* references held */
} vg_terms_info;
void vg_terms_stat(const vg_terms *m, vg_terms_info *info);
/* Number of matchers in the cache now. */
size_t vg_terms_cached(void);
/* For tests: the number of transitions the dense rows of matchers compiled
 * from now on may hold (so small lists get sparse states too); 0 restores
 * the default. Not for use while other threads compile. */
void vg_terms_set_dense_limit(size_t transitions);

/* A scanner: the state of one pass over one text, with its buffers (the
 * folded block and its map, matches waiting for their turn), reused from
 * one text to the next. NULL when out of memory. */
vg_terms_scan *vg_terms_scan_new(void);
void vg_terms_scan_free(vg_terms_scan *sc); /* NULL does nothing */
/* Starts a pass of m over text[0..n) (valid UTF-8), forgetting any pass
 * under way. Allocates nothing. */
void vg_terms_scan_start(vg_terms_scan *sc, const vg_terms *m, const char *text,
                         size_t n);
/* The next match of the pass: VG_TERMS_FOUND with *mt set, VG_TERMS_DONE,
 * VG_TERMS_MORE (scanned about a block; call again), or -1 when out of
 * memory (the pass is then over). */
int vg_terms_scan_next(vg_terms_scan *sc, vg_terms_match *mt);

#endif
