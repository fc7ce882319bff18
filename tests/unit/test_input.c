/*
 * test_input.c: unit tests of the readers (engine/input.c). Every fixture is
 * made at run time in the scratch directory of extract_fixtures.h (mkdtemp
 * under $VIGIE_TEST_TMP, else /tmp, removed at the end), which the tests
 * work in so ids are short ("t.zip!a.txt"); files are written, read and
 * run with its helpers too. Archives are written with libarchive's write
 * API when exact names, types or times matter, and with the command line
 * tools (bsdtar, zip, gzip, xz, zstd, bzip2, 7z, cpio) to check the files
 * real tools make.
 */
#define _XOPEN_SOURCE 700
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract_fixtures.h"
#include "harness.h"
#include "input.h"

#define MiB (1024 * 1024)

/* ---- fixtures ---------------------------------------------------------- */

typedef struct spec {
  const char *name;
  const char *data; /* NULL: empty */
  size_t len;       /* 0: strlen(data) */
  char type;        /* 'f' file (default), 'd' dir, 'l' symlink, 'h' hardlink, 'p' fifo */
  const char *target;
  long long mtime;
} spec;

/* Writes an archive with libarchive: format and filter by name ("zip",
 * "pax", "ustar", "cpio"...; filter NULL for none). */
static void write_archive(const char *path, const char *format, const char *filter,
                          const spec *s, size_t n) {
  struct archive *a = archive_write_new();
  CHECK(archive_write_set_format_by_name(a, format) == ARCHIVE_OK);
  if (filter) CHECK(archive_write_add_filter_by_name(a, filter) == ARCHIVE_OK);
  CHECK(archive_write_open_filename(a, path) == ARCHIVE_OK);
  for (size_t i = 0; i < n; i++) {
    struct archive_entry *ae = archive_entry_new();
    size_t len = s[i].data ? (s[i].len ? s[i].len : strlen(s[i].data)) : 0;
    archive_entry_set_pathname(ae, s[i].name);
    archive_entry_set_mtime(ae, s[i].mtime ? s[i].mtime : 1500000000, 0);
    archive_entry_set_perm(ae, 0644);
    unsigned type = s[i].type == 'd' ? AE_IFDIR : s[i].type == 'l' ? AE_IFLNK
                  : s[i].type == 'p' ? AE_IFIFO : AE_IFREG;
    archive_entry_set_filetype(ae, type);
    if (s[i].type == 'l') archive_entry_set_symlink(ae, s[i].target);
    if (s[i].type == 'h') archive_entry_set_hardlink(ae, s[i].target);
    if (s[i].type == 'd') archive_entry_set_perm(ae, 0755);
    if (s[i].type && s[i].type != 'f') len = 0;
    archive_entry_set_size(ae, (la_int64_t)len);
    CHECK(archive_write_header(a, ae) == ARCHIVE_OK);
    if (len) CHECK(archive_write_data(a, s[i].data, len) == (la_ssize_t)len);
    archive_entry_free(ae);
  }
  CHECK(archive_write_close(a) == ARCHIVE_OK);
  archive_write_free(a);
}

/* n bytes of deterministic, word-like text (compresses about 3 to 4 times,
 * like prose). Owned. */
static char *prose(size_t n, unsigned seed) {
  static const char *const w[] = {"pointeuse", "badge", "agent", "horaire", "géolocalisation",
                                  "logiciel", "suivi", "activité", "bracelet", "connecté",
                                  "le", "la", "des", "une", "et", "service", "contrôle"};
  char *p = malloc(n + 1);
  size_t i = 0;
  uint32_t x = seed * 2654435761u + 1;
  while (i < n) {
    x = x * 1103515245u + 12345u;
    const char *s = w[(x >> 16) % (sizeof w / sizeof *w)];
    for (; *s && i < n; s++) p[i++] = *s;
    if (i < n) p[i++] = (x >> 8) % 11 == 0 ? '\n' : ' ';
    if (i < n && (x >> 4) % 7 == 0) p[i++] = "0123456789"[(x >> 20) % 10];
  }
  p[n] = '\0';
  return p;
}

/* ---- reading ----------------------------------------------------------- */

typedef struct got {
  int kind;
  char *id, *path, *source, *skip, *reason;
  char *data;
  size_t size;
  long long mtime;
  int has_mtime;
} got;

typedef struct gotlist {
  got v[64];
  size_t n, inputs, entries;
} gotlist;

static char *dupn(const char *s) { return s ? strdup(s) : NULL; }

/* Reads every entry of paths with these limits, copying each. */
static gotlist read_all(const char *const *paths, size_t n, uint64_t max_bytes, double ratio,
                        int depth) {
  gotlist g;
  memset(&g, 0, sizeof g);
  vg_input_opts o = {max_bytes, ratio, depth, 0, 0, 0, 0};
  vg_input *in = vg_input_new(paths, n, &o);
  CHECK(in != NULL);
  if (!in) return g;
  vg_entry e;
  while (vg_input_next(in, &e)) {
    CHECK(e.id != NULL && e.path != NULL && e.source != NULL);
    if (e.kind == VG_ENTRY_DOC) CHECK(e.data != NULL && e.skip == NULL);
    else CHECK(e.data == NULL && e.skip != NULL && e.reason != NULL);
    if (g.n == sizeof g.v / sizeof *g.v) continue;
    got *x = &g.v[g.n++];
    x->kind = (int)e.kind;
    x->id = dupn(e.id);
    x->path = dupn(e.path);
    x->source = dupn(e.source);
    x->skip = dupn(e.skip);
    x->reason = dupn(e.reason);
    x->size = e.size;
    x->mtime = e.mtime;
    x->has_mtime = e.has_mtime;
    if (e.data) {
      x->data = malloc(e.size + 1);
      memcpy(x->data, e.data, e.size);
      x->data[e.size] = '\0';
    }
  }
  CHECK(vg_input_next(in, &e) == 0); /* stays at the end */
  g.inputs = vg_input_count_inputs(in);
  g.entries = vg_input_count_entries(in);
  vg_input_free(in);
  return g;
}

