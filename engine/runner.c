/*
 * runner.c: a run of a pipeline (vigie_run in include/vigie.h): options,
 * then the loop that reads entries, makes documents, passes them through
 * the worker, sends the outcomes to the writers and the summary, and
 * decides the exit status.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdatomic.h>
#include <xxhash.h>

#include "input_jsonl.h"
#include "extract.h"
#include "extract.h"
#include "hashset.h"
#include "json_out.h"
#include "merge.h"
#include "pool.h"
#include "reader.h"
#include "runner.h"
#include "summary.h"
#include "vigie.h"
#include "worker.h"
#include "writer.h"

/* The work pool holds up to POOL_ITEMS documents a worker, and up to
 * POOL_BYTES of them a worker (so does each worker's queue in the merge of
 * a shared zip): enough small documents that each thread runs for a while
 * between hand-offs (a window of 8 left -j 1 waiting a third of the time),
 * while memory stays bounded whatever the documents weigh. */
#define POOL_ITEMS 128
#define POOL_BYTES ((size_t)16 << 20)

volatile sig_atomic_t vg_stop_requested;

static void on_signal(int sig) {
  (void)sig;
  vg_stop_requested = 1;
}

void vg_install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART; /* a write in progress finishes its line */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

typedef struct strlist {
  char **v;
  size_t n, cap;
} strlist;

static int strlist_add(strlist *l, const char *s) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 4;
    char **p = realloc(l->v, cap * sizeof *p);
    if (!p) return -1;
    l->v = p;
    l->cap = cap;
  }
  if (!(l->v[l->n] = vg_strdup(s))) return -1;
  l->n++;
  return 0;
}

static void strlist_free(strlist *l) {
  for (size_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
  memset(l, 0, sizeof *l);
}

struct vigie_run {
  char *pipeline;
  strlist inputs, outputs, sets;
  char *format, *errors_path, *rejects_path, *stats_path, *trace;
  vg_norm norm;
  int norm_set;
  int force, fail_fast, no_text, trust, skip_existing, progress;
  uint64_t limit;
  vg_input_opts in;
  double input_timeout; /* --input-timeout: 0 reads in-process */
  double timeout;
  uint64_t lua_memory;
  unsigned shard_k, shard_n;
  int shard_by_input;
  int input_jsonl; /* --input-format jsonl */
  char err[VG_ERRLEN];

  size_t jobs;

  /* while running */
  vg_worker **workers; /* one per thread; workers[0] also answers questions */
  size_t nworkers;     /* slots in workers and scratch */
  vg_buf *scratch;     /* one per worker */
  vg_norm run_norm;
  vg_worker *worker;   /* workers[0] */
  vg_writer **writers;
  size_t nwriters;
  vg_writer *errors, *rejects;
  vg_summary sum;
  vg_hashset unique;   /* keys of doc:unique seen so far (collector) */
  int trace_seen;      /* --trace: the document was read */
  atomic_int aborted; /* --fail-fast, on_error = "abort", a write error */
  double t0, last_progress;
  uint64_t in_total;   /* bytes of all the inputs, when every one is a file (for the ETA) */
  uint64_t in_at;      /* how far into them the documents written so far came from */
  uint64_t read_inputs, read_entries;
  char abort_msg[VG_ERRLEN];
};

const char *vigie_version(void) { return VIGIE_VERSION; }

vigie_run *vigie_run_new(const char *pipeline) {
  vigie_run *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->pipeline = vg_strdup(pipeline);
  r->norm = VG_NORM_NFC;
  r->progress = -1;
  r->in.max_doc_bytes = 64ULL << 20;
  r->in.max_ratio = 200;
  r->in.max_depth = 4;
  r->timeout = 10;
  r->input_timeout = 30;
  r->lua_memory = 512ULL << 20;
  if (!r->pipeline) {
    free(r);
    return NULL;
  }
  return r;
}

const char *vigie_run_error(const vigie_run *r) { return r->err; }

static int parse_double(const char *s, double *out) {
  if (!s || !*s) return -1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || *end || !isfinite(v) || v < 0) return -1;
  *out = v;
  return 0;
}

static int parse_uint(const char *s, uint64_t *out) {
  if (!s || !*s || *s == '-') return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end) return -1;
  *out = v;
  return 0;
}

static int set_path(char **slot, const char *v) {
  free(*slot);
  *slot = vg_strdup(v);
  return *slot ? 0 : -1;
}

