/*
 * write_dir.c: the folder writer, and the safe, unique names of documents
 * that the folder and archive writers share (writer_internal.h).
 *
 * The folder is written as a sibling, PATH.partial, made fresh by this
 * writer, and renamed to PATH when the run ends well, as files are: a
 * folder at PATH is never half-written, and an aborted run leaves
 * PATH.partial. With --force, a folder already at PATH is swapped with the
 * new one (renameat2 RENAME_EXCHANGE, or two renames where the file system
 * cannot swap) and then removed, without following any link inside it.
 * Inside PATH.partial every folder is made with mkdirat and opened with
 * O_NOFOLLOW | O_DIRECTORY, and every file is made with O_CREAT | O_EXCL |
 * O_NOFOLLOW relative to its folder, so nothing is written through a link
 * or outside the output.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "json_out.h"
#include "writer_internal.h"

#define MAX_PART 240   /* bytes of one part of a name (file systems: 255) */
#define TOLD_UNSAFE 10 /* unsafe names reported one by one, per output */
#define SIDECAR ".vigie.json"

/* ---- the set of names given out ---- */

static void name_key(char kind, const char *s, size_t n, uint64_t key[2]) {
  XXH128_hash_t h = XXH3_128bits_withSeed(s, n, (XXH64_hash_t)(unsigned char)kind);
  key[0] = h.low64;
  key[1] = h.high64;
  if (!key[0] && !key[1]) key[0] = 1; /* (0, 0) marks an empty slot */
}

/* The slot of key: where it is, or the empty slot where it would go. */
static uint64_t *slot_of(uint64_t *slots, size_t cap, const uint64_t key[2]) {
  size_t i = (size_t)(key[0] ^ (key[1] >> 7)) & (cap - 1);
  for (;;) {
    uint64_t *s = &slots[2 * i];
    if ((s[0] == 0 && s[1] == 0) || (s[0] == key[0] && s[1] == key[1])) return s;
    i = (i + 1) & (cap - 1);
  }
}

/* kind 'F' a file, 'D' a folder. */
static int taken(const vg_namer *n, char kind, const char *s, size_t len) {
  uint64_t key[2];
  if (!n->cap) return 0;
  name_key(kind, s, len, key);
  const uint64_t *slot = slot_of(n->slots, n->cap, key);
  return slot[0] != 0 || slot[1] != 0;
}

static int take(vg_namer *n, char kind, const char *s, size_t len) {
  uint64_t key[2];
  if (2 * (n->count + 1) > n->cap) {
    size_t cap = n->cap ? 2 * n->cap : 1024;
    uint64_t *slots = calloc(cap, 2 * sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < n->cap; i++)
      if (n->slots[2 * i] || n->slots[2 * i + 1])
        memcpy(slot_of(slots, cap, &n->slots[2 * i]), &n->slots[2 * i], 2 * sizeof *slots);
    free(n->slots);
    n->slots = slots;
    n->cap = cap;
  }
  name_key(kind, s, len, key);
  uint64_t *slot = slot_of(n->slots, n->cap, key);
  if (slot[0] == 0 && slot[1] == 0) {
    slot[0] = key[0];
    slot[1] = key[1];
    n->count++;
  }
  return 0;
}

void vg_namer_free(vg_namer *n) {
  free(n->slots);
  memset(n, 0, sizeof *n);
}

/* ---- safe parts ---- */

/* Appends the safe form of the part s[0..n) to out; first: the part opens
 * an entry name (a drive letter may stand there). Returns 1 when the part
 * had to change, 0 when it is written as it is, -1 when out of memory. An
 * empty part, ".", and so on are left out (they change the name too). */
