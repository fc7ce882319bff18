/*
 * vigie.h: the public interface of the vigie engine. A vigie_run is one run
 * of a pipeline over inputs, set up with the same options as the command
 * line (`vigie run`), then executed. Everything else (readers, the Lua
 * bridge, writers) is private to the engine.
 *
 * Ownership: strings passed in are copied. vigie_run_error returns a string
 * borrowed from the run, valid until the next call on it.
 */
#ifndef VIGIE_H
#define VIGIE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Exit statuses of a run (SPEC section 1). */
enum {
  VIGIE_EXIT_OK = 0,          /* every document went through */
  VIGIE_EXIT_FAILED = 1,      /* finished, but inputs, entries or documents failed */
  VIGIE_EXIT_USAGE = 2,       /* usage or pipeline error: nothing processed */
  VIGIE_EXIT_ABORTED = 3,     /* output could not be written, --fail-fast hit */
  VIGIE_EXIT_INTERRUPTED = 130 /* SIGINT or SIGTERM */
};

typedef struct vigie_run vigie_run;

const char *vigie_version(void);

/* A run of the pipeline file at path. NULL when out of memory. */
vigie_run *vigie_run_new(const char *pipeline);
/* Sets an option by its long name without dashes ("output", "max-doc-bytes",
 * "no-text"...), value NULL for those that take none. Returns 0, or -1 with
 * a message in vigie_run_error. */
int vigie_run_option(vigie_run *r, const char *name, const char *value);
/* Adds an input (an archive, a compressed file, a directory, a file, "-"). */
int vigie_run_add_input(vigie_run *r, const char *path);
/* Runs: reads, processes, writes, prints the summary on stderr. Returns one
 * of the exit statuses. */
int vigie_run_exec(vigie_run *r);
const char *vigie_run_error(const vigie_run *r);
void vigie_run_free(vigie_run *r); /* NULL does nothing */

#ifdef __cplusplus
}
#endif

#endif