static gotlist read1(const char *path) {
  const char *p[] = {path};
  return read_all(p, 1, 64ull * MiB, 200, 4);
}

static void gl_free(gotlist *g) {
  for (size_t i = 0; i < g->n; i++) {
    got *x = &g->v[i];
    free(x->id); free(x->path); free(x->source); free(x->skip); free(x->reason); free(x->data);
  }
  g->n = 0;
}

static const got *find(const gotlist *g, const char *id) {
  for (size_t i = 0; i < g->n; i++)
    if (g->v[i].id && strcmp(g->v[i].id, id) == 0) return &g->v[i];
  return NULL;
}

#define CHECK_DOC(g, i, ID, PATH, TEXT)                      \
  do {                                                      \
    if ((g).n > (i)) {                                      \
      CHECK_INT((g).v[i].kind, VG_ENTRY_DOC);               \
      CHECK_STR((g).v[i].id, ID);                           \
      CHECK_STR((g).v[i].path, PATH);                       \
      CHECK_TEXT((g).v[i].data, (g).v[i].size, TEXT);       \
    } else {                                                \
      CHECK((g).n > (i));                                   \
    }                                                       \
  } while (0)

#define CHECK_KIND(g, i, KIND, SKIP, ID)                     \
  do {                                                      \
    if ((g).n > (i)) {                                      \
      CHECK_INT((g).v[i].kind, KIND);                       \
      CHECK_STR((g).v[i].skip, SKIP);                       \
      CHECK_STR((g).v[i].id, ID);                           \
    } else {                                                \
      CHECK((g).n > (i));                                   \
    }                                                       \
  } while (0)

/* Compares a document's bytes with the text expected, showing only their
 * beginnings when they differ. */
#define CHECK_TEXT(DATA, SIZE, TEXT)                                          \
  do {                                                                       \
    const char *vg_d_ = (DATA), *vg_t_ = (TEXT);                             \
    size_t vg_n_ = (SIZE);                                                   \
    vg_t_checks++;                                                           \
    if (!vg_d_ || vg_n_ != strlen(vg_t_) || memcmp(vg_d_, vg_t_, vg_n_)) {   \
      vg_t_failed++;                                                         \
      fprintf(stderr, "%s:%d: data is \"%.40s\" (%zu bytes), expected \"%.40s\" (%zu bytes)\n", \
              __FILE__, __LINE__, vg_d_ ? vg_d_ : "(null)", vg_n_, vg_t_,    \
              strlen(vg_t_));                                                \
    }                                                                        \
  } while (0)

static int has(const char *s, const char *sub) { return s && strstr(s, sub) != NULL; }

/* ---- tests ------------------------------------------------------------- */

static void test_zip_three_entries(void) {
  spec s[] = {{"a.txt", "alpha\n", 0, 'f', NULL, 1500000000},
              {"2017", NULL, 0, 'd', NULL, 0},
              {"2017/b.txt", "bravo", 0, 'f', NULL, 1600000000},
              {"c.txt", "charlie", 0, 'f', NULL, 1700000000}};
  write_archive("three.zip", "zip", NULL, s, 4);
  gotlist g = read1("three.zip");
  CHECK_INT(g.n, 3);
  CHECK_DOC(g, 0, "three.zip!a.txt", "a.txt", "alpha\n");
  CHECK_DOC(g, 1, "three.zip!2017/b.txt", "2017/b.txt", "bravo");
  CHECK_DOC(g, 2, "three.zip!c.txt", "c.txt", "charlie");
  if (g.n == 3) {
    CHECK_INT(g.v[0].has_mtime, 1);
    CHECK_INT(g.v[0].mtime, 1500000000);
    CHECK_INT(g.v[1].mtime, 1600000000);
    CHECK_INT(g.v[2].mtime, 1700000000);
    CHECK_STR(g.v[0].source, "three.zip");
  }
  CHECK_INT(g.inputs, 1);
  CHECK_INT(g.entries, 3);
  gl_free(&g);
}

/* One archive made by a real tool: its two documents, whatever the order. */
static void check_two(const char *file, const char *id1, const char *id2) {
  gotlist g = read1(file);
  CHECK_INT(g.n, 2);
  const got *a = find(&g, id1), *b = find(&g, id2);
  CHECK(a != NULL);
  CHECK(b != NULL);
  if (a) {
    CHECK_INT(a->kind, VG_ENTRY_DOC);
    CHECK_TEXT(a->data, a->size, "first document\n");
  }
  if (b) {
    CHECK_INT(b->kind, VG_ENTRY_DOC);
    CHECK_TEXT(b->data, b->size, "second document\n");
  }
  if (g.n) CHECK_INT(g.v[0].has_mtime, 1);
  if (g.n != 2) fprintf(stderr, "  in %s\n", file);
  gl_free(&g);
}

