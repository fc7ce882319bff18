/* merge.c: see merge.h. One mutex, one condition for the consumer and one
 * for the producers. A thread is woken only when it can go on for a while:
 * the consumer when a queue gets its BATCH-th item (or closes, or its
 * producer has to wait for room), a producer when its queue, which it found
 * full, is down to half its items and half its budget. */
#include "merge.h"

#include <pthread.h>
#include <stdlib.h>

#define BATCH 16

typedef struct queue {
  uint64_t *keys;
  void **items;
  size_t *bytes;
  size_t head, len; /* a ring of cap slots */
  size_t weight;    /* bytes of the items in it */
  int closed;
  int waiting;      /* its producer waits for room */
} queue;

struct vg_merge {
  pthread_mutex_t mu;
  pthread_cond_t can_take, can_put;
  queue *q;
  size_t n, cap, budget;
  int cancelled;
};

vg_merge *vg_merge_new(size_t nproducers, size_t cap, size_t budget) {
  vg_merge *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->n = nproducers;
  m->cap = cap ? cap : 1;
  m->budget = budget;
  m->q = calloc(nproducers, sizeof *m->q);
  int bad = !m->q;
  for (size_t i = 0; !bad && i < nproducers; i++) {
    m->q[i].keys = calloc(m->cap, sizeof *m->q[i].keys);
    m->q[i].items = calloc(m->cap, sizeof *m->q[i].items);
    m->q[i].bytes = calloc(m->cap, sizeof *m->q[i].bytes);
    bad = !m->q[i].keys || !m->q[i].items || !m->q[i].bytes;
  }
  pthread_mutex_init(&m->mu, NULL);
  pthread_cond_init(&m->can_take, NULL);
  pthread_cond_init(&m->can_put, NULL);
  if (bad) {
    vg_merge_free(m);
    return NULL;
  }
  return m;
}

int vg_merge_put(vg_merge *m, size_t producer, uint64_t key, void *item, size_t bytes) {
  queue *q = &m->q[producer];
  pthread_mutex_lock(&m->mu);
  while ((q->len == m->cap || (q->len && bytes > m->budget - (q->weight < m->budget ? q->weight : m->budget))) &&
         !m->cancelled) {
    q->waiting = 1;
    pthread_cond_signal(&m->can_take); /* the consumer may wait on the items it holds */
    pthread_cond_wait(&m->can_put, &m->mu);
  }
  q->waiting = 0;
  if (m->cancelled) {
    pthread_mutex_unlock(&m->mu);
    return -1;
  }
  size_t at = (q->head + q->len++) % m->cap;
  q->keys[at] = key;
  q->items[at] = item;
  q->bytes[at] = bytes;
  q->weight += bytes;
  if (q->len == (m->cap < BATCH ? m->cap : BATCH)) pthread_cond_signal(&m->can_take);
  pthread_mutex_unlock(&m->mu);
  return 0;
}

void vg_merge_close(vg_merge *m, size_t producer) {
  pthread_mutex_lock(&m->mu);
  m->q[producer].closed = 1;
  pthread_cond_signal(&m->can_take);
  pthread_mutex_unlock(&m->mu);
}

void *vg_merge_take(vg_merge *m) {
  pthread_mutex_lock(&m->mu);
  for (;;) {
    size_t best = m->n;
    int waiting = 0; /* a producer that may still put a smaller key */
    for (size_t i = 0; i < m->n; i++) {
      queue *q = &m->q[i];
      if (q->len == 0) {
        if (!q->closed) waiting = 1;
        continue;
      }
      if (best == m->n || q->keys[q->head] < m->q[best].keys[m->q[best].head]) best = i;
    }
    if (!waiting && best < m->n) {
      queue *q = &m->q[best];
      void *item = q->items[q->head];
      q->weight -= q->bytes[q->head];
      q->head = (q->head + 1) % m->cap;
      q->len--;
      if (q->waiting && q->len <= m->cap / 2 && q->weight <= m->budget / 2)
        pthread_cond_broadcast(&m->can_put); /* its producer waits */
      pthread_mutex_unlock(&m->mu);
      return item;
    }
    if (!waiting) { /* every producer closed and empty */
      pthread_mutex_unlock(&m->mu);
      return NULL;
    }
    pthread_cond_wait(&m->can_take, &m->mu);
  }
}

void vg_merge_cancel(vg_merge *m) {
  pthread_mutex_lock(&m->mu);
  m->cancelled = 1;
  pthread_cond_broadcast(&m->can_put);
  pthread_mutex_unlock(&m->mu);
}

void vg_merge_free(vg_merge *m) {
  if (!m) return;
  for (size_t i = 0; m->q && i < m->n; i++) {
    free(m->q[i].keys);
    free(m->q[i].items);
    free(m->q[i].bytes);
  }
  free(m->q);
  pthread_mutex_destroy(&m->mu);
  pthread_cond_destroy(&m->can_take);
  pthread_cond_destroy(&m->can_put);
  free(m);
}
