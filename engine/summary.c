/* summary.c: see summary.h. */
#define _POSIX_C_SOURCE 200809L
#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_PROBLEMS 1000 /* distinct failures remembered; more are counted */
#define SHOWN_PROBLEMS 5  /* printed in the summary */

int vg_counts_add(vg_counts *c, const char *key, uint64_t by) {
  for (size_t i = 0; i < c->n; i++)
    if (!strcmp(c->keys[i], key)) {
      c->vals[i] += by;
      return 0;
    }
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 8;
    char **k = realloc(c->keys, cap * sizeof *k);
    if (!k) return -1;
    c->keys = k;
    uint64_t *v = realloc(c->vals, cap * sizeof *v);
    if (!v) return -1;
    c->vals = v;
    c->cap = cap;
  }
  if (!(c->keys[c->n] = vg_strdup(key))) return -1;
  c->vals[c->n++] = by;
  return 0;
}

void vg_counts_free(vg_counts *c) {
  for (size_t i = 0; i < c->n; i++) free(c->keys[i]);
  free(c->keys);
  free(c->vals);
  memset(c, 0, sizeof *c);
}

int vg_summary_problem(vg_summary *s, const char *key, const char *id,
                       const char *text) {
  for (size_t i = 0; i < s->nproblems; i++)
    if (!strcmp(s->problems[i].key, key)) {
      s->problems[i].count++;
      return 0;
    }
  if (s->nproblems >= MAX_PROBLEMS) return 0;
  if (s->nproblems == s->capproblems) {
    size_t cap = s->capproblems ? s->capproblems * 2 : 8;
    vg_problem *p = realloc(s->problems, cap * sizeof *p);
    if (!p) return -1;
    s->problems = p;
    s->capproblems = cap;
  }
  vg_problem *p = &s->problems[s->nproblems];
  p->key = vg_strdup(key);
  p->id = vg_strdup(id);
  p->text = vg_strdup(text);
  p->count = 1;
  if (!p->key || !p->id || !p->text) {
    free(p->key);
    free(p->id);
    free(p->text);
    return -1;
  }
  s->nproblems++;
  return 1;
}

/* Sorts the indexes of c by count, largest first (stable). */
static void order_by_count(const vg_counts *c, size_t *idx) {
  for (size_t i = 0; i < c->n; i++) idx[i] = i;
  for (size_t i = 1; i < c->n; i++)
    for (size_t j = i; j > 0 && c->vals[idx[j]] > c->vals[idx[j - 1]]; j--) {
      size_t t = idx[j];
      idx[j] = idx[j - 1];
      idx[j - 1] = t;
    }
}

/* The look of the summary: labels right-aligned in a column, so that the
 * numbers start in the next one; color only when asked (a terminal, and
 * NO_COLOR unset: the caller decides). */
#define LABEL_WIDTH 10 /* "  problems" */
#define SHOWN_RULES 10 /* rules listed under flags; the rest are counted */
#define INLINE_KEYS 3  /* reasons written on the line of their count */

typedef struct style {
  const char *bold, *dim, *red, *green, *off;
} style;

static void label(FILE *f, const style *st, const char *name) {
  fprintf(f, "%s%*s%s ", st->dim, LABEL_WIDTH, name, st->off);
}

/* "kept 12", then the reasons: on the same line when they are few, else
 * one a line, the largest first. */
static void count_line(FILE *f, const style *st, const char *name, uint64_t n,
                       const vg_counts *by, const char *color) {
  label(f, st, name);
  fprintf(f, "%s%llu%s", n && *color ? color : "", (unsigned long long)n, n && *color ? st->off : "");
  if (!by->n) {
    fputc('\n', f);
    return;
  }
  size_t *idx = malloc(by->n * sizeof *idx);
  if (!idx || by->n <= INLINE_KEYS) {
    fputs(" (", f);
    for (size_t i = 0; i < by->n; i++)
      fprintf(f, "%s%s: %llu", i ? ", " : "", by->keys[i], (unsigned long long)by->vals[i]);
    fputs(")\n", f);
    free(idx);
    return;
  }
  fputc('\n', f);
  order_by_count(by, idx);
  for (size_t i = 0; i < by->n && i < SHOWN_PROBLEMS; i++)
    fprintf(f, "%*s %6llu  %s\n", LABEL_WIDTH, "", (unsigned long long)by->vals[idx[i]],
            by->keys[idx[i]]);
  if (by->n > SHOWN_PROBLEMS)
    fprintf(f, "%*s    ... and %zu more\n", LABEL_WIDTH, "", by->n - SHOWN_PROBLEMS);
  free(idx);
}