static void test_formats_from_tools(void) {
  CHECK(mkdir("src", 0755) == 0);
  CHECK(mkdir("src/sub", 0755) == 0);
  write_text("src/one.txt", "first document\n");
  write_text("src/sub/two.txt", "second document\n");
  const char *flat = "one.txt sub/two.txt";
  char cmd[512];
  struct { const char *file, *opts; } t[] = {
      {"f.tar", "--format ustar"}, {"f.pax", "--format pax"}, {"f.tar.gz", "-z"},
      {"f.tar.xz", "-J"},          {"f.tar.zst", "--zstd"},   {"f.tar.bz2", "-j"},
      {"f.tar.lz4", "--lz4"},      {"f.7z", "--format 7zip"}, {"f.cpio", "--format newc"},
      {"f.odc", "--format odc"},   {"f.iso", "--format iso9660"}, {"f.xar", "--format xar"},
      {"f.bzip", "--format zip"}};
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    snprintf(cmd, sizeof cmd, "cd src && bsdtar %s -cf ../%s %s", t[i].opts, t[i].file, flat);
    if (sh(cmd) != 0) continue;
    char id1[64], id2[64];
    snprintf(id1, sizeof id1, "%s!one.txt", t[i].file);
    snprintf(id2, sizeof id2, "%s!sub/two.txt", t[i].file);
    check_two(t[i].file, id1, id2);
  }
  /* ar keeps base names only */
  if (sh("cd src && cp sub/two.txt two.txt && bsdtar --format ar -cf ../f.a one.txt two.txt") == 0)
    check_two("f.a", "f.a!one.txt", "f.a!two.txt");
  if (sh("cd src && ar rc ../g.a one.txt two.txt") == 0)
    check_two("g.a", "g.a!one.txt", "g.a!two.txt");
  /* the tools themselves */
  if (sh("cd src && zip -q -r ../z.zip one.txt sub") == 0)
    check_two("z.zip", "z.zip!one.txt", "z.zip!sub/two.txt");
  if (sh("cd src && 7z a -bd -bso0 -bsp0 ../s.7z one.txt sub/two.txt >/dev/null") == 0)
    check_two("s.7z", "s.7z!one.txt", "s.7z!sub/two.txt");
  if (sh("cd src && printf 'one.txt\\nsub/two.txt\\n' | cpio --quiet -o -H newc > ../c.cpio") == 0)
    check_two("c.cpio", "c.cpio!one.txt", "c.cpio!sub/two.txt");
}

/* Every archive made above, nested in a zip: each is recognized from its
 * bytes and opened (the reader's quick signature check must not miss one). */
static void test_nested_formats(void) {
  const char *files[] = {"f.tar", "f.pax", "f.tar.gz", "f.tar.xz", "f.tar.zst", "f.tar.bz2",
                         "f.tar.lz4", "f.7z", "f.cpio", "f.odc", "f.iso", "f.xar", "f.bzip",
                         "z.zip", "s.7z", "c.cpio", "f.a", "g.a"};
  size_t n = sizeof files / sizeof *files;
  spec s[32];
  char *bytes[32];
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len;
    if (!(bytes[k] = slurp(files[i], &len))) continue;
    s[k] = (spec){files[i], bytes[k], len, 'f', NULL, 0};
    k++;
  }
  CHECK_INT(k, n);
  write_archive("all.zip", "zip", NULL, s, k);
  for (size_t i = 0; i < k; i++) free(bytes[i]);
  gotlist g = read1("all.zip");
  CHECK_INT(g.n, 2 * k);
  for (size_t i = 0; i < k; i++) {
    char id1[64], id2[64];
    size_t fl = strlen(files[i]);
    int ar = strcmp(files[i] + fl - 2, ".a") == 0; /* ar keeps base names */
    snprintf(id1, sizeof id1, "all.zip!%s!one.txt", files[i]);
    snprintf(id2, sizeof id2, "all.zip!%s!%s", files[i], ar ? "two.txt" : "sub/two.txt");
    const got *a = find(&g, id1), *b = find(&g, id2);
    CHECK(a && b);
    if (!a || !b) fprintf(stderr, "  %s not opened\n", files[i]);
    if (a) CHECK_TEXT(a->data, a->size, "first document\n");
    if (b) CHECK_TEXT(b->data, b->size, "second document\n");
  }
  gl_free(&g);
}

static void test_single_compressed(void) {
  CHECK(mkdir("cz", 0755) == 0);
  const char *text = "un tract compressé\nligne 2\n";
  const char *tools[] = {"gzip", "xz", "zstd -q", "bzip2"};
  const char *suffix[] = {".gz", ".xz", ".zst", ".bz2"};
  for (int i = 0; i < 4; i++) {
    char plain[64], packed[64], cmd[256];
    snprintf(plain, sizeof plain, "cz/note%d.txt", i);
    snprintf(packed, sizeof packed, "%s%s", plain, suffix[i]);
    write_text(plain, text);
    snprintf(cmd, sizeof cmd, "%s -k %s", tools[i], plain);
    if (sh(cmd) != 0) continue;
    gotlist g = read1(packed);
    char base[32];
    snprintf(base, sizeof base, "note%d.txt", i);
    CHECK_INT(g.n, 1);
    CHECK_DOC(g, 0, packed, base, text);
    if (g.n) CHECK_INT(g.v[0].has_mtime, 1);
    gl_free(&g);
  }
  /* two layers: both are taken off, and both suffixes */
  if (sh("gzip -c cz/note0.txt.gz > cz/twice.txt.gz.gz") == 0) {
    gotlist g = read1("cz/twice.txt.gz.gz");
    CHECK_DOC(g, 0, "cz/twice.txt.gz.gz", "twice.txt", text);
    gl_free(&g);
  }
  /* a compressed file without a suffix keeps its name */
  if (sh("gzip -c cz/note0.txt > cz/nosuffix") == 0) {
    gotlist g = read1("cz/nosuffix");
    CHECK_DOC(g, 0, "cz/nosuffix", "nosuffix", text);
    gl_free(&g);
  }
}

