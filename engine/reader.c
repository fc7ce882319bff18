/*
 * reader.c: see reader.h. The parent's side: starting children, sending
 * them inputs to read, reading their frames (reader_proto.h) under a
 * deadline, turning a hang or a death into an ERROR entry. The child's side
 * (vg_reader_child_main) is in reader_proto.c.
 *
 * Children are kept: one that finished an input cleanly goes back to a
 * pool of idle children and reads the next input asked of it, so a run
 * over many small inputs starts a child once per thread, not once per
 * input (starting one costs some milliseconds). A child that hung, died,
 * or was stopped in the middle of an input is killed and reaped.
 *
 * Progress: the deadline moves whenever a byte comes down the pipe, or the
 * child has read bytes from its input since the last look (/proc/PID/io,
 * rchar): a huge entry that is read through (and skipped, or drained under
 * --max-ratio) sends nothing for a long time, yet is no hang. A child that
 * neither reads nor writes for input_timeout seconds is killed.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ, pipe2, MSG_NOSIGNAL */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reader_proto.h"

extern char **environ;

/* Defined by the vigie command (cli.c); absent when the engine is linked
 * into another program, which has no `__reader` subcommand to start. */
extern int vg_cli_main(int argc, char **argv) __attribute__((weak));

#define PIPE_SIZE (1024 * 1024)       /* asked of the kernel; it may give less */
#define READ_AHEAD (256 * 1024)       /* bytes read at once beyond what a frame needs */
#define KEEP_BUF (16 * 1024 * 1024)   /* a larger frame buffer is released after use */
#define STOP_SLICE_MS 200             /* how often a wait looks at the stop flag */
#define REAP_GRACE 10.0               /* seconds a child may take to exit once told to */
#define START_GRACE 30.0              /* seconds a new child may take to start (valgrind...) */

/* A reader child. */
typedef struct child {
  pid_t pid; /* -1: none */
  int req;   /* its stdin: requests (a socket) */
  int fd;    /* its stdout: frames (a pipe) */
} child;

struct vg_reader {
  vg_input *in;        /* in-process mode; NULL with a child */
  char *path;
  vg_input_opts o;
  double timeout;
  child c;
  volatile sig_atomic_t *stop;
  vg_buf rb;           /* frames read: rb.data[pos..rb.len) not consumed yet */
  size_t pos, used;    /* used: bytes of the frame last yielded, at pos */
  vg_buf last;         /* id of the last entry, for messages */
  vg_buf reason;       /* of an entry the reader makes itself */
  uint64_t last_top;
  int have_top;
  unsigned long long rchar; /* the child's read bytes at the last look; 0 before its
                               HELLO for this input (starting up is no progress) */
  size_t nentries;
  int done;            /* no more entries */
  int clean;           /* the child sent END: it can read another input */
};

/* Idle children, shared by the threads of the process. */
static pthread_mutex_t idle_mu = PTHREAD_MUTEX_INITIALIZER;
static child *idle;
static size_t nidle, capidle;

/* Outcomes of fill. */
enum { FILL_OK, FILL_EOF, FILL_TIMEOUT, FILL_STOP, FILL_NOMEM };

/* ---- children ------------------------------------------------------------ */

/* The vigie binary's path: /proc/self/exe read (valgrind makes that the
 * program it runs, not itself), or /proc/self/exe when the file was
 * replaced or removed since (the link still opens the running one). */
static void self_exe(char out[4096]) {
  ssize_t n = readlink("/proc/self/exe", out, 4095);
  if (n <= 0 || n >= 4095) {
    strcpy(out, "/proc/self/exe");
    return;
  }
  out[n] = '\0';
  static const char del[] = " (deleted)";
  size_t dl = sizeof del - 1;
  if ((size_t)n > dl && !strcmp(out + n - dl, del)) strcpy(out, "/proc/self/exe");
}

/* Starts `vigie __reader` with its stdin on a new socket and its stdout on
 * a new pipe. Returns 0, or an errno value. */
