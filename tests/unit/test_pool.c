#define _POSIX_C_SOURCE 200809L
/* test_pool.c: the ordered work pool gives items back in submission order,
 * whatever order the workers finish them in, with at most `window` items
 * in flight. */
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "harness.h"
#include "pool.h"

typedef struct ctx {
  int next_expected;
  int out_of_order;
  atomic_int in_flight, max_in_flight, worked;
  int used_worker[4];
} ctx;

static void work(void *c_, size_t worker, void *item) {
  ctx *c = c_;
  int n = atomic_fetch_add(&c->in_flight, 1) + 1;
  int m = atomic_load(&c->max_in_flight);
  while (n > m && !atomic_compare_exchange_weak(&c->max_in_flight, &m, n)) {}
  int v = *(int *)item;
  struct timespec ts = {0, (v % 7) * 200000L}; /* finish out of order */
  nanosleep(&ts, NULL);
  c->used_worker[worker] = 1;
  atomic_fetch_add(&c->worked, 1);
}

static void done(void *c_, void *item) {
  ctx *c = c_;
  int v = *(int *)item;
  if (v != c->next_expected) c->out_of_order++;
  c->next_expected++;
  atomic_fetch_sub(&c->in_flight, 1);
  free(item);
}

static void test_order_and_window(void) {
  ctx c = {0};
  vg_pool *p = vg_pool_new(4, 8, (size_t)-1, work, done, &c);
  CHECK(p != NULL);
  for (int i = 0; i < 500; i++) {
    int *item = malloc(sizeof *item);
    *item = i;
    CHECK(vg_pool_submit(p, item, 1) == 0);
  }
  vg_pool_finish(p);
  CHECK_INT(c.next_expected, 500);
  CHECK_INT(c.out_of_order, 0);
  CHECK_INT(atomic_load(&c.worked), 500);
  CHECK(atomic_load(&c.max_in_flight) <= 8);
  CHECK(c.used_worker[0] && c.used_worker[1] && c.used_worker[2] && c.used_worker[3]);
  int dummy = 0;
  CHECK(vg_pool_submit(p, &dummy, 1) == -1);
  vg_pool_free(p);
}

static void test_empty_pool_finishes(void) {
  ctx c = {0};
  vg_pool *p = vg_pool_new(2, 4, (size_t)-1, work, done, &c);
  CHECK(p != NULL);
  vg_pool_free(p);
  CHECK_INT(c.next_expected, 0);
}

/* With a budget of 100 bytes, items of 30 bytes are at most 3 in the pool,
 * however large the window; an item over the budget goes in alone. */
typedef struct bctx {
  atomic_int bytes, max_bytes;
  int order_ok, next;
} bctx;

static void bwork(void *c_, size_t worker, void *item) {
  (void)worker;
  bctx *c = c_;
  int n = *(int *)item;
  int b = atomic_fetch_add(&c->bytes, n) + n, m = atomic_load(&c->max_bytes);
  while (b > m && !atomic_compare_exchange_weak(&c->max_bytes, &m, b)) {}
  struct timespec ts = {0, 100000L};
  nanosleep(&ts, NULL);
}

static void bdone(void *c_, void *item) {
  bctx *c = c_;
  atomic_fetch_sub(&c->bytes, *(int *)item);
  c->next++;
  free(item);
}

static void test_budget(void) {
  bctx c = {0};
  vg_pool *p = vg_pool_new(4, 64, 100, bwork, bdone, &c);
  CHECK(p != NULL);
  for (int i = 0; i < 200; i++) {
    int *item = malloc(sizeof *item);
    *item = i == 100 ? 250 : 30; /* one over the budget */
    CHECK(vg_pool_submit(p, item, (size_t)*item) == 0);
  }
  vg_pool_finish(p);
  CHECK_INT(c.next, 200);
  CHECK(atomic_load(&c.max_bytes) <= 250);
  /* the large one was alone: no 30-byte item in flight with it */
  CHECK(atomic_load(&c.max_bytes) == 250 || atomic_load(&c.max_bytes) <= 90);
  vg_pool_free(p);
}

int main(void) {
  RUN(test_order_and_window);
  RUN(test_empty_pool_finishes);
  RUN(test_budget);
  return DONE();
}