static void test_directory_sorted(void) {
  CHECK(mkdir("dir", 0755) == 0);
  CHECK(mkdir("dir/sub", 0755) == 0);
  CHECK(mkdir("dir/sub/deeper", 0755) == 0);
  CHECK(mkdir("dir/empty", 0755) == 0);
  write_text("dir/b.txt", "b");
  write_text("dir/a.txt", "a");
  write_text("dir/sub/b.txt", "sub b");
  write_text("dir/sub/deeper/c.txt", "deep c");
  write_text("dir/sub-x.txt", "sub-x"); /* sorted by name: "sub" < "sub-x.txt" */
  write_text("dir/Z.txt", "Z");         /* strcmp: upper case first */
  spec s[] = {{"in.txt", "in the tar", 0, 'f', NULL, 0}};
  write_archive("dir/sub/t.tar", "ustar", NULL, s, 1);
  write_text("dir/gz.txt", "gzipped");
  sh("gzip dir/gz.txt");
  CHECK(symlink("a.txt", "dir/link.txt") == 0);
  CHECK(mkfifo("dir/pipe", 0644) == 0);

  const char *paths[] = {"dir/", "dir//"};
  for (int k = 0; k < 2; k++) {
    gotlist g = read_all(paths + k, 1, 64 * MiB, 200, 4);
    CHECK_INT(g.n, 10);
    CHECK_DOC(g, 0, "dir/Z.txt", "Z.txt", "Z");
    CHECK_DOC(g, 1, "dir/a.txt", "a.txt", "a");
    CHECK_DOC(g, 2, "dir/b.txt", "b.txt", "b");
    CHECK_DOC(g, 3, "dir/gz.txt.gz", "gz.txt", "gzipped");
    CHECK_KIND(g, 4, VG_ENTRY_SKIP, "link", "dir/link.txt");
    if (g.n > 4) CHECK(has(g.v[4].reason, "a.txt"));
    CHECK_KIND(g, 5, VG_ENTRY_SKIP, "device", "dir/pipe");
    CHECK_DOC(g, 6, "dir/sub/b.txt", "sub/b.txt", "sub b");
    CHECK_DOC(g, 7, "dir/sub/deeper/c.txt", "sub/deeper/c.txt", "deep c");
    CHECK_DOC(g, 8, "dir/sub/t.tar!in.txt", "in.txt", "in the tar");
    CHECK_DOC(g, 9, "dir/sub-x.txt", "sub-x.txt", "sub-x");
    if (g.n > 1) {
      CHECK_STR(g.v[1].source, paths[k]);
      CHECK_INT(g.v[1].has_mtime, 1);
    }
    CHECK_INT(g.inputs, 1);
    CHECK_INT(g.entries, 10);
    gl_free(&g);
  }
  /* without a trailing slash, the same ids */
  gotlist g = read1("dir/sub/deeper");
  CHECK_INT(g.n, 1);
  CHECK_DOC(g, 0, "dir/sub/deeper/c.txt", "c.txt", "deep c");
  gl_free(&g);
}

static void test_plain_file_and_symlink_given(void) {
  CHECK(mkdir("notes", 0755) == 0);
  write_text("notes/a.txt", "Chaque agent sera géolocalisé.\n");
  struct stat st;
  CHECK(stat("notes/a.txt", &st) == 0);
  CHECK(symlink("notes/a.txt", "given-link.txt") == 0);
  const char *p[] = {"notes/a.txt", "given-link.txt"};
  gotlist g = read_all(p, 2, 64 * MiB, 200, 4);
  CHECK_INT(g.n, 2);
  CHECK_DOC(g, 0, "notes/a.txt", "notes/a.txt", "Chaque agent sera géolocalisé.\n");
  CHECK_DOC(g, 1, "given-link.txt", "given-link.txt", "Chaque agent sera géolocalisé.\n");
  if (g.n) {
    CHECK_INT(g.v[0].has_mtime, 1);
    CHECK_INT(g.v[0].mtime, st.st_mtime);
  }
  CHECK_INT(g.inputs, 2);
  gl_free(&g);
}

static void make_nested(void) {
  spec in[] = {{"note.txt", "au fond", 0, 'f', NULL, 0}};
  write_archive("inner.zip", "zip", NULL, in, 1);
  size_t n1;
  char *b1 = slurp("inner.zip", &n1);
  spec mid[] = {{"m.txt", "au milieu", 0, 'f', NULL, 0},
                {"2017/inner.zip", b1, n1, 'f', NULL, 0}};
  write_archive("mid.zip", "zip", NULL, mid, 2);
  size_t n2;
  char *b2 = slurp("mid.zip", &n2);
  spec out[] = {{"mid.zip", b2, n2, 'f', NULL, 0}, {"z.txt", "dehors", 0, 'f', NULL, 0}};
  write_archive("outer.zip", "zip", NULL, out, 2);
  free(b1);
  free(b2);
}

static void test_nested_zips(void) {
  make_nested();
  const char *p[] = {"outer.zip"};
  gotlist g = read_all(p, 1, 64 * MiB, 200, 3);
  CHECK_INT(g.n, 3);
  CHECK_DOC(g, 0, "outer.zip!mid.zip!m.txt", "m.txt", "au milieu");
  CHECK_DOC(g, 1, "outer.zip!mid.zip!2017/inner.zip!note.txt", "note.txt", "au fond");
  CHECK_DOC(g, 2, "outer.zip!z.txt", "z.txt", "dehors");
  gl_free(&g);

  g = read_all(p, 1, 64 * MiB, 200, 2);
  CHECK_INT(g.n, 3);
  CHECK_DOC(g, 0, "outer.zip!mid.zip!m.txt", "m.txt", "au milieu");
  CHECK_KIND(g, 1, VG_ENTRY_SKIP, "too_deep", "outer.zip!mid.zip!2017/inner.zip");
  if (g.n > 1) CHECK(has(g.v[1].reason, "--max-depth 2"));
  CHECK_DOC(g, 2, "outer.zip!z.txt", "z.txt", "dehors");
  gl_free(&g);

  g = read_all(p, 1, 64 * MiB, 200, 1);
  CHECK_INT(g.n, 2);
  CHECK_KIND(g, 0, VG_ENTRY_SKIP, "too_deep", "outer.zip!mid.zip");
  CHECK_DOC(g, 1, "outer.zip!z.txt", "z.txt", "dehors");
  gl_free(&g);
}

