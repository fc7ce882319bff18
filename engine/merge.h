/*
 * merge.h: an ordered merge of N producers. Each producer thread puts items
 * in increasing key order; the consumer takes them in key order across all
 * producers, which it can do as soon as every producer still running has an
 * item waiting. Each producer's queue holds at most `cap` items and at
 * most `budget` bytes of them (a larger item goes in alone), so memory stays
 * bounded. This is how N workers each read their share of one zip
 * (entries i with i % N == k) and the output still comes in entry order.
 *
 * Ownership: the merge never touches items; the consumer owns what it takes.
 */
#ifndef VG_MERGE_H
#define VG_MERGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct vg_merge vg_merge;

/* NULL when out of memory. */
vg_merge *vg_merge_new(size_t nproducers, size_t cap, size_t budget);
/* Adds item with key (greater than the producer's previous one), of
 * `bytes` bytes; blocks while the producer's queue is full. Returns 0, or
 * -1 after vg_merge_cancel. */
int vg_merge_put(vg_merge *m, size_t producer, uint64_t key, void *item, size_t bytes);
/* The producer will put nothing more. */
void vg_merge_close(vg_merge *m, size_t producer);
/* The item with the least key, once it is known to be the least; NULL when
 * every producer has closed and nothing is left. */
void *vg_merge_take(vg_merge *m);
/* Makes vg_merge_put fail from now on (producers see it and stop). */
void vg_merge_cancel(vg_merge *m);
void vg_merge_free(vg_merge *m); /* NULL ok; the queues must be empty */

#endif