static int spawn_child(child *c) {
  int p[2], s[2];
  if (pipe2(p, O_CLOEXEC)) return errno;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s)) {
    int err = errno;
    close(p[0]);
    close(p[1]);
    return err;
  }
  (void)fcntl(p[0], F_SETPIPE_SZ, PIPE_SIZE); /* a smaller pipe only costs speed */
  char exe[4096], a0[] = "vigie", a1[] = "__reader";
  char *argv[] = {a0, a1, NULL};
  self_exe(exe);
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  int err = posix_spawn_file_actions_init(&fa);
  if (!err && (err = posix_spawnattr_init(&at))) posix_spawn_file_actions_destroy(&fa);
  if (!err) {
    sigset_t none, def;
    sigemptyset(&none);
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE); /* the parent gone: the child ends */
    sigaddset(&def, SIGINT);
    sigaddset(&def, SIGTERM);
    err = posix_spawn_file_actions_adddup2(&fa, s[1], 0);
    if (!err) err = posix_spawn_file_actions_adddup2(&fa, p[1], 1);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    if (!err) err = posix_spawn_file_actions_addclosefrom_np(&fa, 3); /* the run's own files */
#endif
    if (!err) err = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (!err) err = posix_spawnattr_setsigmask(&at, &none);
    if (!err) err = posix_spawnattr_setsigdefault(&at, &def);
    if (!err) err = posix_spawn(&c->pid, exe, &fa, &at, argv, environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
  }
  close(p[1]);
  close(s[1]);
  if (err) {
    close(p[0]);
    close(s[0]);
    c->pid = -1;
    return err;
  }
  c->fd = p[0];
  c->req = s[0];
  int fl = fcntl(c->fd, F_GETFL);
  if (fl >= 0) (void)fcntl(c->fd, F_SETFL, fl | O_NONBLOCK);
  return 0;
}

/* Closes c's ends, killing it first when kill_it (else it exits when it
 * sees its stdin closed), and reaps it; one that has not ended REAP_GRACE
 * seconds later is killed. Returns its wait status, or -1. */
static int reap(child *c, int kill_it) {
  int st = -1;
  if (c->req >= 0) close(c->req);
  if (c->fd >= 0) close(c->fd);
  c->req = c->fd = -1;
  if (c->pid <= 0) return -1;
  if (kill_it) kill(c->pid, SIGKILL);
  double give_up = vg_now() + REAP_GRACE;
  struct timespec nap = {0, 1000000};
  for (;;) {
    pid_t w = waitpid(c->pid, &st, kill_it ? 0 : WNOHANG);
    if (w == c->pid) break;
    if (w < 0 && errno != EINTR) {
      st = -1;
      break;
    }
    if (w == 0) { /* still running: wait a little longer each time */
      if (vg_now() > give_up) {
        kill(c->pid, SIGKILL);
        kill_it = 1;
        continue;
      }
      nanosleep(&nap, NULL);
      if (nap.tv_nsec < 50000000) nap.tv_nsec *= 2;
    }
  }
  c->pid = -1;
  return st;
}

/* Takes an idle child into *c. Returns 0, or -1 when there is none. */
static int take_idle(child *c) {
  pthread_mutex_lock(&idle_mu);
  int ok = nidle > 0;
  if (ok) *c = idle[--nidle];
  pthread_mutex_unlock(&idle_mu);
  return ok ? 0 : -1;
}

/* Gives c back to the pool (or, when out of memory, ends it). */
static void put_idle(child *c) {
  pthread_mutex_lock(&idle_mu);
  if (nidle == capidle) {
    size_t cap = capidle ? capidle * 2 : 4;
    child *p = realloc(idle, cap * sizeof *p);
    if (p) {
      idle = p;
      capidle = cap;
    }
  }
  int kept = nidle < capidle;
  if (kept) idle[nidle++] = *c;
  pthread_mutex_unlock(&idle_mu);
  if (!kept) reap(c, 0);
  c->pid = -1;
  c->req = c->fd = -1;
}

/* Sends the request to read r->path. Returns 0, or -1 when the child is
 * gone. */