void vg_summary_print(FILE *f, const vg_summary *s, const char *const *inputs,
                      size_t ninputs, const char *written,
                      const char *const *stage_names, const double *stage_secs,
                      const char *errors_path, int color) {
  const style st = {color ? "\033[1m" : "", color ? "\033[2m" : "", color ? "\033[31m" : "",
                    color ? "\033[32m" : "", color ? "\033[0m" : ""};
  fprintf(f, "%svigie:%s %llu document%s from %llu input%s", st.bold, st.off,
          (unsigned long long)(s->docs + s->skipped), s->docs + s->skipped == 1 ? "" : "s",
          (unsigned long long)s->inputs, s->inputs == 1 ? "" : "s");
  if (ninputs) {
    fputs(" (", f);
    for (size_t i = 0; i < ninputs && i < 3; i++) fprintf(f, "%s%s", i ? ", " : "", inputs[i]);
    if (ninputs > 3) fprintf(f, ", and %zu more", ninputs - 3);
    fputc(')', f);
  }
  if (s->nstages || s->workers)
    fprintf(f, " through %zu stage%s, %zu worker%s", s->nstages, s->nstages == 1 ? "" : "s",
            s->workers, s->workers == 1 ? "" : "s");
  fputc('\n', f);
  count_line(f, &st, "kept", s->kept, &(vg_counts){0}, st.green);
  count_line(f, &st, "dropped", s->dropped, &s->dropped_by, "");
  count_line(f, &st, "failed", s->failed, &s->failed_by, st.red);
  count_line(f, &st, "skipped", s->skipped, &s->skipped_by, "");
  long long split = (long long)(s->kept + s->dropped + s->failed) - (long long)s->docs;
  if (split) {
    label(f, &st, "split");
    fprintf(f, "%lld more document%s than came in\n", split, split == 1 || split == -1 ? "" : "s");
  }
  if (s->input_errors) {
    label(f, &st, "unread");
    fprintf(f, "%s%llu%s (inputs, entries or lines that could not be read)\n", st.red,
            (unsigned long long)s->input_errors, st.off);
  }
  if (s->errors_kept) {
    label(f, &st, "stage errs");
    fprintf(f, "%llu, documents kept all the same (on_error = \"keep\")\n",
            (unsigned long long)s->errors_kept);
  }
  label(f, &st, "flags");
  fprintf(f, "%s%llu%s in %llu document%s\n", st.bold, (unsigned long long)s->flags, st.off,
          (unsigned long long)s->flagged_docs, s->flagged_docs == 1 ? "" : "s");
  if (s->flags_by.n) {
    size_t *idx = malloc(s->flags_by.n * sizeof *idx);
    if (idx) {
      size_t w = 0;
      order_by_count(&s->flags_by, idx);
      for (size_t i = 0; i < s->flags_by.n && i < SHOWN_RULES; i++)
        if (strlen(s->flags_by.keys[idx[i]]) > w) w = strlen(s->flags_by.keys[idx[i]]);
      for (size_t i = 0; i < s->flags_by.n && i < SHOWN_RULES; i++) {
        uint64_t v = s->flags_by.vals[idx[i]];
        fprintf(f, "%*s %-*s  %6llu  %3.0f%%\n", LABEL_WIDTH, "", (int)w, s->flags_by.keys[idx[i]],
                (unsigned long long)v, s->flags ? 100.0 * (double)v / (double)s->flags : 0.0);
      }
      if (s->flags_by.n > SHOWN_RULES)
        fprintf(f, "%*s ... and %zu more rules (all of them in --stats)\n", LABEL_WIDTH, "",
                s->flags_by.n - SHOWN_RULES);
      free(idx);
    }
  }
  if (s->nproblems) {
    uint64_t total = 0;
    for (size_t i = 0; i < s->nproblems; i++) total += s->problems[i].count;
    label(f, &st, "problems");
    fprintf(f, "%s%llu%s (", st.red, (unsigned long long)total, st.off);
    if (errors_path) fprintf(f, "every one of them in %s)\n", errors_path);
    else fputs("all of them with --errors PATH)\n", f);
    for (size_t i = 0; i < s->nproblems && i < SHOWN_PROBLEMS; i++) {
      const vg_problem *p = &s->problems[i];
      fprintf(f, "%*s %s: %s", LABEL_WIDTH, "", p->id, p->text);
      if (p->count > 1) fprintf(f, " (and %llu more like it)", (unsigned long long)p->count - 1);
      fputc('\n', f);
    }
    if (s->nproblems > SHOWN_PROBLEMS)
      fprintf(f, "%*s ... %zu more kinds\n", LABEL_WIDTH, "", s->nproblems - SHOWN_PROBLEMS);
  } else if (errors_path && (s->dropped || s->skipped || s->failed)) {
    label(f, &st, "errors");
    fprintf(f, "one line per document dropped, skipped or failed in %s\n", errors_path);
  }
  if (written && *written) {
    label(f, &st, "wrote");
    fprintf(f, "%s\n", written);
  }
  if (stage_names && s->nstages) {
    label(f, &st, "stages");
    for (size_t i = 0; i < s->nstages; i++)
      fprintf(f, "%s %.3f s%s", stage_names[i], stage_secs[i], i + 1 < s->nstages ? ", " : "");
    fputc('\n', f);
  }
  char hb[32];
  label(f, &st, "time");
  fprintf(f, "%.2f s, %s, %.1f MB/s\n", s->seconds, vg_human_bytes(s->bytes, hb),
          s->seconds > 0 ? (double)s->bytes / 1048576.0 / s->seconds : 0.0);
}