int vigie_run_option(vigie_run *r, const char *name, const char *v) {
  uint64_t u;
  double d;
#define IS(s) (strcmp(name, s) == 0)
#define BAD(what)                                                    \
  do {                                                               \
    vg_seterr(r->err, "--%s %s: expected %s", name, v ? v : "", what); \
    return -1;                                                       \
  } while (0)
  if (IS("output")) return strlist_add(&r->outputs, v);
  if (IS("set")) {
    if (!v || !strchr(v, '=')) BAD("K=V or STAGE.K=V");
    return strlist_add(&r->sets, v);
  }
  if (IS("format")) {
    if (vg_outfmt_parse(v) == VG_FMT_UNKNOWN) BAD(vg_outfmt_names);
    return set_path(&r->format, v);
  }
  if (IS("errors")) return set_path(&r->errors_path, v);
  if (IS("rejects")) return set_path(&r->rejects_path, v);
  if (IS("stats")) return set_path(&r->stats_path, v);
  if (IS("trace")) return set_path(&r->trace, v);
  if (IS("force")) return r->force = 1, 0;
  if (IS("fail-fast")) return r->fail_fast = 1, 0;
  if (IS("no-text")) return r->no_text = 1, 0;
  if (IS("trust")) return r->trust = 1, 0;
  if (IS("skip-existing")) return r->skip_existing = 1, 0;
  if (IS("progress")) return r->progress = 1, 0;
  if (IS("no-progress")) return r->progress = 0, 0;
  if (IS("normalize")) {
    if (vg_norm_parse(v, &r->norm)) BAD("NFC, NFKC, NFD, NFKD or none");
    r->norm_set = 1;
    return 0;
  }
  if (IS("input-format")) {
    if (!v || (strcmp(v, "archive") && strcmp(v, "jsonl"))) BAD("archive or jsonl");
    r->input_jsonl = !strcmp(v, "jsonl");
    return 0;
  }
  if (IS("jobs")) {
    if (parse_uint(v, &u) || u < 1 || u > 256) BAD("a number of worker threads from 1 to 256");
    r->jobs = (size_t)u;
    return 0;
  }
  if (IS("limit")) {
    if (parse_uint(v, &u)) BAD("a number of documents");
    r->limit = u;
    return 0;
  }
  if (IS("max-doc-bytes")) {
    if (vg_parse_size(v, &u) || u == 0) BAD("a size such as 64M");
    r->in.max_doc_bytes = u;
    return 0;
  }
  if (IS("lua-memory")) {
    if (vg_parse_size(v, &u) || u < (1 << 20)) BAD("a size of at least 1M, such as 512M");
    r->lua_memory = u;
    return 0;
  }
  if (IS("max-ratio")) {
    if (parse_double(v, &d) || d < 1) BAD("a ratio of at least 1, such as 200");
    r->in.max_ratio = d;
    return 0;
  }
  if (IS("max-depth")) {
    if (parse_uint(v, &u) || u > 64) BAD("a depth from 0 to 64");
    r->in.max_depth = (int)u;
    return 0;
  }
  if (IS("input-timeout")) {
    if (parse_double(v, &d)) BAD("seconds, such as 30 or 0.5 (0: read in-process, no limit)");
    r->input_timeout = d;
    /* one document's extraction ends (reported) before its input is abandoned */
    r->in.extract_seconds = d > 0 ? d * 2 / 3 : 0;
    return 0;
  }
  if (IS("formats")) {
    char err[VG_ERRLEN];
    if (!v || vg_format_parse_list(v, &r->in.formats, err)) {
      vg_seterr(r->err, "%s", err);
      return -1;
    }
    return 0;
  }
  if (IS("timeout")) {
    if (parse_double(v, &d) || d <= 0) BAD("seconds, such as 10 or 0.5");
    r->timeout = d;
    return 0;
  }
  if (IS("shard")) {
    unsigned k, n;
    char extra;
    if (!v || sscanf(v, "%u/%u%c", &k, &n, &extra) != 2 || n == 0 || k >= n)
      BAD("K/N with 0 <= K < N, such as 0/4");
    r->shard_k = k;
    r->shard_n = n;
    return 0;
  }
  if (IS("shard-by")) {
    if (!v || (strcmp(v, "doc") && strcmp(v, "input"))) BAD("doc or input");
    r->shard_by_input = !strcmp(v, "input");
    return 0;
  }
  vg_seterr(r->err, "unknown option --%s", name);
  return -1;
#undef IS
#undef BAD
}

int vigie_run_add_input(vigie_run *r, const char *path) {
  return strlist_add(&r->inputs, path);
}

void vigie_run_free(vigie_run *r) {
  if (!r) return;
  free(r->pipeline);
  strlist_free(&r->inputs);
  strlist_free(&r->outputs);
  strlist_free(&r->sets);
  free(r->format);
  free(r->errors_path);
  free(r->rejects_path);
  free(r->stats_path);
  free(r->trace);
  free(r);
}

/* ---- documents ---- */

vg_doc *vg_entry_doc(const vg_entry *e, vg_norm norm, vg_buf *scratch) {
  vg_doc *d = vg_doc_new(e->id, e->source, e->path);
  if (!d) return NULL;
  d->bytes = e->raw;
  d->mtime = e->mtime;
  d->has_mtime = e->has_mtime;
  int ready = vg_text_ready(e->data, e->size, norm); /* most texts: one pass, one copy */
  d->encoding = VG_ENC_UTF8;
  if ((e->format && vg_doc_set_format(d, e->format, e->meta, e->meta_len)) ||
      (ready ? vg_buf_append(&d->text, e->data, e->size)
             : vg_text_decode(e->data, e->size, scratch, &d->encoding, &d->replaced) ||
                   vg_text_normalize(scratch->data, scratch->len, norm, &d->text))) {
    vg_doc_free(d);
    return NULL;
  }
  return d;
}

/* Stops the run (any thread); the first reason given is the one told. */
static void abort_run(vigie_run *r, const char *fmt, const char *a, const char *b) {
  if (atomic_exchange(&r->aborted, 1)) return;
  snprintf(r->abort_msg, sizeof r->abort_msg, fmt, a, b);
}

/* The progress line on stderr: at most twice a second, and once at the
 * end (final) to clear it. Collector thread only. */
static void progress(vigie_run *r, int final) {
  if (!r->progress) return;
  double now = vg_now();
  if (!final && now - r->last_progress < 0.5) return;
  r->last_progress = now;
  if (final) {
    fputs("\r\033[K", stderr);
    return;
  }
  double secs = now - r->t0;
  char hb[32];
  fprintf(stderr, "\r\033[Kvigie: %llu documents, %s, %.1f MB/s, kept %llu, failed %llu",
          (unsigned long long)(r->sum.docs + r->sum.skipped), vg_human_bytes(r->sum.bytes, hb),
          secs > 0 ? (double)r->sum.bytes / 1048576.0 / secs : 0.0,
          (unsigned long long)r->sum.kept, (unsigned long long)r->sum.failed);
  if (r->in_total && r->in_at && secs >= 1) { /* the ETA: the rest at the pace so far */
    double left = secs * (double)(r->in_total - r->in_at) / (double)r->in_at + 0.5;
    fprintf(stderr, ", %.0f%%, ETA ", 100.0 * (double)r->in_at / (double)r->in_total);
    if (left >= 3600) fprintf(stderr, "%dh%02dm", (int)(left / 3600), (int)(left / 60) % 60);
    else fprintf(stderr, "%dm%02ds", (int)(left / 60), (int)left % 60);
  }
}

