/*
 * cli.c: the command line. Parses `vigie COMMAND ...`, prints help, and
 * calls the engine: vigie_run for `run`, the runner's commands for the
 * others. Every error is printed as `vigie: message` and ends with the
 * documented exit status.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "reader.h"
#include "runner.h"
#include "text.h"
#include "vigie.h"

int vg_cli_main(int argc, char **argv);

static const char USAGE[] =
    "usage: vigie COMMAND [ARGS]\n"
    "\n"
    "  run PIPELINE.lua [INPUT ...] [options]   run a pipeline\n"
    "  check PIPELINE.lua                       load it and every stage; report problems\n"
    "  ls INPUT ...                             list the documents vigie would read\n"
    "  cat INPUT ... [--id ID]                  print documents' decoded, normalized text\n"
    "  test TESTS.lua ...                       run stage tests (t:case ...)\n"
    "  stats STATS.json ...                     sum the --stats files of several runs\n"
    "\n"
    "INPUT: an archive (zip, tar, tar.gz, 7z, ...), a compressed file (.gz, .xz,\n"
    ".zst, .bz2), a directory, a file, or - (standard input).\n"
    "`vigie COMMAND --help` tells more. vigie --version prints the version.\n";

static const char RUN_HELP[] =
    "usage: vigie run PIPELINE.lua [INPUT ...] [options]\n"
    "\n"
    "Reads every document of the INPUTs (or the pipeline's `input`), passes it\n"
    "through the pipeline's stages, and writes what is kept.\n"
    "\n"
    "  -o, --output PATH     where documents go; repeatable (-o flags.tsv -o report.html);\n"
    "                        default stdout, JSONL. The format comes from the extension:\n"
    "                        .jsonl, .jsonl.gz, .zip, .tar, .tar.gz, .tsv (one row per flag),\n"
    "                        .html (a report of the flagged documents), DIR/ (a folder)\n"
    "      --format F        jsonl, jsonl.gz, zip, tar, tar.gz, dir, tsv or html, for every\n"
    "                        output (default: from each output's extension)\n"
    "      --force           replace an output folder that exists and is not empty\n"
    "      --input-format F  archive (default: archives, compressed files, folders, files)\n"
    "                        or jsonl (documents as vigie writes them; {\"id\",\"text\"} is enough)\n"
    "  -j, --jobs N          worker threads, each with its own Lua state (default: CPUs)\n"
    "      --normalize F     NFC (default), NFKC, NFD, NFKD, none\n"
    "      --set K=V         pipeline parameter; STAGE.K=V for one stage; repeatable\n"
    "      --errors PATH     JSONL line per document failed, skipped or dropped\n"
    "      --rejects PATH    dropped documents, whole, with metadata.filter_reason\n"
    "      --stats PATH      the run's summary as JSON\n"
    "      --trace ID        print what each stage did to document ID (and its parts)\n"
    "      --no-text         leave the text out of the JSONL output\n"
    "      --limit N         stop after N documents\n"
    "      --fail-fast       stop at the first document that fails (exit 3)\n"
    "      --shard K/N       only documents whose id hashes to K modulo N\n"
    "      --shard-by W      doc (default) or input: what --shard splits\n"
    "      --skip-existing   exit 0 at once when the output already exists\n"
    "      --max-doc-bytes N larger entries are skipped (default 64M; K, M, G)\n"
    "      --max-ratio R     entries expanding more than R times are skipped (200)\n"
    "      --max-depth D     archives nested deeper are skipped (4)\n"
    "      --formats LIST    document formats extracted to text: pdf,docx,odt,html,eml,\n"
    "                        all (default) or none; others are skipped and reported\n"
    "      --timeout S       seconds a document may spend in one stage (10)\n"
    "      --input-timeout S an input that reads and yields nothing for S seconds is\n"
    "                        abandoned and reported (30; 0: read in-process, no limit)\n"
    "      --lua-memory N    memory of a worker's Lua state (512M)\n"
    "      --trust           stages get the whole Lua standard library\n"
    "      --progress, --no-progress   a progress line on stderr (default: on a terminal)\n"
    "\n"
    "Exit status: 0 every document went through (drops and skips included);\n"
    "1 some inputs or documents failed; 2 usage or pipeline error; 3 aborted;\n"
    "130 interrupted.\n";

static const char CHECK_HELP[] =
    "usage: vigie check PIPELINE.lua [--set K=V ...] [--trust]\n"
    "\n"
    "Loads the pipeline and every stage, runs their init, and reports every\n"
    "problem found (not only the first). Runs no document. Exit 0 when the\n"
    "pipeline can run, 2 when it cannot.\n";

static const char LS_HELP[] =
    "usage: vigie ls INPUT ... [--formats LIST] [--max-doc-bytes N] [--max-ratio R]\n"
    "                [--max-depth D]\n"
    "\n"
    "Lists every entry vigie would read: id, bytes, format (text, pdf, docx,\n"
    "odt, html, eml), encoding, status (ok, skipped and why, error), one per\n"
    "line, tab-separated. Bytes are the entry's own, before extraction.\n";

static const char CAT_HELP[] =
    "usage: vigie cat INPUT ... [--id ID] [--normalize F] [--formats LIST]\n"
    "                 [--max-doc-bytes N] [--max-ratio R] [--max-depth D]\n"
    "\n"
    "Prints the decoded, normalized text of every document, or of the one\n"
    "whose id is ID: what the stages would see in doc.text. The limits are\n"
    "those of vigie run.\n";

static const char TEST_HELP[] =
    "usage: vigie test TESTS.lua ... [--trust]\n"
    "\n"
    "Runs stage tests written with vigie.test:\n"
    "\n"
    "  local t = vigie.test(\"stages/flag_terms.lua\", { terms = \"terms.txt\" })\n"
    "  t:case(\"a claim\", { text = \"...\", flags = { \"geoloc\" }, tags = { \"surveillance\" } })\n"
    "\n"
    "A case may check flags (rules in text order), tags, dropped (true or\n"
    "false), expect_meta (the keys given; vigie.null for none) and\n"
    "expect_text (the text after the stage). Prints one entry per failing case, then\n"
    "\"N passed, N failed\". Exit 0 when all passed, 1 when a case failed, 2\n"
    "when a test file cannot run.\n";

static const char STATS_HELP[] =
    "usage: vigie stats STATS.json ...\n"
    "\n"
    "Sums the --stats files of several runs (shards of one corpus, say) and\n"
    "prints the total as JSON on stdout and as a summary on stderr.\n";

enum { OPT_BASE = 256 };

static const struct option RUN_OPTS[] = {
    {"output", required_argument, 0, 'o'},
    {"jobs", required_argument, 0, 'j'},
    {"format", required_argument, 0, OPT_BASE},
    {"force", no_argument, 0, OPT_BASE},
    {"input-format", required_argument, 0, OPT_BASE},
    {"normalize", required_argument, 0, OPT_BASE},
    {"set", required_argument, 0, OPT_BASE},
    {"errors", required_argument, 0, OPT_BASE},
    {"rejects", required_argument, 0, OPT_BASE},
    {"stats", required_argument, 0, OPT_BASE},
    {"trace", required_argument, 0, OPT_BASE},
    {"no-text", no_argument, 0, OPT_BASE},
    {"limit", required_argument, 0, OPT_BASE},
    {"fail-fast", no_argument, 0, OPT_BASE},
    {"shard", required_argument, 0, OPT_BASE},
    {"shard-by", required_argument, 0, OPT_BASE},
    {"skip-existing", no_argument, 0, OPT_BASE},
    {"max-doc-bytes", required_argument, 0, OPT_BASE},
    {"max-ratio", required_argument, 0, OPT_BASE},
    {"max-depth", required_argument, 0, OPT_BASE},
    {"formats", required_argument, 0, OPT_BASE},
    {"timeout", required_argument, 0, OPT_BASE},
    {"input-timeout", required_argument, 0, OPT_BASE},
    {"lua-memory", required_argument, 0, OPT_BASE},
    {"trust", no_argument, 0, OPT_BASE},
    {"progress", no_argument, 0, OPT_BASE},
    {"no-progress", no_argument, 0, OPT_BASE},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};

static int usage_error(const char *help_of, const char *fmt, const char *arg) {
  fprintf(stderr, "vigie: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(vigie %s--help tells how)\n", help_of);
  return VIGIE_EXIT_USAGE;
}

static int cmd_run(int argc, char **argv) {
  int idx = 0, c;
  vigie_run *r = NULL;
  char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
  size_t ninputs = 0;
  /* the pipeline and inputs may come before or among the options */
  struct {
    const char *name, *value;
  } *opts = calloc((size_t)argc + 1, sizeof *opts);
  size_t nopts = 0;
  int status = 0;
  if (!inputs || !opts) return VIGIE_EXIT_ABORTED;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "-o:j:h", RUN_OPTS, &idx)) != -1) {
    if (c == 'h') {
      fputs(RUN_HELP, stdout);
      goto done;
    } else if (c == 1) {
      inputs[ninputs++] = optarg;
    } else if (c == 'o' || c == 'j') {
      opts[nopts].name = c == 'o' ? "output" : "jobs";
      opts[nopts++].value = optarg;
    } else if (c == OPT_BASE) {
      opts[nopts].name = RUN_OPTS[idx].name;
      opts[nopts++].value = optarg;
    } else {
      status = usage_error("run ", optopt ? "option -%s needs a value or is unknown"
                                          : "unknown option %s",
                           optopt ? (char[]){(char)optopt, 0} : argv[optind - 1]);
      goto done;
    }
  }
  for (; optind < argc; optind++) inputs[ninputs++] = argv[optind];
  if (ninputs == 0) {
    status = usage_error("run ", "%s", "run needs a pipeline file: vigie run PIPELINE.lua [INPUT ...]");
    goto done;
  }
  r = vigie_run_new(inputs[0]);
  if (!r) {
    status = VIGIE_EXIT_ABORTED;
    goto done;
  }
  for (size_t i = 0; i < nopts; i++)
    if (vigie_run_option(r, opts[i].name, opts[i].value)) {
      status = usage_error("run ", "%s", vigie_run_error(r));
      goto done;
    }
  for (size_t i = 1; i < ninputs; i++) vigie_run_add_input(r, inputs[i]);
  status = vigie_run_exec(r);