static void test_gz_in_zip(void) {
  write_text("inside.txt", "compressé dans le zip\n");
  if (sh("gzip -c inside.txt > inside.txt.gz") != 0) return;
  size_t n;
  char *gz = slurp("inside.txt.gz", &n);
  spec s[] = {{"docs/b.txt.gz", gz, n, 'f', NULL, 1500000000}};
  write_archive("gzin.zip", "zip", NULL, s, 1);
  free(gz);
  gotlist g = read1("gzin.zip");
  CHECK_INT(g.n, 1);
  CHECK_DOC(g, 0, "gzin.zip!docs/b.txt.gz", "docs/b.txt", "compressé dans le zip\n");
  if (g.n) CHECK_INT(g.v[0].mtime, 1500000000);
  gl_free(&g);
}

static void test_links_and_devices_in_tar(void) {
  spec s[] = {{"a.txt", "real", 0, 'f', NULL, 0},
              {"sym.txt", NULL, 0, 'l', "/etc/passwd", 0},
              {"hard.txt", NULL, 0, 'h', "a.txt", 0},
              {"fifo", NULL, 0, 'p', NULL, 0},
              {"b.txt", "after", 0, 'f', NULL, 0}};
  write_archive("links.tar", "pax", NULL, s, 5);
  gotlist g = read1("links.tar");
  CHECK_INT(g.n, 5);
  CHECK_DOC(g, 0, "links.tar!a.txt", "a.txt", "real");
  CHECK_KIND(g, 1, VG_ENTRY_SKIP, "link", "links.tar!sym.txt");
  if (g.n > 1) CHECK(has(g.v[1].reason, "/etc/passwd"));
  CHECK_KIND(g, 2, VG_ENTRY_SKIP, "link", "links.tar!hard.txt");
  CHECK_KIND(g, 3, VG_ENTRY_SKIP, "device", "links.tar!fifo");
  CHECK_DOC(g, 4, "links.tar!b.txt", "b.txt", "after");
  CHECK_INT(g.entries, 5);
  gl_free(&g);
}

static void test_too_large(void) {
  char *big = prose(3000, 1);
  spec s[] = {{"big.txt", big, 0, 'f', NULL, 0}, {"small.txt", "small", 0, 'f', NULL, 0}};
  write_archive("big.tar", "ustar", NULL, s, 2);
  write_archive("big.tar.gz", "ustar", "gzip", s, 2);
  write_archive("big.zip", "zip", NULL, s, 2);
  write_text("big.txt", big);
  sh("gzip -k big.txt");
  const char *p[] = {"big.tar", "big.tar.gz", "big.zip", "big.txt", "big.txt.gz"};
  gotlist g = read_all(p, 5, 1000, 200, 4);
  CHECK_INT(g.n, 8);
  CHECK_KIND(g, 0, VG_ENTRY_SKIP, "too_large", "big.tar!big.txt");
  if (g.n) CHECK(has(g.v[0].reason, "--max-doc-bytes (1000 B)"));
  CHECK_DOC(g, 1, "big.tar!small.txt", "small.txt", "small");
  CHECK_KIND(g, 2, VG_ENTRY_SKIP, "too_large", "big.tar.gz!big.txt");
  CHECK_DOC(g, 3, "big.tar.gz!small.txt", "small.txt", "small");
  CHECK_KIND(g, 4, VG_ENTRY_SKIP, "too_large", "big.zip!big.txt");
  CHECK_DOC(g, 5, "big.zip!small.txt", "small.txt", "small");
  CHECK_KIND(g, 6, VG_ENTRY_SKIP, "too_large", "big.txt");
  CHECK_KIND(g, 7, VG_ENTRY_SKIP, "too_large", "big.txt.gz"); /* found while inflating */
  if (g.n > 7) CHECK_STR(g.v[7].path, "big.txt");
  gl_free(&g);
  /* exactly the limit is not too large */
  g = read_all(p + 3, 1, 3000, 200, 4);
  CHECK_INT(g.n, 1);
  if (g.n) CHECK_INT(g.v[0].size, 3000);
  gl_free(&g);
  free(big);
}

static void test_ratio_bomb(void) {
  size_t n = 20 * MiB;
  char *zeros = calloc(1, n);
  spec s[] = {{"bomb.txt", zeros, n, 'f', NULL, 0}, {"after.txt", "still read", 0, 'f', NULL, 0}};
  write_archive("bomb.zip", "zip", NULL, s, 2);
  write_archive("bomb.tar.gz", "ustar", "gzip", s, 2);
  write_file("bomb.txt", zeros, n);
  sh("xz -1 -k bomb.txt");
  free(zeros);
  const char *p[] = {"bomb.zip", "bomb.txt.xz", "bomb.tar.gz"};
  gotlist g = read_all(p, 3, 64 * MiB, 200, 4);
  CHECK_INT(g.n, 5);
  CHECK_KIND(g, 0, VG_ENTRY_SKIP, "ratio", "bomb.zip!bomb.txt");
  if (g.n) CHECK(has(g.v[0].reason, "--max-ratio 200"));
  CHECK_DOC(g, 1, "bomb.zip!after.txt", "after.txt", "still read");
  CHECK_KIND(g, 2, VG_ENTRY_SKIP, "ratio", "bomb.txt.xz");
  /* a compressed stream cannot skip without inflating: the reader inflates
   * the rest under the stream's own ratio, which ends the archive */
  CHECK_KIND(g, 3, VG_ENTRY_SKIP, "ratio", "bomb.tar.gz!bomb.txt");
  CHECK_KIND(g, 4, VG_ENTRY_SKIP, "ratio", "bomb.tar.gz");
  if (g.n > 4) CHECK(has(g.v[4].reason, "not read"));
  gl_free(&g);
  /* it stops early: with max_doc_bytes 4 MiB, had the reader inflated past
   * the ratio check the stream would be "too_large" (its size is unknown
   * beforehand, unlike in the zip and tar headers) */
  g = read_all(p + 1, 1, 4 * MiB, 200, 4);
  CHECK_INT(g.n, 1);
  CHECK_KIND(g, 0, VG_ENTRY_SKIP, "ratio", "bomb.txt.xz");
  gl_free(&g);
  /* no ratio limit: read whole (64 MiB allowed) */
  g = read_all(p, 1, 64 * MiB, 0, 4);
  CHECK_INT(g.n, 2);
  if (g.n) CHECK_INT(g.v[0].size, 20 * MiB);
  gl_free(&g);
}