static void write_error(vigie_run *r, const char *id, const char *kind,
                        const char *stage, const char *reason) {
  char err[VG_ERRLEN];
  if (r->errors && vg_writer_error(r->errors, id, kind, stage, reason, err))
    abort_run(r, "%s%s", err, "");
}

/* Records a failure in the summary and the errors file. */
static void report_failure(vigie_run *r, const char *id, const char *kind,
                           const char *stage, const char *reason) {
  char key[VG_ERRLEN];
  snprintf(key, sizeof key, "%s\t%s", stage, reason);
  char *text = vg_asprintf("%s%s%s", strcmp(stage, "input") ? stage : "",
                           strcmp(stage, "input") ? ": " : "", reason);
  vg_summary_problem(&r->sum, key, id, text ? text : reason);
  free(text);
  write_error(r, id, kind, stage, reason);
}

/* 1 when the document (or input) id belongs to this shard. */
static int in_shard(const vigie_run *r, const char *id) {
  if (!r->shard_n) return 1;
  return XXH64(id, strlen(id), 0) % r->shard_n == r->shard_k;
}

static int file_exists(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0;
}

/* Opens the writers. Returns 0, or an exit status. */
static int open_outputs(vigie_run *r, const char *pipeline_output) {
  char err[VG_ERRLEN];
  strlist outs = {0};
  if (r->outputs.n) {
    for (size_t i = 0; i < r->outputs.n; i++) strlist_add(&outs, r->outputs.v[i]);
  } else {
    strlist_add(&outs, pipeline_output ? pipeline_output : "-");
  }
  r->writers = calloc(outs.n, sizeof *r->writers);
  int status = r->writers ? 0 : VIGIE_EXIT_ABORTED;
  /* every output checked (its format, a folder that is not empty) before
   * any is made: a usage error leaves nothing behind */
  unsigned flags = (r->no_text ? 0 : VG_WRITE_TEXT) | (r->force ? VG_WRITE_FORCE : 0);
  for (size_t i = 0; !status && i < outs.n; i++) {
    vg_outfmt fmt = r->format ? vg_outfmt_parse(r->format) : vg_outfmt_from_path(outs.v[i]);
    if (vg_writer_check(outs.v[i], fmt, flags, err)) {
      fprintf(stderr, "vigie: %s\n", err);
      status = VIGIE_EXIT_USAGE;
    }
    for (size_t j = 0; !status && j < i; j++)
      if (!strcmp(outs.v[i], outs.v[j])) {
        fprintf(stderr, "vigie: %s: given twice as an output\n", outs.v[i]);
        status = VIGIE_EXIT_USAGE;
      }
  }
  for (size_t i = 0; !status && i < outs.n; i++) {
    vg_outfmt fmt = r->format ? vg_outfmt_parse(r->format) : vg_outfmt_from_path(outs.v[i]);
    r->writers[i] = vg_writer_new(outs.v[i], fmt, flags, err);
    if (!r->writers[i]) {
      fprintf(stderr, "vigie: cannot write the output: %s\n", err);
      status = VIGIE_EXIT_ABORTED;
      break;
    }
    r->nwriters++;
  }
  if (!status && r->errors_path &&
      !(r->errors = vg_writer_open(r->errors_path, VG_FMT_JSONL, 1, err))) {
    fprintf(stderr, "vigie: cannot write --errors: %s\n", err);
    status = VIGIE_EXIT_ABORTED;
  }
  if (!status && r->rejects_path &&
      !(r->rejects = vg_writer_open(r->rejects_path, VG_FMT_JSONL, !r->no_text, err))) {
    fprintf(stderr, "vigie: cannot write --rejects: %s\n", err);
    status = VIGIE_EXIT_ABORTED;
  }
  strlist_free(&outs);
  return status;
}

/* Commits (or, for an aborted run, leaves at .partial) every output; adds
 * "path (N documents)" to written. Returns 0, or -1 when one failed. */
static int close_outputs(vigie_run *r, int keep, vg_buf *written) {
  char err[VG_ERRLEN];
  int bad = 0;
  for (size_t i = 0; i < r->nwriters; i++) {
    vg_writer *w = r->writers[i];
    int is_stdout = !strcmp(vg_writer_path(w), "-");
    if (!keep) {
      vg_writer_abort(w);
      if (!is_stdout)
        vg_buf_printf(written, "%s%s.partial (%zu %s, run not finished)",
                      written->len ? ", " : "", vg_writer_path(w), vg_writer_count(w),
                      vg_writer_unit(w));
    } else if (vg_writer_commit(w, err)) {
      fprintf(stderr, "vigie: cannot write the output: %s\n", err);
      bad = 1;
    } else if (!is_stdout) {
      vg_buf_printf(written, "%s%s (%zu %s)", written->len ? ", " : "",
                    vg_writer_path(w), vg_writer_count(w), vg_writer_unit(w));
    }
    vg_writer_free(w);
  }
  free(r->writers);
  r->writers = NULL;
  r->nwriters = 0;
  vg_writer *side[2] = {r->errors, r->rejects};
  for (int i = 0; i < 2; i++) {
    if (!side[i]) continue;
    if (vg_writer_commit(side[i], err)) {
      fprintf(stderr, "vigie: %s\n", err);
      bad = 1;
    } else {
      vg_buf_printf(written, "%s%s (%zu %s)", written->len ? ", " : "", vg_writer_path(side[i]),
                    vg_writer_count(side[i]), i == 0 ? "lines" : "documents");
    }
    vg_writer_free(side[i]);
  }
  r->errors = r->rejects = NULL;
  return bad ? -1 : 0;
}

