/*
 * pool.h: an ordered work pool. One thread submits items; N worker threads
 * process them in any order; a collector thread hands them back in the
 * order they were submitted. At most `window` items, and at most `budget`
 * bytes of them (as the submitter counts them; a larger item goes in
 * alone), are in the pool at once, so memory stays bounded by the budget
 * and the largest item, not by the size of the input. A window of many
 * small items lets each thread run for a while between hand-offs. This
 * is how -j N runs N Lua states and still writes byte-identical output.
 *
 * Ownership: the pool never touches items; work and done may (done is
 * the place to free them). Knows nothing of documents or Lua.
 */
#ifndef VG_POOL_H
#define VG_POOL_H

#include <stddef.h>

typedef struct vg_pool vg_pool;

/* Called on worker thread `worker` (0..N-1) for each item. */
typedef void (*vg_pool_work_fn)(void *ctx, size_t worker, void *item);
/* Called on the collector thread for each item, in submission order. */
typedef void (*vg_pool_done_fn)(void *ctx, void *item);

/* Starts nworkers worker threads and the collector. NULL when threads or
 * memory cannot be had. */
vg_pool *vg_pool_new(size_t nworkers, size_t window, size_t budget, vg_pool_work_fn work,
                     vg_pool_done_fn done, void *ctx);
/* Adds an item of `bytes` bytes; blocks while the window or the budget is
 * full. Returns 0, or -1 after vg_pool_finish. */
int vg_pool_submit(vg_pool *p, void *item, size_t bytes);
/* Waits until every item submitted has been done, and stops the threads. */
void vg_pool_finish(vg_pool *p);
void vg_pool_free(vg_pool *p); /* finishes first if needed; NULL ok */

#endif
