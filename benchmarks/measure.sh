# Sourced by the comparison scripts. measure CMD...: median wall time (s) and peak RSS (KB)
# of CMD over $runs runs, timings written through $work/t.
measure() {
  local times=() rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>&1
    read -r t m <"$work/t"
    times+=("$t")
    (( m > rss )) && rss=$m
  done
  printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")" "$rss"
}