static int write_stats(vigie_run *r, const char *const *names, const double *secs) {
  char err[VG_ERRLEN];
  json_t *j = vg_summary_json(&r->sum, names, secs);
  vg_buf b = {0};
  int rc = -1;
  if (j && !vg_json_value(&b, j) && !vg_buf_putc(&b, '\n')) {
    vg_writer *w = vg_writer_open(r->stats_path, VG_FMT_JSONL, 1, err);
    if (w && !vg_writer_raw(w, b.data, b.len, err) && !vg_writer_commit(w, err)) rc = 0;
    else fprintf(stderr, "vigie: cannot write --stats: %s\n", err);
    vg_writer_free(w);
  }
  json_decref(j);
  vg_buf_free(&b);
  return rc;
}

/* ---- the loop: reader (this thread) -> workers -> collector ---- */

/* What a worker made of one entry. Strings owned. */
typedef struct result {
  vg_outcome_kind kind;
  vg_doc *doc; /* owned until written */
  char *doc_id, *stage, *reason, *detail;
} result;

/* One entry on its way through the pool. */
typedef struct item {
  vg_entry_kind kind;
  char *id, *source, *path, *skip, *reason; /* reason of a DOC: a warning */
  const char *format; /* static: vg_format_name's */
  unsigned char *data;
  size_t size;
  uint64_t raw;
  char *meta;         /* vg_entry's meta */
  size_t meta_len;
  int64_t mtime;
  int has_mtime;
  uint64_t at;      /* where it came from in the run's inputs (progress) */
  vg_doc *doc;      /* a document read from JSONL, already made */
  int binary;       /* set by the worker */
  int oom;          /* the worker ran out of memory on it */
  int unstarted;    /* an interrupt came before a worker took it: dropped
                       unread, like what the reader had not read yet */
  int ends;         /* vg_entry's ends */
  result *res;
  size_t nres, capres;
  char werr[VG_ERRLEN]; /* a worker that cannot go on */
} item;

static void item_free(item *it) {
  for (size_t i = 0; i < it->nres; i++) {
    vg_doc_free(it->res[i].doc);
    free(it->res[i].doc_id);
    free(it->res[i].stage);
    free(it->res[i].reason);
    free(it->res[i].detail);
  }
  free(it->res);
  vg_doc_free(it->doc);
  free(it->id);
  free(it->source);
  free(it->path);
  free(it->skip);
  free(it->reason);
  free(it->data);
  free(it->meta);
  free(it);
}

/* A copy of the entry the reader lent us. NULL when out of memory. */
/* What an item weighs in the pool's budget: its bytes as read. */
static size_t item_bytes(const item *it) {
  return it ? it->size + (it->doc ? it->doc->text.len : 0) : 0;
}

static item *item_from_entry(const vg_entry *e) {
  item *it = calloc(1, sizeof *it);
  if (!it) return NULL;
  it->kind = e->kind;
  it->id = vg_strdup(e->id);
  it->source = vg_strdup(e->source);
  it->path = vg_strdup(e->path);
  it->skip = vg_strdup(e->skip);
  it->reason = vg_strdup(e->reason);
  it->size = e->size;
  it->raw = e->raw;
  it->mtime = e->mtime;
  it->has_mtime = e->has_mtime;
  it->ends = e->ends;
  if (e->format) it->format = vg_format_static(e->format);
  if (e->kind == VG_ENTRY_DOC) {
    it->data = malloc(e->size ? e->size : 1);
    if (it->data && e->size) memcpy(it->data, e->data, e->size);
    it->meta_len = e->meta_len;
    if (e->meta_len && (it->meta = malloc(e->meta_len))) memcpy(it->meta, e->meta, e->meta_len);
  }
  if (!it->id || (e->kind == VG_ENTRY_DOC && (!it->data || (e->meta_len && !it->meta)))) {
    item_free(it);
    return NULL;
  }
  return it;
}

/* Worker callback: keeps a copy of each outcome in the item. */
static void collect(void *ud, const vg_outcome *o) {
  item *it = ud;
  if (it->nres == it->capres) {
    size_t cap = it->capres ? it->capres * 2 : 2;
    result *p = realloc(it->res, cap * sizeof *p);
    if (!p) {
      it->oom = 1;
      vg_doc_free(o->doc);
      return;
    }
    it->res = p;
    it->capres = cap;
  }
  result *res = &it->res[it->nres++];
  res->kind = o->kind;
  res->doc = o->doc;
  res->doc_id = vg_strdup(o->doc_id ? o->doc_id : it->id);
  res->stage = vg_strdup(o->stage);
  res->reason = vg_strdup(o->reason);
  res->detail = vg_strdup(o->detail);
}

static void work(void *ctx, size_t w, void *p) {
  vigie_run *r = ctx;
  item *it = p;
  if (vg_stop_requested) { /* what is in flight finishes; what waits does not start */
    it->unstarted = 1;
    return;
  }
  if (it->kind != VG_ENTRY_DOC || atomic_load(&r->aborted)) return;
  if (it->doc) { /* from JSONL: normalize it like any text, unless flags point into it */
    vg_doc *d = it->doc;
    it->doc = NULL;
    vg_buf *tmp = &r->scratch[w];
    if (!d->nflags && !vg_text_normalize(d->text.data, d->text.len, r->run_norm, tmp)) {
      vg_buf swap = d->text;
      d->text = *tmp;
      *tmp = swap;
    }
    if (vg_worker_process(r->workers[w], d, collect, it, it->werr)) abort_run(r, "%s%s", it->werr, "");
    return;
  }
  if (vg_text_is_binary(it->data, it->size)) {
    it->binary = 1;
    return;
  }
  vg_entry e = {0};
  e.kind = VG_ENTRY_DOC;
  e.id = it->id;
  e.source = it->source;
  e.path = it->path;
  e.data = it->data;
  e.size = it->size;
  e.raw = it->raw;
  e.format = it->format;
  e.meta = it->meta;
  e.meta_len = it->meta_len;
  e.mtime = it->mtime;
  e.has_mtime = it->has_mtime;
  vg_doc *d = vg_entry_doc(&e, r->run_norm, &r->scratch[w]);
  free(it->data); /* the text is decoded: the raw bytes are not needed */
  it->data = NULL;
  if (!d) {
    it->oom = 1;
    return;
  }
  if (vg_worker_process(r->workers[w], d, collect, it, it->werr)) abort_run(r, "%s%s", it->werr, "");
}

