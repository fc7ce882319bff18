/*
 * runner.c: a run of a pipeline (vigie_run in include/vigie.h): options,
 * then the loop that reads entries, makes documents, passes them through
 * the worker, sends the outcomes to the writers and the summary, and
 * decides the exit status.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "json_out.h"
#include "runner.h"
#include "summary.h"
#include "vigie.h"
#include "worker.h"
#include "writer.h"

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
  char *format, *errors_path, *rejects_path, *stats_path;
  vg_norm norm;
  int norm_set;
  int force, fail_fast, no_text, trust, skip_existing, progress;
  uint64_t limit;
  vg_input_opts in;
  double timeout;
  uint64_t lua_memory;
  unsigned shard_k, shard_n;
  int shard_by_input;
  char err[VG_ERRLEN];

  /* while running */
  vg_worker *worker;
  vg_writer **writers;
  size_t nwriters;
  vg_writer *errors, *rejects;
  vg_summary sum;
  int aborted;       /* --fail-fast, on_error = "abort", a write error */
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
    if (vg_format_parse(v) == VG_FMT_UNKNOWN) BAD("jsonl");
    return set_path(&r->format, v);
  }
  if (IS("errors")) return set_path(&r->errors_path, v);
  if (IS("rejects")) return set_path(&r->rejects_path, v);
  if (IS("stats")) return set_path(&r->stats_path, v);
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
  free(r);
}

/* ---- documents ---- */

vg_doc *vg_entry_doc(const vg_entry *e, vg_norm norm, vg_buf *scratch) {
  vg_doc *d = vg_doc_new(e->id, e->source, e->path);
  if (!d) return NULL;
  d->bytes = e->size;
  d->mtime = e->mtime;
  d->has_mtime = e->has_mtime;
  if (vg_text_decode(e->data, e->size, scratch, &d->encoding, &d->replaced) ||
      vg_text_normalize(scratch->data, scratch->len, norm, &d->text)) {
    vg_doc_free(d);
    return NULL;
  }
  return d;
}

