package dev.rigger.modules.apt;

/**
 * Shell pieces shared by the apt modules: a non-interactive environment and an {@code apt-get}
 * runner that waits for apt's locks instead of failing on them.
 *
 * <p>{@code -o DPkg::Lock::Timeout} only makes apt wait for the dpkg locks. The lists lock
 * ({@code apt-get update}) and the archives lock (downloads) fail at once when another apt holds
 * them, so the runner first waits until no process holds those (read from {@code /proc/locks},
 * which lists the POSIX locks apt takes, without taking them itself) and still retries while apt
 * reports "Could not get lock", because a lock can be taken between the look and the run.
 */
final class AptScripts {

    /** Stamp touched after every successful cache update; Ubuntu's apt hook and Ansible use the same file. */
    static final String UPDATE_STAMP = "/var/lib/apt/periodic/update-success-stamp";

    private AptScripts() {
    }

    /** Environment and functions for an apply script; {@code lockTimeout} bounds all lock waiting, in seconds. */
    static String preamble(int lockTimeout) {
        return """
                export DEBIAN_FRONTEND=noninteractive LC_ALL=C
                if [ "$(id -u)" != 0 ]; then echo "rigger: apt needs root: run the task with become: true" >&2; exit 77; fi
                rigger_deadline=$(( $(date +%s) + LOCK_TIMEOUT ))
                rigger_lock_held() {
                  [ -e "$1" ] || return 1
                  rigger_ino=$(stat -c %i -- "$1" 2>/dev/null) || return 1
                  grep -Eq " [0-9a-f]+:[0-9a-f]+:$rigger_ino " /proc/locks 2>/dev/null
                }
                rigger_wait_locks() {
                  for rigger_lock in /var/lib/apt/lists/lock /var/cache/apt/archives/lock; do
                    while rigger_lock_held "$rigger_lock" && [ "$(date +%s)" -lt "$rigger_deadline" ]; do sleep 1; done
                  done
                }
                rigger_apt_get() {
                  while :; do
                    rigger_wait_locks
                    rigger_left=$(( rigger_deadline - $(date +%s) ))
                    [ "$rigger_left" -gt 0 ] || rigger_left=0
                    rigger_err=$(mktemp) || return 1
                    apt-get -y -q -o DPkg::Lock::Timeout="$rigger_left" "$@" </dev/null 2>"$rigger_err"
                    rigger_rc=$?
                    if [ "$rigger_rc" -ne 0 ] && grep -q 'Could not get lock' "$rigger_err" && [ "$(date +%s)" -lt "$rigger_deadline" ]; then
                      rm -f "$rigger_err"
                      sleep 1
                      continue
                    fi
                    cat "$rigger_err" >&2
                    rm -f "$rigger_err"
                    return "$rigger_rc"
                  done
                }
                """.replace("LOCK_TIMEOUT", Integer.toString(lockTimeout));
    }

    /** A full {@code apt-get update}; on success touches the stamp that {@code cache_valid_time} reads. */
    static String updateCache() {
        return "if ! rigger_apt_get update; then echo \"rigger: apt-get update failed\" >&2; exit 1; fi\n"
                + "mkdir -p \"$(dirname " + UPDATE_STAMP + ")\" && touch " + UPDATE_STAMP + "\n";
    }
}