done:
  vigie_run_free(r);
  free(inputs);
  free(opts);
  return status;
}

/* Parses the options shared by ls and cat. */
static int input_cmd(int argc, char **argv, int is_cat) {
  static const struct option opts[] = {
      {"max-doc-bytes", required_argument, 0, 'b'}, {"max-ratio", required_argument, 0, 'r'},
      {"max-depth", required_argument, 0, 'd'},     {"id", required_argument, 0, 'i'},
      {"formats", required_argument, 0, 'f'},
      {"normalize", required_argument, 0, 'n'},     {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  const char *help = is_cat ? CAT_HELP : LS_HELP, *cmd = is_cat ? "cat " : "ls ";
  vg_input_opts o = {64ULL << 20, 200, 4, 0, 0, 0, 0};
  const char *id = NULL;
  char ferr[VG_ERRLEN];
  vg_norm norm = VG_NORM_NFC;
  char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
  size_t n = 0;
  int c, status = 0;
  uint64_t u;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "-h", opts, NULL)) != -1) {
    switch (c) {
      case 1: inputs[n++] = optarg; break;
      case 'h': fputs(help, stdout); goto done;
      case 'b':
        if (vg_parse_size(optarg, &u) || !u) { status = usage_error(cmd, "--max-doc-bytes %s: expected a size such as 64M", optarg); goto done; }
        o.max_doc_bytes = u;
        break;
      case 'r': o.max_ratio = atof(optarg); if (o.max_ratio < 1) { status = usage_error(cmd, "--max-ratio %s: expected a ratio of at least 1", optarg); goto done; } break;
      case 'd': o.max_depth = atoi(optarg); break;
      case 'f':
        if (vg_format_parse_list(optarg, &o.formats, ferr)) { status = usage_error(cmd, "%s", ferr); goto done; }
        break;
      case 'i':
        if (!is_cat) { status = usage_error(cmd, "%s", "--id goes with vigie cat"); goto done; }
        id = optarg;
        break;
      case 'n':
        if (vg_norm_parse(optarg, &norm)) { status = usage_error(cmd, "--normalize %s: expected NFC, NFKC, NFD, NFKD or none", optarg); goto done; }
        break;
      default: status = usage_error(cmd, "unknown option %s", argv[optind - 1]); goto done;
    }
  }
  for (; optind < argc; optind++) inputs[n++] = argv[optind];
  if (!n) {
    status = usage_error(cmd, "%s", "no INPUT given");
    goto done;
  }
  status = is_cat ? vg_cmd_cat((const char *const *)inputs, n, &o, id, norm)
                  : vg_cmd_ls((const char *const *)inputs, n, &o);
