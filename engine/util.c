/* util.c: see util.h. */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int vg_buf_reserve(vg_buf *b, size_t n) {
  if (b->len + n + 1 <= b->cap && b->data) return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + n + 1) {
    if (cap > SIZE_MAX / 2) return -1;
    cap *= 2;
  }
  char *p = realloc(b->data, cap);
  if (!p) return -1;
  b->data = p;
  b->cap = cap;
  return 0;
}

int vg_buf_append(vg_buf *b, const void *p, size_t n) {
  if (vg_buf_reserve(b, n)) return -1;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int vg_buf_putc(vg_buf *b, char c) {
  if (b->len + 2 > b->cap && vg_buf_reserve(b, 1)) return -1;
  b->data[b->len++] = c;
  b->data[b->len] = '\0';
  return 0;
}

int vg_buf_u64(vg_buf *b, uint64_t n) {
  char d[20];
  size_t k = sizeof d;
  do d[--k] = (char)('0' + n % 10);
  while ((n /= 10) != 0);
  return vg_buf_append(b, d + k, sizeof d - k);
}

int vg_buf_printf(vg_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || vg_buf_reserve(b, (size_t)n)) return -1;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

void vg_buf_reset(vg_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

void vg_buf_free(vg_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

char *vg_buf_take(vg_buf *b) {
  if (!b->data && vg_buf_reserve(b, 0)) return NULL;
  char *p = b->data;
  p[b->len] = '\0';
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}

char *vg_strdup(const char *s) { return s ? strdup(s) : NULL; }

char *vg_strndup(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *vg_asprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *p = malloc((size_t)n + 1);
  if (!p) return NULL;
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

void vg_seterr(char *slot, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(slot, VG_ERRLEN, fmt, ap);
  va_end(ap);
}

int vg_parse_size(const char *s, uint64_t *out) {
  if (!s || !*s) return -1;
  errno = 0;
  char *end;
  double v = strtod(s, &end);
  if (errno || end == s || v < 0) return -1;
  uint64_t mul = 1;
  switch (*end) {
    case '\0': break;
    case 'k': case 'K': mul = 1024ULL; end++; break;
    case 'm': case 'M': mul = 1024ULL * 1024; end++; break;
    case 'g': case 'G': mul = 1024ULL * 1024 * 1024; end++; break;
    default: return -1;
  }
  if (*end == 'B' || *end == 'b') end++;
  if (*end) return -1;
  double r = v * (double)mul;
  if (r > 9.0e18) return -1;
  *out = (uint64_t)r;
  return 0;
}

const char *vg_human_bytes(uint64_t n, char out[32]) {
  const char *unit[] = {"B", "KB", "MB", "GB", "TB"};
  double v = (double)n;
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    u++;
  }
  if (u == 0)
    snprintf(out, 32, "%llu B", (unsigned long long)n);
  else
    snprintf(out, 32, v < 10 ? "%.1f %s" : "%.0f %s", v, unit[u]);
  return out;
}

double vg_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
