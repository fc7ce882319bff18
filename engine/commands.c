/*
 * commands.c: the subcommands other than `run`: check (load a pipeline and
 * report its problems), ls (what vigie would read), cat (the text stages
 * would see), stats (sum the --stats files of several runs).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "runner.h"
#include "summary.h"
#include "vigie.h"
#include "worker.h"

int vg_cmd_check(const char *pipeline, const char *const *sets, size_t nsets, int trust) {
  char *problems = NULL;
  vg_worker_opts wo = {pipeline, sets, nsets, VG_NORM_NFC, trust, 0, 0, 0, NULL};
  vg_worker *w = vg_worker_new(&wo, &problems);
  if (!w) {
    size_t n = 1;
    for (const char *p = problems; p && *p; p++) n += *p == '\n';
    fprintf(stderr, "vigie: %s: %zu problem%s\n%s\n", pipeline, n, n == 1 ? "" : "s",
            problems ? problems : "out of memory");
    free(problems);
    return VIGIE_EXIT_USAGE;
  }
  printf("%s: pipeline %s, %zu stage%s\n", pipeline, vg_worker_name(w), vg_worker_nstages(w),
         vg_worker_nstages(w) == 1 ? "" : "s");
  for (size_t i = 0; i < vg_worker_nstages(w); i++)
    printf("  %zu. %s (%s)\n", i + 1, vg_worker_stage_name(w, i), vg_worker_stage_origin(w, i));
  for (size_t i = 0; i < vg_worker_ninputs(w); i++) printf("  input: %s\n", vg_worker_input(w, i));
  if (vg_worker_output(w)) printf("  output: %s\n", vg_worker_output(w));
  printf("ok\n");
  vg_worker_free(w);
  return VIGIE_EXIT_OK;
}

/* Walks the inputs; for each entry calls fn (a negative return stops the
 * walk). Each input is read by a reader child, as vigie run reads them, so
 * that a decompressor or an extractor that hangs or crashes on a hostile
 * file costs that input only. Returns an exit status. */
typedef int (*entry_fn)(void *ud, const vg_entry *e, vg_buf *scratch);

#define WALK_INPUT_TIMEOUT 30 /* seconds: vigie run's default --input-timeout */

static int walk(const char *const *inputs, size_t n, const vg_input_opts *o, entry_fn fn,
                void *ud) {
  vg_buf scratch = {0};
  vg_entry e;
  int status = VIGIE_EXIT_OK, stop = 0;
  vg_install_signals();
  for (size_t k = 0; k < n && !stop && !vg_stop_requested; k++) {
    char err[VG_ERRLEN];
    vg_reader *in = vg_reader_new(inputs[k], o, WALK_INPUT_TIMEOUT, err);
    if (!in) {
      fprintf(stderr, "vigie: %s\n", err);
      status = VIGIE_EXIT_ABORTED;
      break;
    }
    vg_reader_set_stop(in, &vg_stop_requested);
    while (!stop && !vg_stop_requested && vg_reader_next(in, &e)) {
      if (e.kind == VG_ENTRY_ERROR) {
        fprintf(stderr, "vigie: %s: %s\n", e.id, e.reason);
        status = VIGIE_EXIT_FAILED;
      }
      stop = fn(ud, &e, &scratch) < 0;
    }
    vg_reader_free(in);
  }
  vg_reader_shutdown();
  vg_buf_free(&scratch);
  if (vg_stop_requested) return VIGIE_EXIT_INTERRUPTED;
  return status;
}

static int ls_entry(void *ud, const vg_entry *e, vg_buf *scratch) {
  (void)ud;
  const char *fmt = e->format ? e->format : e->kind == VG_ENTRY_DOC ? "text" : "-";
  if (e->kind == VG_ENTRY_ERROR) {
    printf("%s\t-\t%s\t-\terror: %s\n", e->id, fmt, e->reason);
  } else if (e->kind == VG_ENTRY_SKIP) {
    printf("%s\t-\t%s\t-\tskipped: %s\n", e->id, fmt, e->reason);
  } else if (vg_text_is_binary(e->data, e->size)) {
    printf("%s\t%zu\t-\t-\tskipped: binary\n", e->id, e->size);
  } else {
    vg_encoding enc;
    size_t replaced;
    if (vg_text_decode(e->data, e->size, scratch, &enc, &replaced)) return -1;
    printf("%s\t%llu\t%s\t%s\tok", e->id, (unsigned long long)e->raw, fmt, vg_encoding_name(enc));
    if (replaced) printf(" (%zu replaced)", replaced);
    if (e->reason) printf(" (%s)", e->reason);
    putchar('\n');
  }
  return fflush(stdout) ? -1 : 0;
}