done:
  free(inputs);
  return status;
}

static int cmd_check(int argc, char **argv) {
  static const struct option opts[] = {{"set", required_argument, 0, 's'},
                                       {"trust", no_argument, 0, 't'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char **sets = calloc((size_t)argc + 1, sizeof *sets);
  const char *pipeline = NULL;
  size_t nsets = 0;
  int c, trust = 0, status = VIGIE_EXIT_USAGE;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "-h", opts, NULL)) != -1) {
    if (c == 1 && !pipeline) pipeline = optarg;
    else if (c == 's') sets[nsets++] = optarg;
    else if (c == 't') trust = 1;
    else if (c == 'h') {
      fputs(CHECK_HELP, stdout);
      status = 0;
      goto done;
    } else {
      status = usage_error("check ", "unexpected argument %s", argv[optind - 1]);
      goto done;
    }
  }
  if (!pipeline) status = usage_error("check ", "%s", "check needs a pipeline file");
  else status = vg_cmd_check(pipeline, sets, nsets, trust);
done:
  free(sets);
  return status;
}

static int cmd_test(int argc, char **argv) {
  const char **files = calloc((size_t)argc + 1, sizeof *files);
  size_t n = 0;
  int trust = 0, status;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(TEST_HELP, stdout);
      free(files);
      return 0;
    }
    if (!strcmp(argv[i], "--trust")) trust = 1;
    else if (argv[i][0] == '-') {
      free(files);
      return usage_error("test ", "unknown option %s", argv[i]);
    } else files[n++] = argv[i];
  }
  if (!n) status = usage_error("test ", "%s", "test needs test files");
  else status = vg_cmd_test(files, n, trust);
  free(files);
  return status;
}