static int safe_part(vg_buf *out, const char *s, size_t n, int first) {
  int changed = 0;
  if (n == 0 || (n == 1 && s[0] == '.')) return 1;
  if (out->len && vg_buf_putc(out, '/')) return -1;
  if (n == 2 && s[0] == '.' && s[1] == '.') return vg_buf_append(out, "__", 2) ? -1 : 1;
  if (n > MAX_PART) { /* cut on a UTF-8 boundary */
    n = MAX_PART;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    changed = 1;
  }
  size_t start = out->len;
  if (vg_buf_append(out, s, n)) return -1;
  char *p = out->data + start;
  if (first && n >= 2 && ((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[1] == ':') {
    p[1] = '_'; /* C: is a drive */
    changed = 1;
  }
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f) {
      p[i] = '_';
      changed = 1;
    }
  return changed;
}

/* part with "~k" before its extension: "a.txt" -> "a~2.txt". */
static int suffixed(vg_buf *out, const char *part, size_t n, unsigned k) {
  size_t dot = n;
  for (size_t i = n; i > 1; i--)
    if (part[i - 1] == '.') {
      dot = i - 1;
      break;
    }
  return vg_buf_append(out, part, dot) || vg_buf_printf(out, "~%u", k) ||
         vg_buf_append(out, part + dot, n - dot);
}

/* Tells an unsafe name once (the first TOLD_UNSAFE of an output; the rest
 * are counted and told at the end). Two outputs written with the same
 * document tell it once. */
static void tell_unsafe(vg_writer *w, const char *id, const char *path) {
  static char last[256];
  if (strlen(id) < sizeof last && !strcmp(last, id)) return;
  if (w->unsafe_told >= TOLD_UNSAFE) {
    w->unsafe_more++;
    return;
  }
  w->unsafe_told++;
  snprintf(last, sizeof last, "%s", strlen(id) < sizeof last ? id : "");
  fprintf(stderr, "vigie: %s: unsafe name written as %s\n", id, path);
}

char *vg_namer_path(vg_namer *n, vg_writer *w, const vg_doc *d) {
  const char *id = d->id;
  /* the input as given on the command line (the id's first part) is the
   * user's own: what changes there ("/abs/in", "./in") is not told */
  size_t trusted = d->source && !strncmp(id, d->source, strlen(d->source)) ? strlen(d->source) : 0;
  vg_buf safe = {0}, cur = {0}, cand = {0};
  int told = 0, first = 1;
  char *result = NULL;
  /* 1. the parts, made safe; "!" and "/" (and "\", read as one) separate */
  for (const char *p = id;;) {
    size_t len = strcspn(p, "/\\!");
    int rc = safe_part(&safe, p, len, first);
    if (rc < 0) goto done;
    if ((rc || p[len] == '\\') && (!trusted || (size_t)(p - id) + len > trusted)) told = 1;
    if (!p[len]) break;
    first = p[len] == '!';
    p += len + 1;
  }
  if (!safe.len && vg_buf_append(&safe, "_", 1)) goto done;
  /* 2. unique: a folder may not be a file given out, a file may be
   * neither, nor may its sidecar */
  const char *s = safe.data;
  for (;;) {
    size_t len = strcspn(s, "/");
    int last = !s[len];
    for (unsigned k = 1;; k++) {
      vg_buf_reset(&cand);
      if (vg_buf_append(&cand, cur.data ? cur.data : "", cur.len) ||
          (cur.len && vg_buf_putc(&cand, '/')) ||
          (k == 1 ? vg_buf_append(&cand, s, len) : suffixed(&cand, s, len, k)))
        goto done;
      size_t cl = cand.len;
      if (taken(n, 'F', cand.data, cl)) continue;
      if (!last) break;
      if (taken(n, 'D', cand.data, cl)) continue;
      if (vg_buf_append(&cand, SIDECAR, strlen(SIDECAR))) goto done;
      int clash = taken(n, 'F', cand.data, cand.len) || taken(n, 'D', cand.data, cand.len);
      cand.len = cl;
      cand.data[cl] = '\0';
      if (!clash) break;
    }
    vg_buf swap = cur;
    cur = cand;
    cand = swap;
    if (last) break;
    if (take(n, 'D', cur.data, cur.len)) goto done;
    s += len + 1;
  }
  if (take(n, 'F', cur.data, cur.len)) goto done;
  vg_buf_reset(&cand);
  if (vg_buf_printf(&cand, "%s%s", cur.data, SIDECAR) || take(n, 'F', cand.data, cand.len))
    goto done;
  if (told) tell_unsafe(w, id, cur.data);
  result = vg_buf_take(&cur);
done:
  vg_buf_free(&safe);
  vg_buf_free(&cur);
  vg_buf_free(&cand);
  return result;
}

int vg_sidecar_json(vg_buf *b, const vg_doc *d) { return vg_json_doc(b, d, 0); }

/* ---- removing a tree without following links ---- */

/* Removes name (in folder dfd) and, when it is a folder, all it holds.
 * Links are removed, never followed. Returns 0 or -1 (errno set). */
static int remove_tree(int dfd, const char *name, int depth) {
  if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT) return 0;
  if ((errno != EISDIR && errno != EPERM) || depth > 256) return -1;
  int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  DIR *dir = fdopendir(fd);
  if (!dir) {
    close(fd);
    return -1;
  }
  int removed;
  do { /* again from the start until a pass removes nothing */
    struct dirent *de;
    removed = 0;
    rewinddir(dir);
    while ((de = readdir(dir))) {
      if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
      if (remove_tree(fd, de->d_name, depth + 1)) {
        closedir(dir);
        return -1;
      }
      removed = 1;
    }
  } while (removed);
  closedir(dir);
  return unlinkat(dfd, name, AT_REMOVEDIR);
}