/* The collector: everything that happened to one entry, in input order. */
static void done(void *ctx, void *p) {
  vigie_run *r = ctx;
  item *it = p;
  char err[VG_ERRLEN];
  if (it->unstarted) {
    item_free(it);
    return;
  }
  if (r->trace && !strcmp(it->id, r->trace)) r->trace_seen = 1;
  if (it->kind == VG_ENTRY_ERROR) {
    r->sum.input_errors++;
    report_failure(r, it->id, "failed", "input", it->reason);
  } else if (it->kind == VG_ENTRY_SKIP || it->binary) {
    const char *why = it->binary ? "binary" : it->skip;
    r->sum.skipped++;
    vg_counts_add(&r->sum.skipped_by, why, 1);
    write_error(r, it->id, "skipped", "input",
                it->binary ? "binary content (NUL bytes in the first 8 KiB)" : it->reason);
  } else if (it->oom) {
    abort_run(r, "%s: %s", it->id, "out of memory");
  } else if (it->nres || !atomic_load(&r->aborted)) {
    r->sum.docs++;
    r->sum.bytes += it->raw;
    if (it->reason) report_failure(r, it->id, "warning", "input", it->reason);
  }
  for (size_t i = 0; i < it->nres; i++) {
    result *o = &it->res[i];
    if (o->kind == VG_OUT_KEPT && o->doc->has_unique &&
        !vg_hashset_add(&r->unique, o->doc->unique[0], o->doc->unique[1])) {
      /* doc:unique: an earlier document (in input order) had the same key */
      o->kind = VG_OUT_DROPPED;
      free(o->stage);
      free(o->reason);
      o->stage = vg_strdup(o->doc->unique_stage);
      o->reason = vg_strdup("duplicate");
      if (!o->stage || !o->reason) {
        abort_run(r, "%s: %s", it->id, "out of memory");
        continue;
      }
    }
    switch (o->kind) {
      case VG_OUT_KEPT:
        r->sum.kept++;
        if (o->doc->nflags) r->sum.flagged_docs++;
        r->sum.flags += o->doc->nflags;
        for (size_t k = 0, run; k < o->doc->nflags; k += run) { /* a rule's run at once */
          const char *rule = o->doc->flags[k].rule;
          for (run = 1; k + run < o->doc->nflags && o->doc->flags[k + run].rule == rule;) run++;
          vg_counts_add(&r->sum.flags_by, rule, run);
        }
        for (size_t k = 0; k < r->nwriters && !atomic_load(&r->aborted); k++)
          if (vg_writer_doc(r->writers[k], o->doc, NULL, err)) abort_run(r, "%s%s", err, "");
        break;
      case VG_OUT_DROPPED: {
        r->sum.dropped++;
        char *key = strcmp(o->reason, o->stage) ? vg_asprintf("%s: %s", o->stage, o->reason)
                                                : vg_strdup(o->stage);
        if (key) vg_counts_add(&r->sum.dropped_by, key, 1);
        free(key);
        write_error(r, o->doc_id, "dropped", o->stage, o->reason);
        if (r->rejects && !atomic_load(&r->aborted) && vg_writer_doc(r->rejects, o->doc, o->reason, err))
          abort_run(r, "%s%s", err, "");
        break;
      }
      case VG_OUT_ABORT:
      case VG_OUT_FAILED:
        r->sum.failed++;
        vg_counts_add(&r->sum.failed_by, o->stage, 1);
        report_failure(r, o->doc_id, "failed", o->stage, o->reason);
        if (o->kind == VG_OUT_ABORT)
          abort_run(r, "stage %s asked to abort the run (on_error = \"abort\"): %s", o->stage,
                    o->reason);
        else if (r->fail_fast)
          abort_run(r, "--fail-fast: %s failed in stage %s", o->doc_id, o->stage);
        break;
      case VG_OUT_ERROR_KEPT:
        r->sum.errors_kept++;
        report_failure(r, o->doc_id, "error", o->stage, o->reason);
        break;
    }
  }
  if (it->at > r->in_at) r->in_at = it->at < r->in_total ? it->at : r->in_total;
  item_free(it);
  progress(r, 0);
}

/* An item for a document read from JSONL (doc taken), or for a line
 * that is not one (doc NULL, reason). NULL when out of memory. */
static item *item_from_jsonl(const char *input, vg_doc *doc, const char *where,
                             const char *reason) {
  item *it = calloc(1, sizeof *it);
  if (!it) {
    vg_doc_free(doc);
    return NULL;
  }
  it->kind = doc ? VG_ENTRY_DOC : VG_ENTRY_ERROR;
  it->doc = doc;
  it->id = vg_strdup(doc ? doc->id : where);
  it->source = vg_strdup(input);
  it->reason = vg_strdup(reason);
  it->size = it->raw = doc ? doc->bytes : 0;
  if (!it->id) {
    item_free(it);
    return NULL;
  }
  return it;
}

/* The documents of JSONL input k through the pool; returns how many were
 * taken (for --limit). */
