# bash completion for brink(1). The options of each command are read from its
# own --help, so they are always those of the brink being completed.
_brink() {
  local cur prev words cword
  _init_completion || return
  local cmd="" i
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      -*) ;;
      *) cmd=${words[i]}; break ;;
    esac
  done
  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "run exec compare plot report help --help --version -V" -- "$cur"))
    return
  fi
  # exec: after -- (or the command) it is the program's command line
  if [[ $cmd == exec ]]; then
    for ((i = i + 1; i < cword; i++)); do
      if [[ ${words[i]} == -- ]]; then
        _command_offset $((i + 1))
        return
      fi
    done
  fi
  case $prev in
    --out|--cwd) _filedir -d; return ;;
    --format) COMPREPLY=($(compgen -W "table md csv json" -- "$cur")); return ;;
    --user) COMPREPLY=($(compgen -u -- "$cur")); return ;;
    --shell|--exit-stop) COMPREPLY=($(compgen -W "yes no" -- "$cur")); return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$("${words[0]}" "$cmd" --help 2>/dev/null |
      grep -oE '(^|[ ,])--[a-z][a-z-]*' | tr -d ' ,' | sort -u)" -- "$cur"))
    return
  fi
  # an option that takes a value: leave it to the user
  if [[ $prev == --* && $cmd == exec ]] &&
    "${words[0]}" exec --help 2>/dev/null | grep -qE "^  $prev [A-Z]"; then
    return
  fi
  case $cmd in
    run) _filedir ini ;;
    compare|plot|report) _filedir -d ;;
    help) COMPREPLY=($(compgen -W "config results exit-codes run exec compare plot report" -- "$cur")) ;;
  esac
} && complete -F _brink brink