/* ---- the folder writer ---- */

typedef struct dirw {
  int root;     /* PATH.partial, open */
  vg_namer names;
  vg_buf side;  /* the sidecar being written */
} dirw;

int vg_write_dir_check(const char *path, int force, char err[VG_ERRLEN]) {
  struct stat sb;
  if (stat(path, &sb)) return 0; /* made at the end */
  if (!S_ISDIR(sb.st_mode)) {
    vg_seterr(err, "%s exists and is not a folder", path);
    return -1;
  }
  DIR *dir = opendir(path);
  if (!dir) {
    vg_seterr(err, "%s: %s", path, strerror(errno));
    return -1;
  }
  int empty = 1;
  struct dirent *de;
  while (empty && (de = readdir(dir)))
    empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
  closedir(dir);
  if (empty) return 0;
  if (!force) {
    vg_seterr(err, "%s is a folder that is not empty: vigie will not write into it "
              "(--force replaces it, or give an empty or new folder)", path);
    return -1;
  }
  char real[PATH_MAX], cwd[PATH_MAX];
  if (realpath(path, real) && getcwd(cwd, sizeof cwd)) {
    size_t n = strlen(real);
    if (!strcmp(real, "/") || (!strncmp(cwd, real, n) && (cwd[n] == '/' || !cwd[n]))) {
      vg_seterr(err, "%s holds the current folder: --force will not replace it", path);
      return -1;
    }
  }
  return 0;
}

/* Writes all of s[0..n) to fd. */
static int write_all(int fd, const char *s, size_t n) {
  while (n) {
    ssize_t k = write(fd, s, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    s += k;
    n -= (size_t)k;
  }
  return 0;
}

/* Makes the file name in folder dfd with content s[0..n); mtime when >= 0
 * is given to it. */
static int make_file(int dfd, const char *name, const char *s, size_t n, const vg_doc *d) {
  int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) return -1;
  int rc = write_all(fd, s, n);
  if (!rc && d && d->has_mtime) {
    struct timespec ts[2] = {{(time_t)d->mtime, 0}, {(time_t)d->mtime, 0}};
    futimens(fd, ts);
  }
  int saved = errno;
  if (close(fd) && !rc) return -1;
  errno = saved;
  return rc;
}