static uint64_t read_jsonl(vigie_run *r, vg_pool *pool, const char *input, uint64_t taken) {
  char err[VG_ERRLEN];
  vg_jsonl *j = vg_jsonl_open(input, 2 * r->in.max_doc_bytes + 65536, err);
  r->read_inputs++;
  if (!j) {
    item *it = item_from_jsonl(input, NULL, input, err);
    if (!it || vg_pool_submit(pool, it, item_bytes(it))) abort_run(r, "%s: %s", input, "out of memory");
    return taken;
  }
  vg_doc *d;
  const char *where;
  int rc;
  while (!atomic_load(&r->aborted) && !vg_stop_requested && (!r->limit || taken < r->limit) &&
         (rc = vg_jsonl_next(j, &d, &where, err)) != 0) {
    r->read_entries++;
    if (rc > 0 && !r->shard_by_input && !in_shard(r, d->id)) {
      vg_doc_free(d);
      continue;
    }
    if (rc > 0) taken++;
    item *it = item_from_jsonl(input, rc > 0 ? d : NULL, where, rc > 0 ? NULL : err);
    if (!it || vg_pool_submit(pool, it, item_bytes(it))) {
      if (it) item_free(it);
      abort_run(r, "%s: %s", input, "out of memory");
      break;
    }
  }
  vg_jsonl_free(j);
  return taken;
}

/* ---- a zip on disk: every worker reads its share of the entries ---- */

/* One worker's share of a zip: entries i with i % jobs == w. */
typedef struct share {
  vigie_run *r;
  vg_merge *m;
  const char *path;
  uint64_t base;  /* bytes of the inputs before this one (progress) */
  size_t w;
  size_t inputs, entries;
  size_t unput; /* entries read, then not put: the merge was cancelled */
} share;

/* A worker thread: reads its entries, runs them through the stages, and
 * hands them to the merge keyed by (top-level entry, rank within it). */
static void *share_main(void *arg) {
  share *sh = arg;
  vigie_run *r = sh->r;
  vg_input_opts o = r->in;
  o.stride = (unsigned)r->jobs;
  o.stride_k = (unsigned)sh->w;
  char err[VG_ERRLEN];
  vg_reader *in = vg_reader_new(sh->path, &o, r->input_timeout, err);
  if (in) vg_reader_set_stop(in, &vg_stop_requested);
  uint64_t last = UINT64_MAX, rank = 0;
  size_t told = 0; /* entries worker 0 tells instead, not counted twice */
  vg_entry e;
  while (in && !atomic_load(&r->aborted) && !vg_stop_requested && vg_reader_next(in, &e)) {
    if (!r->shard_by_input && !in_shard(r, e.id)) continue;
    /* the archive as a whole (missing, unreadable) comes before its entry 0,
     * which is worker 0's: worker 0 tells it. (Damage met in another
     * worker's entries, or its reader's death, has that worker's top.) */
    if (sh->w > 0 && e.kind == VG_ENTRY_ERROR && e.top == 0) {
      told++;
      continue;
    }
    item *it = item_from_entry(&e);
    if (!it) {
      abort_run(r, "%s: %s", e.id, "out of memory");
      break;
    }
    it->at = sh->base + e.pos;
    size_t bytes = item_bytes(it);
    work(r, sh->w, it);
    rank = (uint64_t)e.top == last ? rank + 1 : 0;
    last = (uint64_t)e.top;
    if (vg_merge_put(sh->m, sh->w, (uint64_t)e.top << 24 | rank, it, bytes)) {
      item_free(it);
      sh->unput++;
      break;
    }
  }
  if (!in) abort_run(r, "%s%s", err, "");
  sh->inputs = in ? vg_reader_count_inputs(in) : 0;
  sh->entries = in ? vg_reader_count_entries(in) - told : 0;
  vg_reader_free(in);
  vg_merge_close(sh->m, sh->w);
  return NULL;
}

/* 1 when path is a zip file on disk, which each worker can open and read
 * its share of, skipping the others' entries without inflating them. */
static int shareable(const char *path) {
  struct stat sb;
  unsigned char sig[4];
  if (stat(path, &sb) || !S_ISREG(sb.st_mode)) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t n = fread(sig, 1, 4, f);
  fclose(f);
  return n == 4 && sig[0] == 'P' && sig[1] == 'K' && sig[2] == 3 && sig[3] == 4;
}

/* Reads a shareable zip with every worker; this thread collects, in entry
 * order. Returns the documents taken so far (for --limit). */
static uint64_t read_shared(vigie_run *r, const char *path, uint64_t base, uint64_t taken) {
  vg_merge *m = vg_merge_new(r->jobs, POOL_ITEMS, POOL_BYTES);
  share *sh = calloc(r->jobs, sizeof *sh);
  pthread_t *t = calloc(r->jobs, sizeof *t);
  size_t started = 0;
  if (m && sh && t) {
    for (; started < r->jobs; started++) {
      sh[started] = (share){r, m, path, base, started, 0, 0, 0};
      if (pthread_create(&t[started], NULL, share_main, &sh[started])) break;
    }
    for (size_t w = started; w < r->jobs; w++) vg_merge_close(m, w);
    item *it;
    int ended = 0;     /* an entry ended the archive: what other readers read past it */
    size_t past = 0;   /* is dropped (past of them), as one reader would not have read it */
    while ((it = vg_merge_take(m))) {
      if (ended || (r->limit && taken >= r->limit)) { /* past --limit: read, not counted */
        item_free(it);
        vg_merge_cancel(m);
        past += ended;
        continue;
      }
      if (it->kind != VG_ENTRY_ERROR) taken++;
      ended = it->ends;
      done(r, it);
      if (atomic_load(&r->aborted) || vg_stop_requested) vg_merge_cancel(m);
    }
    for (size_t w = 0; w < started; w++) pthread_join(t[w], NULL);
    for (size_t w = 0; ended && w < started; w++) past += sh[w].unput;
    for (size_t w = 0; w < started; w++) r->read_entries += sh[w].entries;
    r->read_entries -= past; /* the readers counted them */
  }
  if (started < r->jobs) abort_run(r, "%s%s", "cannot start the worker threads", "");
  r->read_inputs += started ? sh[0].inputs : 0;
  vg_merge_free(m);
  free(sh);
  free(t);
  return taken;
}