static void abort_run(vigie_run *r, const char *fmt, const char *a, const char *b) {
  if (r->aborted) return;
  r->aborted = 1;
  snprintf(r->abort_msg, sizeof r->abort_msg, fmt, a, b);
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

static void on_outcome(void *ud, const vg_outcome *o) {
  vigie_run *r = ud;
  char err[VG_ERRLEN];
  switch (o->kind) {
    case VG_OUT_KEPT:
      r->sum.kept++;
      if (o->doc->nflags) r->sum.flagged_docs++;
      r->sum.flags += o->doc->nflags;
      for (size_t i = 0; i < o->doc->nflags; i++)
        vg_counts_add(&r->sum.flags_by, o->doc->flags[i].rule, 1);
      for (size_t i = 0; i < r->nwriters && !r->aborted; i++)
        if (vg_writer_doc(r->writers[i], o->doc, NULL, err)) abort_run(r, "%s%s", err, "");
      break;
    case VG_OUT_DROPPED: {
      r->sum.dropped++;
      char *key = strcmp(o->reason, o->stage) ? vg_asprintf("%s: %s", o->stage, o->reason)
                                              : vg_strdup(o->stage);
      if (key) vg_counts_add(&r->sum.dropped_by, key, 1);
      free(key);
      write_error(r, o->doc_id, "dropped", o->stage, o->reason);
      if (r->rejects && vg_writer_doc(r->rejects, o->doc, o->reason, err))
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
  vg_doc_free(o->doc);
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
  for (size_t i = 0; !status && i < outs.n; i++) {
    vg_format fmt = r->format ? vg_format_parse(r->format) : vg_format_from_path(outs.v[i]);
    if (fmt == VG_FMT_UNKNOWN) {
      fprintf(stderr, "vigie: %s: no writer for this kind of file (known: .jsonl; "
              "or say --format jsonl)\n", outs.v[i]);
      status = VIGIE_EXIT_USAGE;
      break;
    }
    r->writers[i] = vg_writer_open(outs.v[i], fmt, !r->no_text, err);
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
        vg_buf_printf(written, "%s%s.partial (%zu documents, run not finished)",
                      written->len ? ", " : "", vg_writer_path(w), vg_writer_count(w));
    } else if (vg_writer_commit(w, err)) {
      fprintf(stderr, "vigie: cannot write the output: %s\n", err);
      bad = 1;
    } else if (!is_stdout) {
      vg_buf_printf(written, "%s%s (%zu documents)", written->len ? ", " : "",
                    vg_writer_path(w), vg_writer_count(w));
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

/* The loop: every entry of every input through the stages. */
static void run_inputs(vigie_run *r, const char *const *inputs, size_t ninputs, vg_norm norm) {
  vg_buf scratch = {0};
  char err[VG_ERRLEN];
  uint64_t taken = 0;
  for (size_t k = 0; k < ninputs && !r->aborted && !vg_stop_requested; k++) {
    if (r->shard_by_input && !in_shard(r, inputs[k])) continue;
    vg_input *in = vg_input_new(&inputs[k], 1, &r->in);
    if (!in) {
      abort_run(r, "%s%s", "out of memory", "");
      break;
    }
    vg_entry e;
    while (!r->aborted && !vg_stop_requested && (!r->limit || taken < r->limit) &&
           vg_input_next(in, &e)) {
      if (!r->shard_by_input && !in_shard(r, e.id)) continue;
      if (e.kind == VG_ENTRY_ERROR) {
        r->sum.input_errors++;
        report_failure(r, e.id, "failed", "input", e.reason);
        continue;
      }
      if (e.kind == VG_ENTRY_SKIP || vg_text_is_binary(e.data, e.size)) {
        const char *why = e.kind == VG_ENTRY_SKIP ? e.skip : "binary";
        r->sum.skipped++;
        vg_counts_add(&r->sum.skipped_by, why, 1);
        write_error(r, e.id, "skipped", "input",
                    e.kind == VG_ENTRY_SKIP ? e.reason
                                            : "binary content (NUL bytes in the first 8 KiB)");
        taken++;
        continue;
      }
      vg_doc *d = vg_entry_doc(&e, norm, &scratch);
      if (!d) {
        abort_run(r, "%s: %s", e.id, "out of memory");
        break;
      }
      r->sum.docs++;
      r->sum.bytes += e.size;
      taken++;
      if (vg_worker_process(r->worker, d, on_outcome, r, err)) abort_run(r, "%s%s", err, "");
    }
    r->sum.inputs += vg_input_count_inputs(in);
    r->sum.entries += vg_input_count_entries(in);
    vg_input_free(in);
    if (r->limit && taken >= r->limit) break;
  }
  vg_buf_free(&scratch);
}

int vigie_run_exec(vigie_run *r) {
  double t0 = vg_now();
  char *problems = NULL;
  vg_worker_opts wo = {r->pipeline, (const char *const *)r->sets.v, r->sets.n, r->norm,
                       r->trust, 0, r->timeout, (size_t)r->lua_memory};
  r->worker = vg_worker_new(&wo, &problems);
  if (!r->worker) {
    fprintf(stderr, "vigie: %s: the pipeline cannot run:\n%s\n", r->pipeline,
            problems ? problems : "out of memory");
    free(problems);
    return VIGIE_EXIT_USAGE;
  }
  vg_norm norm = r->norm;
  const char *pn = vg_worker_normalize(r->worker);
  if (!r->norm_set && pn && vg_norm_parse(pn, &norm)) {
    fprintf(stderr, "vigie: %s: normalize = \"%s\": expected NFC, NFKC, NFD, NFKD or none\n",
            r->pipeline, pn);
    vg_worker_free(r->worker);
    return VIGIE_EXIT_USAGE;
  }
  vg_worker_set_norm(r->worker, norm);

  const char *const *inputs = (const char *const *)r->inputs.v;
  size_t ninputs = r->inputs.n;
  const char **pin = NULL;
  if (!ninputs) {
    ninputs = vg_worker_ninputs(r->worker);
    pin = calloc(ninputs + 1, sizeof *pin);
    for (size_t i = 0; pin && i < ninputs; i++) pin[i] = vg_worker_input(r->worker, i);
    inputs = pin;
  }
  if (!ninputs) {
    fprintf(stderr, "vigie: no input: give INPUT ... after the pipeline, or set `input` in %s\n",
            r->pipeline);
    vg_worker_free(r->worker);
    free(pin);
    return VIGIE_EXIT_USAGE;
  }
  if (r->skip_existing) {
    int all = 1;
    const char *po = vg_worker_output(r->worker);
    if (r->outputs.n)
      for (size_t i = 0; i < r->outputs.n; i++) all &= file_exists(r->outputs.v[i]);
    else
      all = po && file_exists(po);
    if (all) {
      fprintf(stderr, "vigie: the output already exists (--skip-existing): nothing to do\n");
      vg_worker_free(r->worker);
      free(pin);
      return VIGIE_EXIT_OK;
    }
  }
  int status = open_outputs(r, vg_worker_output(r->worker));
  if (status) {
    vg_buf ignored = {0};
    close_outputs(r, 0, &ignored);
    vg_buf_free(&ignored);
    vg_worker_free(r->worker);
    free(pin);
    return status;
  }
  vg_install_signals();
  r->sum.pipeline_name = vg_worker_name(r->worker);
  r->sum.nstages = vg_worker_nstages(r->worker);
  r->sum.workers = 1;

  run_inputs(r, inputs, ninputs, norm);

  char *fin = vg_worker_finish(r->worker, &r->sum.stage_counters);
  if (fin) {
    fprintf(stderr, "vigie: %s\n", fin);
    free(fin);
  }
  size_t ns = vg_worker_nstages(r->worker);
  const char **names = calloc(ns + 1, sizeof *names);
  double *secs = calloc(ns + 1, sizeof *secs);
  for (size_t i = 0; names && secs && i < ns; i++) {
    names[i] = vg_worker_stage_name(r->worker, i);
    secs[i] = vg_worker_stage_seconds(r->worker, i);
  }
  int interrupted = vg_stop_requested && !r->aborted;
  vg_buf written = {0};
  if (close_outputs(r, !r->aborted && !interrupted, &written) && !r->aborted)
    abort_run(r, "%s%s", "an output could not be written", "");
  r->sum.seconds = vg_now() - t0;
  if (r->aborted) fprintf(stderr, "vigie: aborted: %s\n", r->abort_msg);
  if (interrupted) fprintf(stderr, "vigie: interrupted: the output is left as .partial\n");
  int color = isatty(2) && !getenv("NO_COLOR");
  vg_summary_print(stderr, &r->sum, inputs, ninputs, written.data, names, secs,
                   r->errors_path, color);
  if (r->stats_path && names && secs) write_stats(r, names, secs);
  vg_buf_free(&written);
  free(names);
  free(secs);
  if (interrupted) status = VIGIE_EXIT_INTERRUPTED;
  else if (r->aborted) status = VIGIE_EXIT_ABORTED;
  else if (r->sum.failed || r->sum.input_errors) status = VIGIE_EXIT_FAILED;
  else status = VIGIE_EXIT_OK;
  vg_summary_free(&r->sum);
  vg_worker_free(r->worker);
  r->worker = NULL;
  free(pin);
  return status;
}