static int send_request(vg_reader *r) {
  vg_proto_req q;
  memset(&q, 0, sizeof q);
  q.magic = VG_PROTO_MAGIC;
  q.pathlen = (uint32_t)strlen(r->path);
  q.max_doc_bytes = r->o.max_doc_bytes;
  q.max_ratio = r->o.max_ratio;
  q.max_depth = r->o.max_depth;
  q.stride = r->o.stride;
  q.stride_k = r->o.stride_k;
  q.formats = r->o.formats;
  q.extract_seconds = r->o.extract_seconds;
  struct iovec v[2] = {{&q, sizeof q}, {r->path, q.pathlen}};
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_iov = v;
  m.msg_iovlen = 2;
  size_t want = sizeof q + q.pathlen, sent = 0;
  while (sent < want) { /* the child reads requests only when idle: the socket has room */
    ssize_t n = sendmsg(r->c.req, &m, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    sent += (size_t)n;
    while (m.msg_iovlen && (size_t)n >= m.msg_iov->iov_len) {
      n -= (ssize_t)m.msg_iov->iov_len;
      m.msg_iov++;
      m.msg_iovlen--;
    }
    if (m.msg_iovlen) {
      m.msg_iov->iov_base = (char *)m.msg_iov->iov_base + n;
      m.msg_iov->iov_len -= (size_t)n;
    }
  }
  return 0;
}

/* ---- waiting for bytes ------------------------------------------------- */

/* The child's rchar (bytes its read calls returned), or 0 when unknown. */
static unsigned long long child_rchar(pid_t pid) {
  char p[64], line[128];
  snprintf(p, sizeof p, "/proc/%ld/io", (long)pid);
  FILE *f = fopen(p, "re");
  unsigned long long v = 0;
  if (!f) return 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "rchar: %llu", &v) == 1) break;
  fclose(f);
  return v;
}

/* Seconds the child may go without progress: r->timeout, once it has
 * started on the input (its HELLO); more while it starts up. */
static double budget(const vg_reader *r) {
  return r->rchar || r->timeout > START_GRACE ? r->timeout : START_GRACE;
}

/* Reads until rb holds at least `need` bytes past pos. A deadline runs
 * from the last progress (a byte read, or the child's rchar grown).
 * Returns FILL_OK, FILL_EOF (the pipe closed first), FILL_TIMEOUT,
 * FILL_STOP (*r->stop was set) or FILL_NOMEM. */
static int fill(vg_reader *r, size_t need) {
  double deadline = vg_now() + budget(r);
  while (r->rb.len - r->pos < need) {
    size_t want = need - (r->rb.len - r->pos);
    if (r->pos && r->rb.cap - r->rb.len < want + READ_AHEAD) { /* the rest to the front */
      memmove(r->rb.data, r->rb.data + r->pos, r->rb.len - r->pos);
      r->rb.len -= r->pos;
      r->pos = 0;
    }
    if (vg_buf_reserve(&r->rb, want + READ_AHEAD)) return FILL_NOMEM;
    ssize_t n = read(r->c.fd, r->rb.data + r->rb.len, r->rb.cap - r->rb.len);
    if (n > 0) {
      r->rb.len += (size_t)n;
      deadline = vg_now() + budget(r);
      continue;
    }
    if (n == 0) return FILL_EOF;
    if (errno != EAGAIN && errno != EINTR) return FILL_EOF;
    for (;;) {
      if (r->stop && *r->stop) return FILL_STOP;
      double left = deadline - vg_now();
      if (left <= 0) {
        unsigned long long rc = r->rchar ? child_rchar(r->c.pid) : 0;
        if (rc == 0 || rc == r->rchar) return FILL_TIMEOUT;
        r->rchar = rc; /* still reading its input: not stuck */
        deadline = vg_now() + r->timeout;
        continue;
      }
      int ms = left > 3600 ? 3600000 : (int)ceil(left * 1000);
      if (r->stop && ms > STOP_SLICE_MS) ms = STOP_SLICE_MS;
      struct pollfd pf = {r->c.fd, POLLIN, 0};
      int pr = poll(&pf, 1, ms);
      if (pr > 0) break;
      if (pr < 0 && errno != EINTR) return FILL_EOF;
    }
  }
  return FILL_OK;
}

/* ---- entries ------------------------------------------------------------ */

/* Fills *e with an ERROR on the whole input (skip key, reason in
 * r->reason) and ends the reading. Returns 1. */
static int input_error(vg_reader *r, vg_entry *e, const char *key) {
  memset(e, 0, sizeof *e);
  e->kind = VG_ENTRY_ERROR;
  e->id = e->source = e->path = r->path;
  e->skip = key;
  e->reason = r->reason.data ? r->reason.data : key;
  /* after the last entry, so that an ordered merge keeps it in place */
  e->top = r->have_top ? r->last_top : r->o.stride > 1 ? r->o.stride_k : 0;
  r->done = 1;
  r->nentries++;
  return 1;
}