/* Large, ordinary text must not trip the ratio: zip, tar.gz, xz, solid 7z. */
static void test_ratio_no_false_alarm(void) {
  char *t1 = prose(3 * MiB, 7), *t2 = prose(3 * MiB + 17, 8);
  CHECK(mkdir("big", 0755) == 0);
  write_text("big/one.txt", t1);
  write_text("big/two.txt", t2);
  sh("cd big && bsdtar -czf ../prose.tar.gz one.txt two.txt && zip -q ../prose.zip one.txt two.txt"
     " && 7z a -bd -bso0 -bsp0 ../prose.7z one.txt two.txt >/dev/null && xz -k one.txt");
  const char *p[] = {"prose.tar.gz", "prose.zip", "prose.7z", "big/one.txt.xz"};
  gotlist g = read_all(p, 4, 64 * MiB, 20, 4);
  CHECK_INT(g.n, 7);
  for (size_t i = 0; i < g.n; i++) {
    CHECK_INT(g.v[i].kind, VG_ENTRY_DOC);
    if (g.v[i].kind != VG_ENTRY_DOC) fprintf(stderr, "  %s: %s\n", g.v[i].id, g.v[i].reason);
    else CHECK_TEXT(g.v[i].data, g.v[i].size, strcmp(g.v[i].path, "two.txt") == 0 ? t2 : t1);
  }
  gl_free(&g);
  free(t1);
  free(t2);
}

static void truncate_file(const char *path, double keep) {
  struct stat st;
  CHECK(stat(path, &st) == 0);
  CHECK(truncate(path, (off_t)((double)st.st_size * keep)) == 0);
}

static void test_truncated(void) {
  /* large enough that libarchive's read-ahead stays before the damage: its
   * bidders read up to 48 KiB when they detect the format, and its gzip
   * filter loses the whole 64 KiB block that the end of input cuts */
  char *a = prose(100000, 1), *b = prose(100000, 2), *c = prose(400000, 3);
  spec s[] = {{"a.txt", a, 0, 'f', NULL, 0}, {"b.txt", b, 0, 'f', NULL, 0},
              {"c.txt", c, 0, 'f', NULL, 0}};
  write_archive("trunc.zip", "zip", NULL, s, 3);
  write_archive("trunc.tar.gz", "ustar", "gzip", s, 3);
  write_archive("trunc.tar", "ustar", NULL, s, 3);
  truncate_file("trunc.zip", 0.7);
  truncate_file("trunc.tar.gz", 0.7);
  truncate_file("trunc.tar", 0.7);
  write_text("good.txt", "good");
  const char *p[] = {"trunc.zip", "good.txt", "trunc.tar.gz", "good.txt", "trunc.tar", "good.txt"};
  gotlist g = read_all(p, 6, 64 * MiB, 200, 4);
  CHECK_INT(g.n, 12);
  CHECK_DOC(g, 0, "trunc.zip!a.txt", "a.txt", a);
  CHECK_DOC(g, 1, "trunc.zip!b.txt", "b.txt", b);
  CHECK_KIND(g, 2, VG_ENTRY_ERROR, "damaged", "trunc.zip");
  if (g.n > 2) CHECK(has(g.v[2].reason, "entry 3 (c.txt): "));
  CHECK_DOC(g, 3, "good.txt", "good.txt", "good");
  CHECK_DOC(g, 4, "trunc.tar.gz!a.txt", "a.txt", a);
  CHECK_DOC(g, 5, "trunc.tar.gz!b.txt", "b.txt", b);
  CHECK_KIND(g, 6, VG_ENTRY_ERROR, "damaged", "trunc.tar.gz");
  if (g.n > 6) CHECK(has(g.v[6].reason, "entry 3 (c.txt): "));
  CHECK_DOC(g, 7, "good.txt", "good.txt", "good");
  CHECK_DOC(g, 8, "trunc.tar!a.txt", "a.txt", a);
  CHECK_DOC(g, 9, "trunc.tar!b.txt", "b.txt", b);
  CHECK_KIND(g, 10, VG_ENTRY_ERROR, "damaged", "trunc.tar");
  if (g.n > 10) CHECK(has(g.v[10].reason, "entry 3 (c.txt): Truncated"));
  CHECK_DOC(g, 11, "good.txt", "good.txt", "good");
  CHECK_INT(g.inputs, 6);
  gl_free(&g);

  /* a damaged archive inside a good one ends only itself */
  size_t n;
  char *bytes = slurp("trunc.zip", &n);
  spec outer[] = {{"inner.zip", bytes, n, 'f', NULL, 0},
                  {"z.txt", "outer goes on", 0, 'f', NULL, 0}};
  write_archive("hasbad.zip", "zip", NULL, outer, 2);
  free(bytes);
  g = read1("hasbad.zip");
  CHECK_INT(g.n, 4);
  CHECK_DOC(g, 0, "hasbad.zip!inner.zip!a.txt", "a.txt", a);
  CHECK_DOC(g, 1, "hasbad.zip!inner.zip!b.txt", "b.txt", b);
  CHECK_KIND(g, 2, VG_ENTRY_ERROR, "damaged", "hasbad.zip!inner.zip");
  CHECK_DOC(g, 3, "hasbad.zip!z.txt", "z.txt", "outer goes on");
  gl_free(&g);

  /* a truncated single compressed file */
  write_text("tr.txt", c);
  sh("gzip tr.txt");
  truncate_file("tr.txt.gz", 0.5);
  g = read1("tr.txt.gz");
  CHECK_INT(g.n, 1);
  CHECK_KIND(g, 0, VG_ENTRY_ERROR, "damaged", "tr.txt.gz");
  if (g.n) CHECK(has(g.v[0].reason, "gzip"));
  gl_free(&g);
  free(a);
  free(b);
  free(c);
}