static int cmd_stats(int argc, char **argv) {
  if (argc < 2) return usage_error("stats ", "%s", "stats needs --stats files");
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    fputs(STATS_HELP, stdout);
    return 0;
  }
  return vg_cmd_stats((const char *const *)argv + 1, (size_t)argc - 1);
}

int vg_cli_main(int argc, char **argv) {
  if (argc < 2) {
    fputs(USAGE, stderr);
    return VIGIE_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(USAGE, stdout);
    return 0;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
    printf("vigie %s\n", vigie_version());
    return 0;
  }
  if (!strcmp(cmd, "run")) return cmd_run(argc - 1, argv + 1);
  if (!strcmp(cmd, "check")) return cmd_check(argc - 1, argv + 1);
  if (!strcmp(cmd, "ls")) return input_cmd(argc - 1, argv + 1, 0);
  if (!strcmp(cmd, "cat")) return input_cmd(argc - 1, argv + 1, 1);
  if (!strcmp(cmd, "stats")) return cmd_stats(argc - 1, argv + 1);
  if (!strcmp(cmd, "test")) return cmd_test(argc - 1, argv + 1);
  if (!strcmp(cmd, "__reader")) return vg_reader_child_main(argc - 1, argv + 1); /* run's reader child */
  fprintf(stderr, "vigie: unknown command '%s'\n\n%s", cmd, USAGE);
  return VIGIE_EXIT_USAGE;
}