/* "after entry 3 (a.zip!c.txt)", or "before its first entry". */
static void say_where(vg_reader *r) {
  if (r->nentries)
    vg_buf_printf(&r->reason, "after entry %zu (%s)", r->nentries,
                  r->last.data ? r->last.data : "");
  else
    vg_buf_printf(&r->reason, "before its first entry");
}

/* "SIGSEGV" for 11: the signals a crashing decoder dies of. */
static const char *signame(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGPIPE: return "SIGPIPE";
    default: return "signal";
  }
}

/* The pipe ended before the input's END: an entry saying how the child
 * died. */
static int child_died(vg_reader *r, vg_entry *e) {
  int st = reap(&r->c, 0);
  vg_buf_reset(&r->reason);
  if (st >= 0 && WIFSIGNALED(st))
    vg_buf_printf(&r->reason, "the reader crashed (signal %d, %s) ", WTERMSIG(st),
                  signame(WTERMSIG(st)));
  else if (st >= 0 && WIFEXITED(st))
    vg_buf_printf(&r->reason, "the reader crashed (exit status %d) ", WEXITSTATUS(st));
  else
    vg_buf_printf(&r->reason, "the reader stopped ");
  say_where(r);
  vg_buf_printf(&r->reason, ": the rest of the input is not read");
  return input_error(r, e, "crashed");
}

/* The child sent something that is not a frame. */
static int bad_frame(vg_reader *r, vg_entry *e, const char *what) {
  reap(&r->c, 1);
  vg_buf_reset(&r->reason);
  vg_buf_printf(&r->reason, "the reader sent a bad frame (%s) ", what);
  say_where(r);
  return input_error(r, e, "crashed");
}

/* The next entry from the child; 0 at the input's end. */
static int next_frame(vg_reader *r, vg_entry *e) {
  vg_proto_hdr h;
  for (;;) {
    int f = fill(r, sizeof h);
    if (f == FILL_OK) {
      memcpy(&h, r->rb.data + r->pos, sizeof h);
      if (h.magic != VG_PROTO_MAGIC) return bad_frame(r, e, "header");
      if (h.kind == VG_PROTO_HELLO || h.kind == VG_PROTO_END) {
        if (h.nstr || h.size) return bad_frame(r, e, "mark");
        r->pos += sizeof h;
        if (h.kind == VG_PROTO_END) {
          r->done = r->clean = 1;
          return 0;
        }
        r->rchar = child_rchar(r->c.pid);
        if (!r->rchar) r->rchar = 1; /* /proc unreadable: reading never counts as progress */
        continue;
      }
      if (h.kind > VG_ENTRY_ERROR) return bad_frame(r, e, "kind");
      if (h.nstr > VG_PROTO_MAX_STR || h.nmeta > VG_PROTO_MAX_STR ||
          h.size > r->o.max_doc_bytes + 1)
        return bad_frame(r, e, "size");
      f = fill(r, sizeof h + h.nstr + h.nmeta + h.size);
    }
    if (f == FILL_OK) break;
    if (f == FILL_EOF) return child_died(r, e);
    reap(&r->c, 1);
    vg_buf_reset(&r->reason);
    if (f == FILL_STOP) {
      r->done = 1;
      return 0;
    }
    if (f == FILL_NOMEM) {
      vg_buf_printf(&r->reason, "out of memory");
      return input_error(r, e, "unreadable");
    }
    vg_buf_printf(&r->reason, "no progress for %g s ", budget(r));
    say_where(r);
    vg_buf_printf(&r->reason, ": abandoned (the decompressor hung?)");
    return input_error(r, e, "timeout");
  }
  /* the six strings, each NUL-terminated, the metadata, then the data */
  const char *s[VG_PROTO_NSTR];
  char *p = r->rb.data + r->pos + sizeof h, *end = p + h.nstr;
  for (int i = 0; i < VG_PROTO_NSTR; i++) {
    char *z = p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
    if (!z) return bad_frame(r, e, "strings");
    s[i] = h.null & (1u << i) ? NULL : p;
    p = z + 1;
  }
  if (p != end) return bad_frame(r, e, "strings");
  memset(e, 0, sizeof *e);
  e->kind = (vg_entry_kind)h.kind;
  e->id = s[0] ? s[0] : "";
  e->source = s[1] ? s[1] : r->path;
  e->path = s[2] ? s[2] : e->id;
  e->skip = s[3];
  e->reason = s[4];
  e->format = s[5];
  e->top = (size_t)h.top;
  e->pos = h.pos;
  e->mtime = h.mtime;
  e->has_mtime = h.has_mtime;
  e->ends = h.ends;
  if (e->kind == VG_ENTRY_DOC) {
    e->meta = h.nmeta ? end : NULL;
    e->meta_len = h.nmeta;
    e->data = (const unsigned char *)end + h.nmeta;
    e->size = (size_t)h.size;
    e->raw = h.raw;
  }
  r->used = sizeof h + h.nstr + h.nmeta + (size_t)h.size;
  r->last_top = h.top;
  r->have_top = 1;
  vg_buf_reset(&r->last);
  vg_buf_append(&r->last, e->id, strlen(e->id));
  r->nentries++;
  return 1;
}

