/*
 * reader_proto.c: the child's side of reader.h. `vigie __reader` serves
 * the requests its parent sends on stdin (reader_proto.h): for each, it
 * reads the input with vg_input and writes each entry as one frame on
 * stdout, one writev per entry, between a HELLO and an END. It ignores
 * SIGINT and SIGTERM (the parent decides when it stops, and kills it), and
 * dies with its parent: a watchdog thread exits as soon as the request
 * socket is closed at the other end, even while the reading hangs.
 * (PR_SET_PDEATHSIG would not do: it fires when the parent's thread that
 * started the child ends, and children outlive those threads.)
 *
 * Test hook: with VIGIE_TEST_READER_CRASH=TEXT in the environment, the
 * child aborts when it is about to send an entry whose id contains TEXT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "reader.h"
#include "reader_proto.h"

/* Writes the iovecs whole on stdout, resuming after short writes. Returns
 * 0, or -1 when the pipe broke. */
static int write_all(struct iovec *v, int n) {
  while (n > 0) {
    ssize_t w = writev(1, v, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    while (n > 0 && (size_t)w >= v->iov_len) {
      w -= (ssize_t)v->iov_len;
      v++;
      n--;
    }
    if (n > 0) {
      v->iov_base = (char *)v->iov_base + w;
      v->iov_len -= (size_t)w;
    }
  }
  return 0;
}

/* Reads n bytes from stdin. Returns 0, 1 at the end before any byte, -1
 * on an error or an end within. */
static int read_all(void *p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(0, (char *)p + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return r == 0 && got == 0 ? 1 : -1;
    got += (size_t)r;
  }
  return 0;
}

/* A frame of kind HELLO or END. */
static int send_mark(uint8_t kind) {
  vg_proto_hdr h;
  memset(&h, 0, sizeof h);
  h.magic = VG_PROTO_MAGIC;
  h.kind = kind;
  struct iovec v = {&h, sizeof h};
  return write_all(&v, 1);
}

/* One entry as one frame; strs is scratch. Returns 0 or -1. */
static int send_entry(const vg_entry *e, vg_buf *strs) {
  const char *s[VG_PROTO_NSTR] = {e->id, e->source, e->path, e->skip, e->reason, e->format};
  vg_proto_hdr h;
  memset(&h, 0, sizeof h);
  h.magic = VG_PROTO_MAGIC;
  h.kind = (uint8_t)e->kind;
  h.has_mtime = (uint8_t)(e->has_mtime != 0);
  h.ends = (uint8_t)(e->ends != 0);
  h.top = (uint64_t)e->top;
  h.mtime = e->mtime;
  h.size = e->kind == VG_ENTRY_DOC ? (uint64_t)e->size : 0;
  h.raw = (uint64_t)e->raw;
  h.pos = e->pos;
  h.nmeta = e->kind == VG_ENTRY_DOC ? (uint32_t)e->meta_len : 0;
  vg_buf_reset(strs);
  for (int i = 0; i < VG_PROTO_NSTR; i++) {
    if (!s[i]) h.null |= (uint16_t)(1u << i);
    else if (vg_buf_append(strs, s[i], strlen(s[i]))) return -1;
    if (vg_buf_putc(strs, '\0')) return -1;
  }
  h.nstr = (uint32_t)strs->len;
  struct iovec v[4] = {{&h, sizeof h}, {strs->data, strs->len},
                       {(void *)e->meta, (size_t)h.nmeta}, {(void *)e->data, (size_t)h.size}};
  return write_all(v, 4);
}

/* Reads one input and sends its frames. Returns 0, or 3 when the pipe
 * broke or memory ran out. */
static int serve(const vg_proto_req *q, const char *path, const char *crash, vg_buf *strs) {
  vg_input_opts o = {q->max_doc_bytes, q->max_ratio,  q->max_depth,
                     q->stride,        q->stride_k,   q->formats, q->extract_seconds};
  vg_input *in = vg_input_new(&path, 1, &o);
  if (!in || send_mark(VG_PROTO_HELLO)) {
    vg_input_free(in);
    return 3;
  }
  vg_entry e;
  int status = 0;
  while (vg_input_next(in, &e)) {
    if (crash && strstr(e.id, crash)) abort();
    if (send_entry(&e, strs)) {
      status = 3;
      break;
    }
  }
  vg_input_free(in);
  return status ? status : send_mark(VG_PROTO_END) ? 3 : 0;
}

/* Ends the process when the parent closes its end of stdin: at the end of
 * the run, or when it died. */
static void *watchdog(void *arg) {
  (void)arg;
  struct pollfd p = {0, POLLRDHUP, 0};
  for (;;)
    if (poll(&p, 1, -1) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))) _exit(0);
}

int vg_reader_child_main(int argc, char **argv) {
  (void)argv;
  if (argc != 1 || isatty(0)) {
    fprintf(stderr, "vigie: __reader is vigie's own: it reads inputs for vigie run\n");
    return 2;
  }
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  /* libarchive turns each zip entry's DOS time into a time_t with mktime(),
   * and glibc stats /etc/localtime on every call while TZ is unset: two
   * system calls an entry. The same zone, named once. */
  if (!getenv("TZ")) setenv("TZ", ":/etc/localtime", 0);
  pthread_t wd;
  if (pthread_create(&wd, NULL, watchdog, NULL) == 0) pthread_detach(wd);
  const char *crash = getenv("VIGIE_TEST_READER_CRASH");
  if (crash && !*crash) crash = NULL;
  vg_buf strs = {0}, path = {0};
  int status = 0;
  for (;;) {
    vg_proto_req q;
    int r = read_all(&q, sizeof q);
    if (r == 1) break; /* the parent is done */
    if (r || q.magic != VG_PROTO_MAGIC || q.pathlen == 0 || q.pathlen > VG_PROTO_MAX_PATH) {
      status = 2;
      break;
    }
    vg_buf_reset(&path);
    if (vg_buf_reserve(&path, q.pathlen) || read_all(path.data, q.pathlen)) {
      status = 2;
      break;
    }
    path.len = q.pathlen;
    path.data[path.len] = '\0';
    if ((status = serve(&q, path.data, crash, &strs))) break;
  }
  vg_buf_free(&strs);
  vg_buf_free(&path);
  return status;
}