static json_t *counts_json(const vg_counts *c) {
  json_t *o = json_object();
  for (size_t i = 0; o && i < c->n; i++)
    json_object_set_new(o, c->keys[i], json_integer((json_int_t)c->vals[i]));
  return o;
}

json_t *vg_summary_json(const vg_summary *s, const char *const *stage_names,
                        const double *stage_secs) {
  json_t *j = json_object();
  if (!j) return NULL;
  json_object_set_new(j, "inputs", json_integer((json_int_t)s->inputs));
  json_object_set_new(j, "entries", json_integer((json_int_t)s->entries));
  json_object_set_new(j, "documents", json_integer((json_int_t)s->docs));
  json_object_set_new(j, "kept", json_integer((json_int_t)s->kept));
  json_object_set_new(j, "dropped", json_integer((json_int_t)s->dropped));
  json_object_set_new(j, "failed", json_integer((json_int_t)s->failed));
  json_object_set_new(j, "skipped", json_integer((json_int_t)s->skipped));
  json_object_set_new(j, "input_errors", json_integer((json_int_t)s->input_errors));
  json_object_set_new(j, "errors_kept", json_integer((json_int_t)s->errors_kept));
  json_object_set_new(j, "flags", json_integer((json_int_t)s->flags));
  json_object_set_new(j, "flagged_documents", json_integer((json_int_t)s->flagged_docs));
  json_object_set_new(j, "bytes", json_integer((json_int_t)s->bytes));
  json_object_set_new(j, "dropped_by", counts_json(&s->dropped_by));
  json_object_set_new(j, "failed_by", counts_json(&s->failed_by));
  json_object_set_new(j, "skipped_by", counts_json(&s->skipped_by));
  json_object_set_new(j, "flags_by_rule", counts_json(&s->flags_by));
  json_t *st = json_object();
  for (size_t i = 0; st && stage_names && i < s->nstages; i++)
    json_object_set_new(st, stage_names[i], json_real(stage_secs[i]));
  json_object_set_new(j, "stage_seconds", st);
  json_object_set_new(j, "stage_counters",
                      s->stage_counters ? json_incref(s->stage_counters) : json_object());
  json_object_set_new(j, "seconds", json_real(s->seconds));
  return j;
}

static int add_counts(vg_counts *c, const json_t *o) {
  const char *k;
  json_t *v;
  if (!json_is_object(o)) return -1;
  json_object_foreach((json_t *)o, k, v) {
    if (!json_is_integer(v) || vg_counts_add(c, k, (uint64_t)json_integer_value(v))) return -1;
  }
  return 0;
}

int vg_summary_add_json(vg_summary *s, const json_t *j) {
  struct { const char *k; uint64_t *v; } nums[] = {
      {"inputs", &s->inputs},   {"entries", &s->entries},   {"documents", &s->docs},
      {"kept", &s->kept},       {"dropped", &s->dropped},   {"failed", &s->failed},
      {"skipped", &s->skipped}, {"input_errors", &s->input_errors},
      {"errors_kept", &s->errors_kept}, {"flags", &s->flags},
      {"flagged_documents", &s->flagged_docs}, {"bytes", &s->bytes}};
  if (!json_is_object(j)) return -1;
  for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
    json_t *v = json_object_get(j, nums[i].k);
    if (!json_is_integer(v)) return -1;
    *nums[i].v += (uint64_t)json_integer_value(v);
  }
  if (add_counts(&s->dropped_by, json_object_get(j, "dropped_by")) ||
      add_counts(&s->failed_by, json_object_get(j, "failed_by")) ||
      add_counts(&s->skipped_by, json_object_get(j, "skipped_by")) ||
      add_counts(&s->flags_by, json_object_get(j, "flags_by_rule")))
    return -1;
  json_t *sec = json_object_get(j, "seconds");
  if (json_is_number(sec) && json_number_value(sec) > s->seconds)
    s->seconds = json_number_value(sec); /* shards run side by side */
  return 0;
}

void vg_summary_free(vg_summary *s) {
  vg_counts_free(&s->dropped_by);
  vg_counts_free(&s->failed_by);
  vg_counts_free(&s->skipped_by);
  vg_counts_free(&s->flags_by);
  for (size_t i = 0; i < s->nproblems; i++) {
    free(s->problems[i].key);
    free(s->problems[i].id);
    free(s->problems[i].text);
  }
  free(s->problems);
  json_decref(s->stage_counters);
  memset(s, 0, sizeof *s);
}
