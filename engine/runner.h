/*
 * runner.h: what the command line needs besides vigie_run (include/vigie.h):
 * the other subcommands (check, ls, cat, stats), the stop flag set by
 * signals, and turning an input entry into a document. The runner owns the
 * reader, the worker(s) and the writers of a run.
 */
#ifndef VG_RUNNER_H
#define VG_RUNNER_H

#include <signal.h>

#include "doc.h"
#include "input.h"
#include "text.h"
#include "util.h"

/* Set by SIGINT/SIGTERM: stop reading, finish what is in flight. */
extern volatile sig_atomic_t vg_stop_requested;
void vg_install_signals(void);

/* Makes the document of a DOC entry: decodes and normalizes its bytes
 * (scratch is a reusable buffer). NULL when out of memory. */
vg_doc *vg_entry_doc(const vg_entry *e, vg_norm norm, vg_buf *scratch);

/* vigie check: loads the pipeline and every stage; prints the problems.
 * Returns an exit status. */
int vg_cmd_check(const char *pipeline, const char *const *sets, size_t nsets, int trust);
/* vigie ls: id, bytes, encoding, status of every entry. */
int vg_cmd_ls(const char *const *inputs, size_t n, const vg_input_opts *o);
/* vigie cat: decoded, normalized text of every document (or of id). */
int vg_cmd_cat(const char *const *inputs, size_t n, const vg_input_opts *o,
               const char *id, vg_norm norm);
/* vigie test: runs stage test files; prints failures and "N passed, N
 * failed". */
int vg_cmd_test(const char *const *files, size_t n, int trust);
/* vigie stats: sums --stats files. */
int vg_cmd_stats(const char *const *files, size_t n);

#endif