static void test_missing_then_good(void) {
  write_text("fine.txt", "fine");
  const char *p[] = {"no-such-file.zip", "fine.txt", "no-such-dir/x"};
  gotlist g = read_all(p, 3, 64 * MiB, 200, 4);
  CHECK_INT(g.n, 3);
  CHECK_KIND(g, 0, VG_ENTRY_ERROR, "missing", "no-such-file.zip");
  if (g.n) CHECK(has(g.v[0].reason, strerror(ENOENT)));
  CHECK_DOC(g, 1, "fine.txt", "fine.txt", "fine");
  CHECK_KIND(g, 2, VG_ENTRY_ERROR, "missing", "no-such-dir/x");
  CHECK_INT(g.inputs, 3);
  CHECK_INT(g.entries, 3);
  gl_free(&g);
  if (geteuid() != 0) { /* root reads anything */
    write_text("locked.txt", "x");
    CHECK(chmod("locked.txt", 0) == 0);
    g = read1("locked.txt");
    CHECK_KIND(g, 0, VG_ENTRY_ERROR, "unreadable", "locked.txt");
    if (g.n) CHECK(has(g.v[0].reason, strerror(EACCES)));
    gl_free(&g);
  }
}

static void test_empty_files(void) {
  write_file("empty.txt", "", 0);
  sh("gzip -k empty.txt");
  spec s[] = {{"e.txt", NULL, 0, 'f', NULL, 0}};
  write_archive("e.zip", "zip", NULL, s, 1);
  write_archive("none.zip", "zip", NULL, s, 0);
  write_archive("none.tar", "ustar", NULL, s, 0);
  const char *p[] = {"empty.txt", "empty.txt.gz", "e.zip", "none.zip", "none.tar"};
  gotlist g = read_all(p, 5, 64 * MiB, 200, 4);
  CHECK_INT(g.n, 5);
  CHECK_DOC(g, 0, "empty.txt", "empty.txt", "");
  CHECK_DOC(g, 1, "empty.txt.gz", "empty.txt", "");
  CHECK_DOC(g, 2, "e.zip!e.txt", "e.txt", "");
  /* an archive without entries is not silently lost: its bytes come as a
   * (binary) document, for the caller to report */
  if (g.n == 5) {
    CHECK_INT(g.v[3].kind, VG_ENTRY_DOC);
    CHECK_STR(g.v[3].id, "none.zip");
    CHECK_INT(g.v[3].size, 22);
    CHECK_INT(g.v[4].kind, VG_ENTRY_DOC);
    CHECK_STR(g.v[4].id, "none.tar");
    CHECK(g.v[4].size >= 1024 && g.v[4].data[0] == 0);
  }
  gl_free(&g);
}

static void test_hostile_names(void) {
  spec s[] = {{"../../etc/x", "1", 0, 'f', NULL, 0},
              {"/abs/y", "2", 0, 'f', NULL, 0},
              {"C:\\win\\z.txt", "3", 0, 'f', NULL, 0},
              {"a/./b/../c.txt", "4", 0, 'f', NULL, 0},
              {"ctl\001na\033me.txt", "5", 0, 'f', NULL, 0},
              {"..", "6", 0, 'f', NULL, 0},
              {"/D:/deep//./x.txt", "7", 0, 'f', NULL, 0}};
  write_archive("names.tar", "pax", NULL, s, 7);
  gotlist g = read1("names.tar");
  CHECK_INT(g.n, 7);
  CHECK_DOC(g, 0, "names.tar!etc/x", "etc/x", "1");
  CHECK_DOC(g, 1, "names.tar!abs/y", "abs/y", "2");
  CHECK_DOC(g, 2, "names.tar!win/z.txt", "win/z.txt", "3");
  CHECK_DOC(g, 3, "names.tar!a/b/c.txt", "a/b/c.txt", "4");
  CHECK_DOC(g, 4, "names.tar!ctlname.txt", "ctlname.txt", "5");
  CHECK_DOC(g, 5, "names.tar!_", "_", "6");
  CHECK_DOC(g, 6, "names.tar!deep/x.txt", "deep/x.txt", "7");
  gl_free(&g);
  /* a UTF-8 name in a zip comes out as UTF-8 whatever the locale */
  spec u[] = {{"\xc3\xa9t\xc3\xa9.txt", "summer", 0, 'f', NULL, 0}};
  write_archive("utf8.zip", "zip", NULL, u, 1);
  g = read1("utf8.zip");
  CHECK_DOC(g, 0, "utf8.zip!\xc3\xa9t\xc3\xa9.txt", "\xc3\xa9t\xc3\xa9.txt", "summer");
  gl_free(&g);
}

/* Reads "-" with file on fd 0. */
static gotlist read_stdin(const char *file) {
  gotlist g;
  memset(&g, 0, sizeof g);
  int saved = dup(0);
  int fd = open(file, O_RDONLY);
  CHECK(saved >= 0 && fd >= 0);
  if (saved < 0 || fd < 0) return g;
  dup2(fd, 0);
  close(fd);
  g = read1("-");
  dup2(saved, 0);
  close(saved);
  return g;
}