int vg_cmd_ls(const char *const *inputs, size_t n, const vg_input_opts *o) {
  return walk(inputs, n, o, ls_entry, NULL);
}

typedef struct cat_state {
  const char *id;
  vg_norm norm;
  int found;
  vg_buf text;
} cat_state;

static int cat_entry(void *ud, const vg_entry *e, vg_buf *scratch) {
  cat_state *c = ud;
  if (e->kind != VG_ENTRY_DOC || vg_text_is_binary(e->data, e->size)) return 0;
  if (c->id && strcmp(c->id, e->id)) return 0;
  vg_doc *d = vg_entry_doc(e, c->norm, scratch);
  if (!d) return -1;
  c->found++;
  fwrite(d->text.data, 1, d->text.len, stdout);
  if (d->text.len && d->text.data[d->text.len - 1] != '\n') putchar('\n');
  vg_doc_free(d);
  return c->id ? -1 : 0; /* an id names one document: stop there */
}

int vg_cmd_cat(const char *const *inputs, size_t n, const vg_input_opts *o, const char *id,
               vg_norm norm) {
  cat_state c = {id, norm, 0, {0}};
  int status = walk(inputs, n, o, cat_entry, &c);
  if (id && !c.found) {
    fprintf(stderr, "vigie: no document with id %s (vigie ls lists them)\n", id);
    return VIGIE_EXIT_FAILED;
  }
  return status;
}

int vg_cmd_stats(const char *const *files, size_t n) {
  vg_summary s = {0};
  int status = VIGIE_EXIT_OK;
  for (size_t i = 0; i < n; i++) {
    json_error_t e;
    json_t *j = json_load_file(files[i], 0, &e);
    if (!j) {
      fprintf(stderr, "vigie: %s: %s\n", files[i], e.text);
      status = VIGIE_EXIT_FAILED;
      continue;
    }
    if (vg_summary_add_json(&s, j)) {
      fprintf(stderr, "vigie: %s: not a stats file of vigie run --stats\n", files[i]);
      status = VIGIE_EXIT_FAILED;
    }
    json_decref(j);
  }
  json_t *j = vg_summary_json(&s, NULL, NULL);
  char *out = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
  if (out) puts(out);
  free(out);
  json_decref(j);
  s.nstages = 0;
  s.workers = n;
  vg_summary_print(stderr, &s, files, n, NULL, NULL, NULL, NULL, 0);
  vg_summary_free(&s);
  return status;
}

int vg_cmd_test(const char *const *files, size_t n, int trust) {
  char *err = NULL;
  vg_worker_opts wo = {NULL, NULL, 0, VG_NORM_NFC, trust, 0, 10, 512u << 20, NULL};
  vg_worker *w = vg_worker_new(&wo, &err);
  if (!w) {
    fprintf(stderr, "vigie: %s\n", err ? err : "out of memory");
    free(err);
    return VIGIE_EXIT_USAGE;
  }
  int passed = 0, failed = 0, broken = 0;
  for (size_t i = 0; i < n; i++) {
    int p = 0, f = 0;
    if (vg_worker_test(w, files[i], &p, &f, &err)) {
      fprintf(stderr, "vigie: %s\n", err ? err : "out of memory");
      free(err);
      broken++;
      continue;
    }
    passed += p;
    failed += f;
  }
  vg_worker_free(w);
  printf("%d passed, %d failed\n", passed, failed);
  if (broken) return VIGIE_EXIT_USAGE;
  return failed ? VIGIE_EXIT_FAILED : VIGIE_EXIT_OK;
}
