/*
 * worker.h: one Lua state with a pipeline loaded in it. A worker loads the
 * pipeline file and every stage (each in its own environment, sandboxed
 * unless trusted), calls init, runs documents through the stages, and calls
 * finish. The pipeline logic (resolving stages, params, `use`, the return
 * protocol) is Lua code compiled into the binary (prelude.lua); this module
 * gives it the state, the limits and the way back to C.
 *
 * Ownership: vg_worker_process takes the document it is given; every
 * document handed to the outcome callback belongs to the callback. Strings
 * in an outcome are borrowed for the duration of the callback.
 */
#ifndef VG_WORKER_H
#define VG_WORKER_H

#include <jansson.h>
#include <stddef.h>

#include "doc.h"
#include "text.h"
#include "util.h"

typedef struct vg_worker vg_worker;

typedef struct vg_worker_opts {
  const char *pipeline;      /* the pipeline file; NULL for vigie test */
  const char *const *sets;   /* "K=V" or "STAGE.K=V", from --set */
  size_t nsets;
  vg_norm norm;              /* for text assigned by stages */
  int trust;                 /* the whole standard library */
  int index;                 /* ctx.worker */
  double timeout;            /* seconds a document may spend in one stage; 0: none */
  size_t lua_memory;         /* bytes the state may hold; 0: no limit */
  const char *trace;         /* --trace: the id of a document to follow, or NULL */
} vg_worker_opts;

typedef enum vg_outcome_kind {
  VG_OUT_KEPT,     /* doc goes to the outputs */
  VG_OUT_DROPPED,  /* stage dropped it: reason */
  VG_OUT_FAILED,   /* stage raised: reason is the message, detail the traceback */
  VG_OUT_ABORT,    /* stage raised with on_error = "abort" */
  VG_OUT_ERROR_KEPT /* stage raised with on_error = "keep": reported, doc goes on */
} vg_outcome_kind;

typedef struct vg_outcome {
  vg_outcome_kind kind;
  vg_doc *doc;         /* owned by the callback; NULL for VG_OUT_ERROR_KEPT */
  const char *doc_id;  /* the document's id (also for ERROR_KEPT) */
  const char *stage;   /* the stage that dropped or failed it */
  const char *reason;
  const char *detail;  /* a traceback, or NULL */
  const char *limit;   /* "timeout" or "memory" when a limit stopped the stage */
} vg_outcome;

typedef void (*vg_outcome_fn)(void *ud, const vg_outcome *o);

/* Loads the pipeline in a new state and (unless check_only) calls every
 * stage's init. On failure returns NULL and writes every problem found, one
 * per line, in err (owned by the caller, free it). */
vg_worker *vg_worker_new(const vg_worker_opts *opts, char **err);

/* How text assigned by stages is normalized (once the run knows). */
void vg_worker_set_norm(vg_worker *w, vg_norm norm);

/* What the pipeline file said (borrowed from the worker). */
const char *vg_worker_name(const vg_worker *w);
const char *vg_worker_normalize(const vg_worker *w); /* NULL when unset */
const char *vg_worker_output(const vg_worker *w);    /* resolved, or NULL */
size_t vg_worker_ninputs(const vg_worker *w);
const char *vg_worker_input(const vg_worker *w, size_t i); /* resolved */
size_t vg_worker_nstages(const vg_worker *w);
const char *vg_worker_stage_name(const vg_worker *w, size_t i);
const char *vg_worker_stage_origin(const vg_worker *w, size_t i); /* file or inline@ */
double vg_worker_stage_seconds(const vg_worker *w, size_t i);

/* Runs doc through the stages, calling fn for each outcome in order (a
 * split gives several). Returns 0, or -1 when the state had to be rebuilt
 * and could not be (err set): the worker is then unusable. */
int vg_worker_process(vg_worker *w, vg_doc *doc, vg_outcome_fn fn, void *ud,
                      char err[VG_ERRLEN]);

/* Runs the stage test file (SPEC section 7) in a worker made with no
 * pipeline; failing cases are printed on stdout. Returns 0 with the
 * counts, or -1 with a message (owned) when the file cannot run. */
int vg_worker_test(vg_worker *w, const char *file, int *passed, int *failed, char **err);

/* Calls every stage's finish; *counters gets {"stage": {"name": n}} (owned
 * by the caller) with the numbers they returned. Problems are returned as a
 * message (owned) or NULL. */
char *vg_worker_finish(vg_worker *w, json_t **counters);

void vg_worker_free(vg_worker *w); /* NULL does nothing */

/* The folder of the installed stage library. */
const char *vg_scripts_dir(void);

#endif