static void test_stdin(void) {
  spec s[] = {{"a.txt", "from stdin", 0, 'f', NULL, 0}, {"b/c.txt", "too", 0, 'f', NULL, 0}};
  write_archive("in.tar.gz", "ustar", "gzip", s, 2);
  gotlist g = read_stdin("in.tar.gz");
  CHECK_INT(g.n, 2);
  CHECK_DOC(g, 0, "-!a.txt", "a.txt", "from stdin");
  CHECK_DOC(g, 1, "-!b/c.txt", "b/c.txt", "too");
  if (g.n) CHECK_STR(g.v[0].source, "-");
  gl_free(&g);
  write_text("plain-in.txt", "plain text on stdin\n");
  g = read_stdin("plain-in.txt");
  CHECK_INT(g.n, 1);
  CHECK_DOC(g, 0, "-", "-", "plain text on stdin\n");
  gl_free(&g);
  sh("gzip -k plain-in.txt");
  g = read_stdin("plain-in.txt.gz");
  CHECK_DOC(g, 0, "-", "-", "plain text on stdin\n");
  gl_free(&g);
  /* a pipe: not seekable */
  if (sh("cat in.tar.gz | gzip -dc > piped.tar") == 0) {
    int saved = dup(0), fds[2];
    CHECK(pipe(fds) == 0);
    size_t n = 0;
    char *bytes = slurp("piped.tar", &n);
    CHECK(bytes != NULL && n < 60000); /* fits in the pipe's buffer */
    CHECK(write(fds[1], bytes, n) == (ssize_t)n);
    close(fds[1]);
    dup2(fds[0], 0);
    close(fds[0]);
    g = read1("-");
    dup2(saved, 0);
    close(saved);
    CHECK_INT(g.n, 2);
    CHECK_DOC(g, 0, "-!a.txt", "a.txt", "from stdin");
    gl_free(&g);
    free(bytes);
  }
}

/* Text that merely looks like something must stay a document. */
static void test_text_is_not_an_archive(void) {
  const char *t = "begin 644 notes.txt\n#0V%T\n`\nend\n";
  const char *ar = "!<arch>\nnot an archive after all\n";
  write_text("uu.txt", t);
  write_text("ar.txt", ar);
  spec s[] = {{"uu.txt", t, 0, 'f', NULL, 0},
              {"x.mtree", "#mtree\n./a type=file\n", 0, 'f', NULL, 0},
              {"ar.txt", ar, 0, 'f', NULL, 0},
              {"cpio.txt", "0707 is a date\n", 0, 'f', NULL, 0}};
  write_archive("looks.zip", "zip", NULL, s, 4);
  const char *p[] = {"uu.txt", "ar.txt", "looks.zip"};
  gotlist g = read_all(p, 3, 64 * MiB, 200, 4);
  CHECK_INT(g.n, 6);
  CHECK_DOC(g, 0, "uu.txt", "uu.txt", t);
  CHECK_DOC(g, 1, "ar.txt", "ar.txt", ar);
  CHECK_DOC(g, 2, "looks.zip!uu.txt", "uu.txt", t);
  CHECK_DOC(g, 3, "looks.zip!x.mtree", "x.mtree", "#mtree\n./a type=file\n");
  CHECK_DOC(g, 4, "looks.zip!ar.txt", "ar.txt", ar);
  CHECK_DOC(g, 5, "looks.zip!cpio.txt", "cpio.txt", "0707 is a date\n");
  gl_free(&g);
}

/* Sparse entries: holes become zeros, up to the entry's size and no more
 * (xar: libarchive reports a wrong offset at the end of the second entry). */
static void test_sparse_and_offsets(void) {
  struct archive *a = archive_write_new();
  archive_write_set_format_pax(a);
  CHECK(archive_write_open_filename(a, "sparse.tar") == ARCHIVE_OK);
  struct archive_entry *ae = archive_entry_new();
  archive_entry_set_pathname(ae, "holes.txt");
  archive_entry_set_filetype(ae, AE_IFREG);
  archive_entry_set_perm(ae, 0644);
  archive_entry_set_size(ae, 3000);
  archive_entry_sparse_add_entry(ae, 0, 5);
  archive_entry_sparse_add_entry(ae, 1000, 5);
  CHECK(archive_write_header(a, ae) == ARCHIVE_OK);
  char logical[3000] = "hello"; /* the writer keeps the mapped parts */
  memcpy(logical + 1000, "world", 5);
  CHECK(archive_write_data(a, logical, sizeof logical) == (la_ssize_t)sizeof logical);
  archive_entry_free(ae);
  archive_write_close(a);
  archive_write_free(a);
  gotlist g = read1("sparse.tar");
  CHECK_INT(g.n, 1);
  if (g.n) {
    CHECK_STR(g.v[0].id, "sparse.tar!holes.txt");
    CHECK_INT(g.v[0].size, 3000);
    if (g.v[0].size == 3000) {
      CHECK(memcmp(g.v[0].data, "hello", 5) == 0);
      CHECK(memcmp(g.v[0].data + 1000, "world", 5) == 0);
      CHECK(g.v[0].data[5] == 0 && g.v[0].data[999] == 0 && g.v[0].data[2999] == 0);
    }
  }
  gl_free(&g);

  CHECK(mkdir("x", 0755) == 0);
  write_text("x/one.txt", "first document\n");
  write_text("x/two.txt", "second document\n");
  if (sh("cd x && bsdtar --format xar -cf ../two.xar one.txt two.txt") == 0)
    check_two("two.xar", "two.xar!one.txt", "two.xar!two.txt");
}

/* ---- main -------------------------------------------------------------- */

int main(void) {
  if (scratch_enter("input")) return 1;
  RUN(test_zip_three_entries);
  RUN(test_formats_from_tools);
  RUN(test_nested_formats);
  RUN(test_single_compressed);
  RUN(test_directory_sorted);
  RUN(test_plain_file_and_symlink_given);
  RUN(test_nested_zips);
  RUN(test_gz_in_zip);
  RUN(test_links_and_devices_in_tar);
  RUN(test_too_large);
  RUN(test_ratio_bomb);
  RUN(test_ratio_no_false_alarm);
  RUN(test_truncated);
  RUN(test_missing_then_good);
  RUN(test_empty_files);
  RUN(test_hostile_names);
  RUN(test_stdin);
  RUN(test_text_is_not_an_archive);
  RUN(test_sparse_and_offsets);
  scratch_leave();
  return DONE();
}
