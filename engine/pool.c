/* pool.c: see pool.h. Items live in a ring of `window` slots indexed by
 * their sequence number: [written, dispatched) are with the workers or
 * done, [dispatched, submitted) wait for a worker.
 *
 * Wake-ups cost more than the work on small documents, so threads are woken
 * only when they can go on for a while: the collector when BATCH items from
 * the one it waits for (the next in order) are taken, or when the workers
 * have nothing left to take, and that one is done; the submitter when half
 * the window and half the budget are free again. */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

#define BATCH 16

typedef struct slot {
  void *item;
  size_t bytes;
  int done;
} slot;

typedef struct worker_arg {
  vg_pool *pool;
  size_t index;
} worker_arg;

struct vg_pool {
  pthread_mutex_t mu;
  pthread_cond_t can_submit, has_work, has_done;
  slot *ring;
  size_t window;
  size_t budget, bytes; /* bytes allowed in the pool, and in it now */
  unsigned long long submitted, dispatched, written;
  int closing; /* no more submissions */
  vg_pool_work_fn work;
  vg_pool_done_fn done;
  void *ctx;
  pthread_t *threads;
  worker_arg *args;
  size_t nworkers, started;
  pthread_t collector;
  int collector_started, finished;
};

static void *worker_main(void *arg) {
  worker_arg *a = arg;
  vg_pool *p = a->pool;
  for (;;) {
    pthread_mutex_lock(&p->mu);
    while (p->dispatched == p->submitted && !p->closing) pthread_cond_wait(&p->has_work, &p->mu);
    if (p->dispatched == p->submitted) {
      pthread_mutex_unlock(&p->mu);
      return NULL;
    }
    unsigned long long seq = p->dispatched++;
    slot *s = &p->ring[seq % p->window];
    pthread_mutex_unlock(&p->mu);
    p->work(p->ctx, a->index, s->item);
    pthread_mutex_lock(&p->mu);
    s->done = 1;
    if (p->ring[p->written % p->window].done &&
        (seq + 1 >= p->written + BATCH || p->dispatched == p->submitted || p->closing))
      pthread_cond_signal(&p->has_done);
    pthread_mutex_unlock(&p->mu);
  }
}

static void *collector_main(void *arg) {
  vg_pool *p = arg;
  for (;;) {
    pthread_mutex_lock(&p->mu);
    for (;;) {
      if (p->written < p->submitted && p->ring[p->written % p->window].done) break;
      if (p->closing && p->written == p->submitted) {
        pthread_mutex_unlock(&p->mu);
        return NULL;
      }
      pthread_cond_wait(&p->has_done, &p->mu);
    }
    slot *s = &p->ring[p->written % p->window];
    pthread_mutex_unlock(&p->mu);
    p->done(p->ctx, s->item);
    pthread_mutex_lock(&p->mu);
    s->item = NULL;
    s->done = 0;
    p->bytes -= s->bytes;
    p->written++;
    if (p->submitted - p->written <= p->window / 2 && p->bytes <= p->budget / 2)
      pthread_cond_signal(&p->can_submit);
    pthread_mutex_unlock(&p->mu);
  }
}

vg_pool *vg_pool_new(size_t nworkers, size_t window, size_t budget, vg_pool_work_fn work,
                     vg_pool_done_fn done, void *ctx) {
  vg_pool *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  if (window < nworkers) window = nworkers;
  if (window < 1) window = 1;
  p->window = window;
  p->budget = budget;
  p->work = work;
  p->done = done;
  p->ctx = ctx;
  p->nworkers = nworkers;
  p->ring = calloc(window, sizeof *p->ring);
  p->threads = calloc(nworkers, sizeof *p->threads);
  p->args = calloc(nworkers, sizeof *p->args);
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->can_submit, NULL);
  pthread_cond_init(&p->has_work, NULL);
  pthread_cond_init(&p->has_done, NULL);
  if (!p->ring || !p->threads || !p->args) {
    vg_pool_free(p);
    return NULL;
  }
  for (size_t i = 0; i < nworkers; i++) {
    p->args[i].pool = p;
    p->args[i].index = i;
    if (pthread_create(&p->threads[i], NULL, worker_main, &p->args[i])) break;
    p->started++;
  }
  if (p->started == nworkers && !pthread_create(&p->collector, NULL, collector_main, p))
    p->collector_started = 1;
  if (!p->collector_started) {
    vg_pool_free(p);
    return NULL;
  }
  return p;
}

int vg_pool_submit(vg_pool *p, void *item, size_t bytes) {
  pthread_mutex_lock(&p->mu);
  while ((p->submitted - p->written >= p->window ||
          (p->bytes && bytes > p->budget - (p->bytes < p->budget ? p->bytes : p->budget))) &&
         !p->closing)
    pthread_cond_wait(&p->can_submit, &p->mu);
  if (p->closing) {
    pthread_mutex_unlock(&p->mu);
    return -1;
  }
  slot *s = &p->ring[p->submitted++ % p->window];
  s->item = item;
  s->bytes = bytes;
  s->done = 0;
  p->bytes += bytes;
  pthread_cond_signal(&p->has_work);
  pthread_mutex_unlock(&p->mu);
  return 0;
}

void vg_pool_finish(vg_pool *p) {
  if (p->finished) return;
  p->finished = 1;
  pthread_mutex_lock(&p->mu);
  p->closing = 1;
  pthread_cond_broadcast(&p->has_work);
  pthread_cond_broadcast(&p->has_done);
  pthread_mutex_unlock(&p->mu);
  for (size_t i = 0; i < p->started; i++) pthread_join(p->threads[i], NULL);
  pthread_mutex_lock(&p->mu);
  pthread_cond_broadcast(&p->has_done);
  pthread_mutex_unlock(&p->mu);
  if (p->collector_started) pthread_join(p->collector, NULL);
}

void vg_pool_free(vg_pool *p) {
  if (!p) return;
  vg_pool_finish(p);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->can_submit);
  pthread_cond_destroy(&p->has_work);
  pthread_cond_destroy(&p->has_done);
  free(p->ring);
  free(p->threads);
  free(p->args);
  free(p);
}