/* ---- public --------------------------------------------------------------- */

vg_reader *vg_reader_new(const char *path, const vg_input_opts *o, double input_timeout,
                         char err[VG_ERRLEN]) {
  vg_reader *r = calloc(1, sizeof *r);
  if (!r || !(r->path = vg_strdup(path))) {
    free(r);
    vg_seterr(err, "out of memory");
    return NULL;
  }
  r->o = *o;
  r->timeout = input_timeout;
  r->c = (child){-1, -1, -1};
  if (!strcmp(path, "-") || input_timeout <= 0 || !vg_cli_main || strlen(path) > VG_PROTO_MAX_PATH) {
    r->in = vg_input_new((const char *const *)&r->path, 1, o);
    if (!r->in) {
      vg_reader_free(r);
      vg_seterr(err, "out of memory");
      return NULL;
    }
    return r;
  }
  /* an idle child, else a new one; an idle one may have died since */
  while (take_idle(&r->c) == 0) {
    if (send_request(r) == 0) return r;
    reap(&r->c, 1);
  }
  int e = spawn_child(&r->c);
  if (!e && send_request(r)) e = EPIPE;
  if (e) {
    vg_seterr(err, "cannot start a reader for %s: %s", path, strerror(e));
    vg_reader_free(r);
    return NULL;
  }
  return r;
}

void vg_reader_set_stop(vg_reader *r, volatile sig_atomic_t *stop) { r->stop = stop; }

int vg_reader_next(vg_reader *r, vg_entry *e) {
  if (r->in) return vg_input_next(r->in, e);
  r->pos += r->used;
  r->used = 0;
  if (r->pos == r->rb.len) {
    r->pos = 0;
    if (r->rb.cap > KEEP_BUF) vg_buf_free(&r->rb);
    else vg_buf_reset(&r->rb);
  }
  if (r->done || r->c.fd < 0) return 0;
  return next_frame(r, e);
}

size_t vg_reader_count_inputs(const vg_reader *r) {
  return r->in ? vg_input_count_inputs(r->in) : 1;
}

size_t vg_reader_count_entries(const vg_reader *r) {
  return r->in ? vg_input_count_entries(r->in) : r->nentries;
}

void vg_reader_free(vg_reader *r) {
  if (!r) return;
  if (r->c.pid > 0 && r->clean && r->pos + r->used == r->rb.len) put_idle(&r->c);
  else reap(&r->c, 1); /* stopped in the middle of an input: it cannot be reused */
  vg_input_free(r->in);
  vg_buf_free(&r->rb);
  vg_buf_free(&r->last);
  vg_buf_free(&r->reason);
  free(r->path);
  free(r);
}

void vg_reader_shutdown(void) {
  pthread_mutex_lock(&idle_mu);
  child *all = idle;
  size_t n = nidle;
  idle = NULL;
  nidle = capidle = 0;
  pthread_mutex_unlock(&idle_mu);
  for (size_t i = 0; i < n; i++) { /* all told first: they end together */
    close(all[i].req);
    all[i].req = -1;
  }
  for (size_t i = 0; i < n; i++) reap(&all[i], 0);
  free(all);
}
