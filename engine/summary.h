/*
 * summary.h: what a run did, counted as it goes, and told at the end: the
 * summary on stderr (SPEC section 1) and the --stats JSON, which `vigie
 * stats` sums across shards. Counters keyed by name (dropped by stage and
 * reason, failed by stage, skipped by reason, flags by rule) keep their
 * first-seen order.
 *
 * Ownership: the summary owns its keys (copied) and its JSON counters.
 */
#ifndef VG_SUMMARY_H
#define VG_SUMMARY_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

typedef struct vg_counts {
  char **keys;
  uint64_t *vals;
  size_t n, cap;
} vg_counts;

/* Adds by to key (copied). Returns 0, or -1 when out of memory. */
int vg_counts_add(vg_counts *c, const char *key, uint64_t by);
void vg_counts_free(vg_counts *c);

typedef struct vg_problem {
  char *key;     /* stage and message: what makes two problems the same */
  char *id;      /* the first document it happened to */
  char *text;    /* what to print */
  uint64_t count;
} vg_problem;

typedef struct vg_summary {
  uint64_t inputs, entries;
  uint64_t docs;     /* documents that went into the stages */
  uint64_t kept, dropped, failed, skipped;
  uint64_t input_errors; /* missing inputs, damaged archives */
  uint64_t errors_kept;  /* stage errors with on_error = "keep" */
  uint64_t flags, flagged_docs;
  uint64_t bytes;        /* raw bytes of the documents read */
  vg_counts dropped_by, failed_by, skipped_by, flags_by;
  vg_problem *problems;  /* distinct failures, in first-seen order */
  size_t nproblems, capproblems;
  json_t *stage_counters; /* {"stage": {"name": n}} from finish() */
  double seconds;
  /* for the header line */
  const char *pipeline_name;
  size_t nstages, workers;
} vg_summary;

/* Records a failure; returns 1 when it is the first of its kind (the caller
 * prints it then), 0 when it repeats one, -1 when out of memory. */
int vg_summary_problem(vg_summary *s, const char *key, const char *id,
                       const char *text);
/* Prints the summary. inputs: the inputs as given (for the header);
 * written: "flags.jsonl (39 documents)" lines, or NULL; stage_names and
 * stage_secs: time in each stage; errors_path: where --errors went. */
void vg_summary_print(FILE *f, const vg_summary *s, const char *const *inputs,
                      size_t ninputs, const char *written,
                      const char *const *stage_names, const double *stage_secs,
                      const char *errors_path, int color);
/* The summary as a JSON object (owned by the caller). */
json_t *vg_summary_json(const vg_summary *s, const char *const *stage_names,
                        const double *stage_secs);
/* Adds the counts of a --stats object into s (for `vigie stats`). Returns
 * 0, or -1 when j does not look like a stats file. */
int vg_summary_add_json(vg_summary *s, const json_t *j);
void vg_summary_free(vg_summary *s);

#endif