/* Every entry of every input through the pool (or, for a zip on disk and
 * more than one job, through workers that each read their share). */
/* The size of the file path; 0 when it is no regular file. */
static uint64_t file_size(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
}

static void run_inputs(vigie_run *r, const char *const *inputs, size_t ninputs) {
  uint64_t taken = 0, next = 0;
  vg_pool *pool = NULL;
  /* the ETA needs the total: known when every input is a file */
  r->in_total = 0;
  for (size_t k = 0; k < ninputs && !r->input_jsonl; k++) {
    uint64_t n = file_size(inputs[k]);
    r->in_total += n;
    if (!n) {
      r->in_total = 0;
      break;
    }
  }
  for (size_t k = 0; k < ninputs && !atomic_load(&r->aborted) && !vg_stop_requested; k++) {
    uint64_t base = next; /* bytes of the inputs before this one */
    next += r->in_total ? file_size(inputs[k]) : 0;
    if (r->shard_by_input && !in_shard(r, inputs[k])) continue;
    if (!r->input_jsonl && r->jobs > 1 && shareable(inputs[k])) {
      vg_pool_free(pool); /* what came before is written first */
      pool = NULL;
      taken = read_shared(r, inputs[k], base, taken);
      if (r->limit && taken >= r->limit) break;
      continue;
    }
    if (!pool && !(pool = vg_pool_new(r->jobs, POOL_ITEMS * r->jobs + 4, POOL_BYTES * r->jobs, work, done, r))) {
      abort_run(r, "%s%s", "cannot start the worker threads", "");
      break;
    }
    if (r->input_jsonl) {
      taken = read_jsonl(r, pool, inputs[k], taken);
      if (r->limit && taken >= r->limit) break;
      continue;
    }
    char err[VG_ERRLEN];
    vg_reader *in = vg_reader_new(inputs[k], &r->in, r->input_timeout, err);
    if (!in) {
      abort_run(r, "%s%s", err, "");
      break;
    }
    vg_reader_set_stop(in, &vg_stop_requested);
    vg_entry e;
    while (!atomic_load(&r->aborted) && !vg_stop_requested && (!r->limit || taken < r->limit) &&
           vg_reader_next(in, &e)) {
      if (!r->shard_by_input && !in_shard(r, e.id)) continue;
      if (e.kind != VG_ENTRY_ERROR) taken++;
      item *it = item_from_entry(&e);
      if (it) it->at = base + e.pos;
      if (!it || vg_pool_submit(pool, it, item_bytes(it))) {
        if (it) item_free(it);
        abort_run(r, "%s: %s", e.id, "out of memory");
        break;
      }
    }
    r->read_inputs += vg_reader_count_inputs(in);
    r->read_entries += vg_reader_count_entries(in);
    vg_reader_free(in);
    if (r->limit && taken >= r->limit) break;
  }
  vg_pool_free(pool);
  vg_reader_shutdown(); /* the reader children left idle */
  progress(r, 1);
}

/* Frees the workers and their scratch buffers. */
static void free_workers(vigie_run *r) {
  for (size_t i = 0; r->workers && i < r->nworkers; i++) {
    vg_worker_free(r->workers[i]);
    vg_buf_free(&r->scratch[i]);
  }
  r->nworkers = 0;
  free(r->workers);
  free(r->scratch);
  r->workers = NULL;
  r->scratch = NULL;
  r->worker = NULL;
}

/* Sums what a worker's finish() returned into total (numbers only). */
static void add_counters(json_t *total, json_t *add) {
  const char *stage, *k;
  json_t *c, *v;
  json_object_foreach(add, stage, c) {
    json_t *t = json_object_get(total, stage);
    if (!t) {
      json_object_set(total, stage, c);
      continue;
    }
    json_object_foreach(c, k, v) {
      json_t *old = json_object_get(t, k);
      if (!old) json_object_set(t, k, v);
      else if (json_is_integer(old) && json_is_integer(v))
        json_object_set_new(t, k, json_integer(json_integer_value(old) + json_integer_value(v)));
      else
        json_object_set_new(t, k, json_real(json_number_value(old) + json_number_value(v)));
    }
  }
}

/* Loads the pipeline in one worker per job (first, when given, is worker
 * 0 already loaded). Returns 0 or an exit status. */
static int start_workers(vigie_run *r, vg_worker *first) {
  char *problems = NULL;
  if (!r->jobs) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    r->jobs = n > 0 ? (size_t)n : 1;
  }
  r->workers = calloc(r->jobs, sizeof *r->workers);
  r->scratch = calloc(r->jobs, sizeof *r->scratch);
  if (!r->workers || !r->scratch) {
    vg_worker_free(first);
    return VIGIE_EXIT_ABORTED;
  }
  r->nworkers = r->jobs;
  r->workers[0] = first;
  for (size_t i = first ? 1 : 0; i < r->jobs; i++) {
    vg_worker_opts wo = {r->pipeline, (const char *const *)r->sets.v, r->sets.n, r->norm,
                         r->trust, (int)i, r->timeout, (size_t)r->lua_memory, r->trace};
    r->workers[i] = vg_worker_new(&wo, &problems);
    if (!r->workers[i]) {
      fprintf(stderr, "vigie: %s: the pipeline cannot run:\n%s\n", r->pipeline,
              problems ? problems : "out of memory");
      free(problems);
      return VIGIE_EXIT_USAGE;
    }
  }
  r->worker = r->workers[0];
  return 0;
}