static int dir_doc(vg_writer *w, const vg_doc *d, char err[VG_ERRLEN]) {
  dirw *x = w->impl;
  char *path = vg_namer_path(&x->names, w, d);
  if (!path) {
    vg_seterr(err, "out of memory");
    return -1;
  }
  int dfd = x->root, rc = -1;
  char *part = path, *slash;
  while ((slash = strchr(part, '/'))) {
    *slash = '\0';
    if (mkdirat(dfd, part, 0777) && errno != EEXIST) break;
    int next = openat(dfd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd != x->root) close(dfd);
    dfd = next;
    *slash = '/';
    if (dfd < 0) break;
    part = slash + 1;
  }
  if (dfd >= 0 && !slash) {
    vg_buf_reset(&x->side);
    char *side = vg_asprintf("%s" SIDECAR, part);
    if (!side || vg_sidecar_json(&x->side, d)) errno = ENOMEM;
    else if (!make_file(dfd, part, d->text.data, d->text.len, d) &&
             !make_file(dfd, side, x->side.data, x->side.len, NULL))
      rc = 0;
    free(side);
  }
  if (rc) vg_seterr(err, "%s/%s: %s", w->partial, path, strerror(errno));
  if (dfd >= 0 && dfd != x->root) close(dfd);
  free(path);
  if (!rc) w->count++;
  return rc;
}

static void dir_close_root(vg_writer *w) {
  dirw *x = w->impl;
  if (x && x->root >= 0) close(x->root);
  if (x) x->root = -1;
}

static int dir_commit(vg_writer *w, char err[VG_ERRLEN]) {
  dir_close_root(w);
  if (rename(w->partial, w->path) == 0) return 0; /* PATH was absent, or an empty folder */
  if (errno != ENOTEMPTY && errno != EEXIST) {
    vg_seterr(err, "%s: %s", w->path, strerror(errno));
    return -1;
  }
  if (!(w->flags & VG_WRITE_FORCE)) {
    vg_seterr(err, "%s is not empty any more: the output is left at %s", w->path, w->partial);
    return -1;
  }
  /* --force: the new folder takes the old one's place, then the old goes */
  if (renameat2(AT_FDCWD, w->partial, AT_FDCWD, w->path, RENAME_EXCHANGE) == 0) {
    if (remove_tree(AT_FDCWD, w->partial, 0))
      fprintf(stderr, "vigie: %s: the replaced folder could not be removed: %s\n", w->partial,
              strerror(errno));
    return 0;
  }
  char *old = vg_asprintf("%s.old.partial", w->path);
  if (!old) {
    vg_seterr(err, "out of memory");
    return -1;
  }
  int rc = -1;
  if (remove_tree(AT_FDCWD, old, 0) == 0 && rename(w->path, old) == 0) {
    if (rename(w->partial, w->path) == 0) {
      rc = 0;
      if (remove_tree(AT_FDCWD, old, 0))
        fprintf(stderr, "vigie: %s: the replaced folder could not be removed: %s\n", old,
                strerror(errno));
    } else {
      int saved = errno;
      rename(old, w->path); /* put it back */
      errno = saved;
    }
  }
  if (rc) vg_seterr(err, "%s: %s", w->path, strerror(errno));
  free(old);
  return rc;
}

static void dir_release(vg_writer *w) {
  dirw *x = w->impl;
  if (!x) return;
  dir_close_root(w);
  vg_namer_free(&x->names);
  vg_buf_free(&x->side);
  free(x);
  w->impl = NULL;
}

static const vg_writer_ops DIR_OPS = {dir_doc, NULL, NULL, dir_close_root, dir_commit,
                                      dir_release, "documents"};

int vg_write_dir_open(vg_writer *w, char err[VG_ERRLEN]) {
  struct stat sb;
  char real[PATH_MAX];
  /* a link to a folder: the folder it points to is replaced, not the link */
  if (lstat(w->path, &sb) == 0 && S_ISLNK(sb.st_mode) && realpath(w->path, real)) {
    free(w->path);
    if (!(w->path = vg_strdup(real))) goto oom;
  }
  if (!(w->partial = vg_asprintf("%s.partial", w->path))) goto oom;
  dirw *x = calloc(1, sizeof *x);
  if (!x) goto oom;
  x->root = -1;
  w->impl = x;
  w->ops = &DIR_OPS;
  /* what an earlier run left at PATH.partial goes (a link there: the link) */
  if (remove_tree(AT_FDCWD, w->partial, 0) || mkdir(w->partial, 0777) ||
      (x->root = open(w->partial, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
    vg_seterr(err, "%s: %s", w->partial, strerror(errno));
    return -1;
  }
  return 0;
oom:
  vg_seterr(err, "out of memory");
  return -1;
}
