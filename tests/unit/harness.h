/*
 * harness.h: the tiny test harness shared by the unit tests. Each test file
 * defines test functions, lists them in main with RUN(name), and returns
 * DONE(). A failed CHECK prints file:line and the expression and marks the
 * test failed; the executable exits 1 when any check failed.
 */
#ifndef VG_HARNESS_H
#define VG_HARNESS_H

#include <stdio.h>
#include <string.h>

static int vg_t_failed, vg_t_checks, vg_t_tests;

#define CHECK(cond)                                                        \
  do {                                                                     \
    vg_t_checks++;                                                         \
    if (!(cond)) {                                                         \
      vg_t_failed++;                                                       \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                      \
  } while (0)

#define CHECK_STR(a, b)                                                    \
  do {                                                                     \
    const char *vg_a_ = (a), *vg_b_ = (b);                                 \
    vg_t_checks++;                                                         \
    if (!vg_a_ || !vg_b_ || strcmp(vg_a_, vg_b_) != 0) {                   \
      vg_t_failed++;                                                       \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__,  \
              __LINE__, #a, vg_a_ ? vg_a_ : "(null)", vg_b_ ? vg_b_ : "(null)"); \
    }                                                                      \
  } while (0)

#define CHECK_INT(a, b)                                                    \
  do {                                                                     \
    long long vg_a_ = (long long)(a), vg_b_ = (long long)(b);              \
    vg_t_checks++;                                                         \
    if (vg_a_ != vg_b_) {                                                  \
      vg_t_failed++;                                                       \
      fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__,      \
              __LINE__, #a, vg_a_, vg_b_);                                 \
    }                                                                      \
  } while (0)

#define RUN(fn)                                                            \
  do {                                                                     \
    int vg_before_ = vg_t_failed;                                          \
    vg_t_tests++;                                                          \
    fn();                                                                  \
    if (vg_t_failed != vg_before_) fprintf(stderr, "FAIL %s\n", #fn);      \
  } while (0)

#define DONE()                                                             \
  (printf("%d tests, %d checks, %d failed\n", vg_t_tests, vg_t_checks,      \
          vg_t_failed),                                                    \
   vg_t_failed ? 1 : 0)

#endif