int vigie_run_exec(vigie_run *r) {
  r->t0 = vg_now();
  /* the first worker tells what the pipeline says; the others load it after */
  size_t jobs = r->jobs;
  r->jobs = 1;
  int status = start_workers(r, NULL);
  r->jobs = jobs;
  if (status) {
    free_workers(r);
    return status;
  }
  vg_norm norm = r->norm;
  const char *pn = vg_worker_normalize(r->worker);
  if (!r->norm_set && pn && vg_norm_parse(pn, &norm)) {
    fprintf(stderr, "vigie: %s: normalize = \"%s\": expected NFC, NFKC, NFD, NFKD or none\n",
            r->pipeline, pn);
    free_workers(r);
    return VIGIE_EXIT_USAGE;
  }
  r->run_norm = norm;

  const char *const *inputs = (const char *const *)r->inputs.v;
  size_t ninputs = r->inputs.n;
  strlist pin = {0};
  if (!ninputs) {
    for (size_t i = 0; i < vg_worker_ninputs(r->worker); i++)
      strlist_add(&pin, vg_worker_input(r->worker, i));
    inputs = (const char *const *)pin.v;
    ninputs = pin.n;
  }
  strlist pout = {0};
  if (vg_worker_output(r->worker)) strlist_add(&pout, vg_worker_output(r->worker));
  if (!ninputs) {
    fprintf(stderr, "vigie: no input: give INPUT ... after the pipeline, or set `input` in %s\n",
            r->pipeline);
    status = VIGIE_EXIT_USAGE;
  } else if (r->skip_existing) {
    int all = 1;
    if (r->outputs.n)
      for (size_t i = 0; i < r->outputs.n; i++) all &= file_exists(r->outputs.v[i]);
    else
      all = pout.n && file_exists(pout.v[0]);
    if (all) {
      fprintf(stderr, "vigie: the output already exists (--skip-existing): nothing to do\n");
      status = -1;
    }
  }
  if (!status) {
    /* the other workers, now that the pipeline is known to load */
    vg_worker *first = r->worker;
    vg_buf_free(&r->scratch[0]);
    free(r->workers);
    free(r->scratch);
    r->workers = NULL;
    r->scratch = NULL;
    r->nworkers = 0;
    status = start_workers(r, first);
  }
  if (!status) {
    for (size_t i = 0; i < r->jobs; i++) vg_worker_set_norm(r->workers[i], norm);
    status = open_outputs(r, pout.n ? pout.v[0] : NULL);
    if (status) {
      vg_buf ignored = {0};
      close_outputs(r, 0, &ignored);
      vg_buf_free(&ignored);
    }
  }
  if (status) {
    free_workers(r);
    strlist_free(&pin);
    strlist_free(&pout);
    return status < 0 ? VIGIE_EXIT_OK : status;
  }
  vg_install_signals();
  if (r->progress < 0) r->progress = isatty(2);
  r->sum.pipeline_name = vg_worker_name(r->worker);
  r->sum.nstages = vg_worker_nstages(r->worker);
  r->sum.workers = r->jobs;

  run_inputs(r, inputs, ninputs);
  r->sum.inputs = r->read_inputs;
  r->sum.entries = r->read_entries;

  r->sum.stage_counters = json_object();
  for (size_t i = 0; i < r->jobs; i++) {
    json_t *c = NULL;
    char *fin = vg_worker_finish(r->workers[i], &c);
    if (fin) {
      fprintf(stderr, "vigie: %s\n", fin);
      free(fin);
    }
    if (c) add_counters(r->sum.stage_counters, c);
    json_decref(c);
  }
  size_t ns = vg_worker_nstages(r->worker);
  const char **names = calloc(ns + 1, sizeof *names);
  double *secs = calloc(ns + 1, sizeof *secs);
  for (size_t i = 0; names && secs && i < ns; i++) {
    names[i] = vg_worker_stage_name(r->worker, i);
    for (size_t w = 0; w < r->jobs; w++) secs[i] += vg_worker_stage_seconds(r->workers[w], i);
  }
  int aborted = atomic_load(&r->aborted);
  int interrupted = vg_stop_requested && !aborted;
  vg_buf written = {0};
  r->sum.seconds = vg_now() - r->t0;
  json_t *report = vg_summary_json(&r->sum, names, secs); /* the HTML report shows it */
  if (report) {
    json_object_set_new(report, "pipeline", json_string(r->pipeline));
    if (r->sum.pipeline_name) json_object_set_new(report, "name", json_string(r->sum.pipeline_name));
    for (size_t i = 0; i < r->nwriters; i++) vg_writer_set_summary(r->writers[i], report);
    json_decref(report);
  }
  if (close_outputs(r, !aborted && !interrupted, &written) && !aborted) {
    abort_run(r, "%s%s", "an output could not be written", "");
    aborted = 1;
  }
  r->sum.seconds = vg_now() - r->t0;
  if (r->trace && !r->trace_seen)
    fprintf(stderr, "vigie: --trace %s: no document has this id (vigie ls lists them)\n", r->trace);
  if (aborted) fprintf(stderr, "vigie: aborted: %s\n", r->abort_msg);
  if (interrupted) fprintf(stderr, "vigie: interrupted: the output is left as .partial\n");
  int color = isatty(2) && !getenv("NO_COLOR");
  vg_summary_print(stderr, &r->sum, inputs, ninputs, written.data, names, secs,
                   r->errors_path, color);
  if (r->stats_path && names && secs) write_stats(r, names, secs);
  vg_buf_free(&written);
  free(names);
  free(secs);
  if (interrupted) status = VIGIE_EXIT_INTERRUPTED;
  else if (aborted) status = VIGIE_EXIT_ABORTED;
  else if (r->sum.failed || r->sum.input_errors) status = VIGIE_EXIT_FAILED;
  else status = VIGIE_EXIT_OK;
  vg_summary_free(&r->sum);
  vg_hashset_free(&r->unique);
  free_workers(r);
  strlist_free(&pin);
  strlist_free(&pout);
  return status;
}
