#define _POSIX_C_SOURCE 200809L
/* test_merge.c: the ordered merge gives items in key order across
 * producers, and a producer's queue holds at most `cap` items and at most
 * `budget` bytes of them (a larger item alone). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "harness.h"
#include "merge.h"

#define PRODUCERS 3
#define ITEMS 300

typedef struct prod {
  vg_merge *m;
  size_t k;
  size_t bytes;          /* each item's weight */
  atomic_int *queued;    /* put and not yet taken, this producer's */
} prod;

static void *produce(void *arg) {
  prod *p = arg;
  for (uint64_t i = p->k; i < ITEMS; i += PRODUCERS) {
    uint64_t *item = malloc(sizeof *item);
    *item = i;
    /* item 150 weighs more than the budget */
    if (vg_merge_put(p->m, p->k, i, item, i == 150 ? 1000 : p->bytes)) {
      free(item);
      break;
    }
    atomic_fetch_add(p->queued, 1);
  }
  vg_merge_close(p->m, p->k);
  return NULL;
}

/* Runs PRODUCERS producers over a merge of cap items and budget bytes with
 * items of `bytes` bytes; checks the order; returns the most items one
 * producer had waiting at once (as counted after its puts). */
static int run(size_t cap, size_t budget, size_t bytes) {
  vg_merge *m = vg_merge_new(PRODUCERS, cap, budget);
  CHECK(m != NULL);
  atomic_int queued[PRODUCERS];
  prod p[PRODUCERS];
  pthread_t t[PRODUCERS];
  for (size_t k = 0; k < PRODUCERS; k++) {
    atomic_init(&queued[k], 0);
    p[k] = (prod){m, k, bytes, &queued[k]};
    pthread_create(&t[k], NULL, produce, &p[k]);
  }
  uint64_t next = 0, *item;
  int most = 0;
  while ((item = vg_merge_take(m))) {
    CHECK(*item == next);
    next++;
    int q = atomic_fetch_sub(&queued[*item % PRODUCERS], 1);
    if (q > most) most = q;
    free(item);
    struct timespec ts = {0, 50000L}; /* a slow consumer: queues fill */
    nanosleep(&ts, NULL);
  }
  CHECK_INT(next, ITEMS);
  for (size_t k = 0; k < PRODUCERS; k++) pthread_join(t[k], NULL);
  vg_merge_free(m);
  return most;
}

static void test_order_cap_and_budget(void) {
  int most = run(64, (size_t)-1, 30);
  CHECK(most > 8 && most <= 64 + 1); /* the cap alone */
  most = run(64, 100, 30);
  CHECK(most <= 3 + 1); /* three items of 30 bytes fit in 100 */
  most = run(4, (size_t)-1, 30);
  CHECK(most <= 4 + 1);
}

int main(void) {
  RUN(test_order_cap_and_budget);
  return DONE();
}
