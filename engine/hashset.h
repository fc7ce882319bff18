/*
 * hashset.h: a set of 128-bit hashes (open addressing), for keeping the
 * first document of each key in input order (doc:unique). Not thread-safe:
 * the collector thread owns it.
 */
#ifndef VG_HASHSET_H
#define VG_HASHSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct vg_hashset {
  uint64_t *slots; /* pairs (lo, hi); (0, 0) is an empty slot */
  size_t cap, count;
  int has_zero;    /* the key (0, 0) itself was added */
} vg_hashset;

/* Adds (lo, hi). Returns 1 when it was new, 0 when it was there, -1 when
 * out of memory. */
int vg_hashset_add(vg_hashset *s, uint64_t lo, uint64_t hi);
void vg_hashset_free(vg_hashset *s);

#endif
