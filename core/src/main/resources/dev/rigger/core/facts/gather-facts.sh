# Rigger facts probe. POSIX sh only: runs under dash, bash and busybox ash.
#
# Output, parsed by dev.rigger.core.facts.FactsGatherer:
#   @rigger-facts 1        header (format version)
#   key=value              one fact per line, first line of the value only
#   @section NAME          raw lines of a file or command follow, up to the next @section or @end
#   @end                   trailer: its absence means the output was cut short
# Every probe tolerates a missing tool or file (it just prints less). Nothing is written anywhere.

nl='
'
have() { command -v "$1" >/dev/null 2>&1; }

# key=value, cut at the first newline so one fact is always one line.
kv() { printf '%s=%s\n' "$1" "${2%%$nl*}"; }

# First line of a file, or nothing when it is missing or unreadable.
first_line() {
    [ -r "$1" ] || return 0
    line=
    IFS= read -r line < "$1"
    printf '%s' "$line"
}

# A whole file. Shell `read` rather than cat: some minimal images have no cat.
dump() {
    [ -r "$1" ] || return 0
    while IFS= read -r line || [ -n "$line" ]; do
        printf '%s\n' "$line"
    done < "$1"
}

section() { printf '@section %s\n' "$1"; }

yes_no() { if [ -e "$1" ]; then echo yes; else echo no; fi; }

printf '@rigger-facts 1\n'

# --- Identity: hostname from the kernel when the hostname tool is absent; FQDN may not resolve.
host=$(hostname 2>/dev/null) || host=$(first_line /proc/sys/kernel/hostname)
kv hostname "$host"
kv fqdn "$(hostname -f 2>/dev/null)"
kv kernel "$(uname -r 2>/dev/null || first_line /proc/sys/kernel/osrelease)"
kv architecture "$(uname -m 2>/dev/null)"

# --- Distribution: Debian's point release (12.11; os-release only says 12). os-release is a section below.
kv debian_version "$(first_line /etc/debian_version)"

# --- Hardware: CPUs online (nproc, else getconf, else count /proc/cpuinfo), memory in kB.
# (Files are tested before a loop reads them: POSIX lets a shell exit on a failed redirection.)
cpus=$(nproc 2>/dev/null) || cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null) || {
    cpus=
    if [ -r /proc/cpuinfo ]; then
        cpus=0
        while read -r key _; do
            if [ "$key" = processor ]; then cpus=$((cpus + 1)); fi
        done < /proc/cpuinfo
    fi
}
kv cpus "$cpus"
if [ -r /proc/meminfo ]; then
    while read -r key value _; do
        if [ "$key" = MemTotal: ]; then kv memtotal_kb "$value"; break; fi
    done < /proc/meminfo
fi

# --- Init system and package managers present.
kv pid1 "$(first_line /proc/1/comm)"
tools=
for tool in apt-get dnf yum apk zypper pacman; do
    have "$tool" && tools="$tools $tool"
done
kv package_tools "${tools# }"

# --- Virtualization: systemd's own detection when present, else marker files and DMI strings.
if have systemd-detect-virt; then
    kv detect_virt_container "$(systemd-detect-virt --container 2>/dev/null)"
    kv detect_virt_vm "$(systemd-detect-virt --vm 2>/dev/null)"
fi
kv dockerenv "$(yes_no /.dockerenv)"
kv containerenv "$(yes_no /run/.containerenv)"
kv systemd_container "$(first_line /run/systemd/container)"
kv dmi_sys_vendor "$(first_line /sys/class/dmi/id/sys_vendor)"
kv dmi_product_name "$(first_line /sys/class/dmi/id/product_name)"

section os-release
if [ -r /etc/os-release ]; then dump /etc/os-release; else dump /usr/lib/os-release; fi

section proc1-cgroup
dump /proc/1/cgroup

# --- Network: iproute2 (or busybox ip) when it works; else /sys, /proc/net/if_inet6,
# /proc/net/fib_trie (local IPv4 addresses) and /proc/net/route (interfaces, prefixes, gateway).
if have ip && ip -o link show >/dev/null 2>&1; then
    section ip-link
    ip -o link show 2>/dev/null
    section ip-addr
    ip -o addr show 2>/dev/null
    section ip-route-default
    ip -4 route show default 2>/dev/null
else
    section sys-net
    for dir in /sys/class/net/*; do
        [ -d "$dir" ] || continue
        printf '%s ifindex=%s mac=%s mtu=%s operstate=%s flags=%s\n' "${dir##*/}" \
            "$(first_line "$dir/ifindex")" "$(first_line "$dir/address")" "$(first_line "$dir/mtu")" \
            "$(first_line "$dir/operstate")" "$(first_line "$dir/flags")"
    done
    section if-inet6
    dump /proc/net/if_inet6
    section fib-trie
    dump /proc/net/fib_trie
    section proc-net-route
    dump /proc/net/route
fi

printf '@end\n'
