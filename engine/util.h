/*
 * util.h: small helpers every module may use: a growable byte buffer,
 * formatted error messages kept on a handle, and checked string copies.
 * Nothing here allocates behind the caller's back: a vg_buf owns its bytes
 * and vg_buf_free releases them; functions that return char * return owned
 * memory that the caller frees.
 */
#ifndef VG_UTIL_H
#define VG_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define VG_ERRLEN 1024

/* A growable byte buffer. data is always NUL-terminated when non-NULL, so
 * it can be used as a C string when it holds text. */
typedef struct vg_buf {
  char *data;
  size_t len;
  size_t cap;
} vg_buf;

/* Make room for n more bytes (plus the NUL). Returns 0, or -1 when out of
 * memory (the buffer is left as it was). */
int vg_buf_reserve(vg_buf *b, size_t n);
int vg_buf_append(vg_buf *b, const void *p, size_t n);
int vg_buf_putc(vg_buf *b, char c);
int vg_buf_printf(vg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends n in decimal (what "%llu" gives, without printf's cost). */
int vg_buf_u64(vg_buf *b, uint64_t n);
void vg_buf_reset(vg_buf *b); /* len = 0, keeps the memory */
void vg_buf_free(vg_buf *b);  /* releases the memory; the buffer is empty */
/* Hands the bytes to the caller (owned, NUL-terminated, never NULL on
 * success) and leaves the buffer empty. NULL when out of memory. */
char *vg_buf_take(vg_buf *b);

/* strdup that returns NULL for NULL. Returns owned memory. */
char *vg_strdup(const char *s);
char *vg_strndup(const char *s, size_t n);
/* Formats into an owned string; NULL when out of memory. */
char *vg_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Formats a message into a fixed error slot (truncated to VG_ERRLEN). */
void vg_seterr(char *slot, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses a size with an optional K, M or G suffix (powers of 1024).
 * Returns 0, or -1 when s is not a size. */
int vg_parse_size(const char *s, uint64_t *out);
/* Formats n bytes for people: "812 B", "5.1 KB", "64 MB". Returns out. */
const char *vg_human_bytes(uint64_t n, char out[32]);

/* Seconds on a monotonic clock. */
double vg_now(void);

/* Bytes, 8 at a time: VG_LOAD8 reads 8 bytes at p (any alignment);
 * VG_HASLESS8(v, c) is nonzero when some byte of v is below c (c <= 0x80;
 * a byte of 0x80 or more never counts), VG_HASZERO8(v) when one is zero. */
#define VG_ONES8 0x0101010101010101ULL
#define VG_HIGH8 0x8080808080808080ULL
#define VG_HASLESS8(v, c) (((v) - VG_ONES8 * (c)) & ~(v) & VG_HIGH8)
#define VG_HASZERO8(v) VG_HASLESS8(v, 1)
static inline uint64_t vg_load8(const void *p) {
  uint64_t v;
  __builtin_memcpy(&v, p, 8);
  return v;
}

/* The n-byte (at most 8) little-endian number at p: zip headers. */
static inline uint64_t vg_le(const unsigned char *p, int n) {
  uint64_t v = 0;
  while (n--) v = v << 8 | p[n];
  return v;
}

#endif
