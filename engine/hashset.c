/* hashset.c: see hashset.h. */
#include "hashset.h"

#include <stdlib.h>

static int insert(uint64_t *slots, size_t cap, uint64_t lo, uint64_t hi) {
  size_t i = (size_t)(lo ^ (hi >> 7)) & (cap - 1);
  for (;;) {
    uint64_t *s = &slots[2 * i];
    if (s[0] == 0 && s[1] == 0) {
      s[0] = lo;
      s[1] = hi;
      return 1;
    }
    if (s[0] == lo && s[1] == hi) return 0;
    i = (i + 1) & (cap - 1);
  }
}

int vg_hashset_add(vg_hashset *s, uint64_t lo, uint64_t hi) {
  if (lo == 0 && hi == 0) {
    int isnew = !s->has_zero;
    s->has_zero = 1;
    return isnew;
  }
  if (2 * (s->count + 1) > s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 1024;
    uint64_t *slots = calloc(cap, 2 * sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < s->cap; i++)
      if (s->slots[2 * i] || s->slots[2 * i + 1])
        insert(slots, cap, s->slots[2 * i], s->slots[2 * i + 1]);
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
  }
  int isnew = insert(s->slots, s->cap, lo, hi);
  s->count += (size_t)isnew;
  return isnew;
}

void vg_hashset_free(vg_hashset *s) {
  free(s->slots);
  s->slots = NULL;
  s->cap = s->count = 0;
  s->has_zero = 0;
}
