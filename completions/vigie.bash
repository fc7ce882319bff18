# bash completion for vigie: subcommands, each one's options, the values
# of the options that take a fixed set, and files elsewhere (pipelines,
# inputs, outputs). Installed into share/bash-completion/completions/.
# tests/cli/test_manpage.py checks that the options here are those of
# `vigie COMMAND --help`.

_vigie() {
  local cur prev cmd i
  COMPREPLY=()
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}

  local commands="run check ls cat test stats"
  local run_opts="--output --format --force --input-format --jobs --normalize --set --errors
    --rejects --stats --trace --no-text --limit --fail-fast --shard --shard-by --skip-existing
    --max-doc-bytes --max-ratio --max-depth --formats --input-timeout --timeout --lua-memory --trust --progress
    --no-progress --help"
  local check_opts="--set --trust --help"
  local ls_opts="--formats --max-doc-bytes --max-ratio --max-depth --help"
  local cat_opts="--id --normalize --formats --max-doc-bytes --max-ratio --max-depth --help"
  local test_opts="--trust --help"
  local stats_opts="--help"

  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      run | check | ls | cat | test | stats) cmd=${COMP_WORDS[i]}; break ;;
    esac
  done

  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi

  case $prev in
    --format)
      COMPREPLY=($(compgen -W "jsonl jsonl.gz zip tar tar.gz dir tsv html" -- "$cur"))
      return ;;
    --input-format)
      COMPREPLY=($(compgen -W "archive jsonl" -- "$cur"))
      return ;;
    --normalize)
      COMPREPLY=($(compgen -W "NFC NFKC NFD NFKD none" -- "$cur"))
      return ;;
    --shard-by)
      COMPREPLY=($(compgen -W "doc input" -- "$cur"))
      return ;;
    --formats)
      local pre=""
      [[ $cur == *,* ]] && pre="${cur%,*},"
      COMPREPLY=($(compgen -P "$pre" -W "all none text pdf docx odt html eml" -- "${cur##*,}"))
      return ;;
    -j | --jobs | --limit | --shard | --max-doc-bytes | --max-ratio | --max-depth | --input-timeout | --timeout | \
      --lua-memory | --set | --trace | --id)
      return ;; # a value only the user knows
    -o | --output | --errors | --rejects | --stats)
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -f -- "$cur"))
      return ;;
  esac

  if [[ $cur == -* ]]; then
    local opts=${cmd}_opts
    COMPREPLY=($(compgen -W "${!opts}" -- "$cur"))
    return
  fi

  # pipelines, inputs, test files, stats files: files and folders
  compopt -o filenames 2>/dev/null
  case $cmd in
    stats) COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
  esac
}

complete -F _vigie vigie
