package dev.rigger.modules.storage;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.ShellQuote;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An OCFS2 filesystem on a shared disk, made exactly once, from one node.
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code device} — the shared block device (or, for tests, an image file) (required).</li>
 *   <li>{@code label} — the volume label (required; at most 63 characters).</li>
 *   <li>{@code cluster_name} — the o2cb cluster (as in cluster.conf) (required).</li>
 *   <li>{@code slots} — node slots (how many nodes may mount at once); default twice {@code node_count},
 *       so the cluster can grow without {@code tunefs.ocfs2 -N}; one of the two is required.</li>
 *   <li>{@code block_size} (default {@code 4K}), {@code cluster_size} (default {@code 4K}: a filestore
 *       of many small files wastes least).</li>
 *   <li>{@code force} — default false: format over an existing filesystem.</li>
 * </ul>
 *
 * <p>Safety, in this order:
 * <ol>
 *   <li>The task must run on one host: a play that would run it on several (no {@code run_once}) fails
 *       before anything changes — two nodes formatting one shared disk destroy each other's work. The count
 *       is {@link ModuleContext#taskHosts()}: a {@code when} that leaves one host still counts the others,
 *       so use {@code run_once} (which also hands the registered UUID to every host).</li>
 *   <li>{@code blkid -p -o value -s TYPE} reads the device itself (not a cache): exit 2 (nothing there)
 *       formats; exit 0 with {@code ocfs2} is the filesystem made earlier — no change, its UUID is
 *       registered; exit 0 with anything else is refused unless {@code force}; exit 8 (more than one
 *       signature: ambivalent) is always refused.</li>
 *   <li>{@code mkfs.ocfs2 -x} never prompts (its prompt would otherwise be the only guard, and it only
 *       appears on a terminal); the apply script checks blkid again just before, in case the device was
 *       written since the probe.</li>
 * </ol>
 * The command is {@code mkfs.ocfs2 -x -q -b BS -C CS -N SLOTS -L LABEL --cluster-stack=o2cb
 * --cluster-name=NAME DEVICE}. It needs {@code modprobe} (package kmod): ocfs2-tools 1.8.7 forks
 * modprobe, and when that binary is missing the forked children run on as copies of mkfs. Registered:
 * {@code uuid}, {@code label}, {@code fstype} — so a {@code run_once} task gives every node the UUID to
 * mount by.
 *
 * <pre>{@code
 * - name: the shared disk carries OCFS2
 *   ocfs2_format:
 *     device: /dev/disk/by-path/ip-192.168.55.112:3260-iscsi-iqn.2026-11.com.example:shared-lun-1
 *     label: odoo
 *     cluster_name: odoo
 *     node_count: 2
 *   run_once: true
 *   register: shared_fs
 * }</pre>
 *
 * <pre>{@code
 * Ocfs2Format.of("/dev/sdb", "odoo", "odoo", 4).build()
 * }</pre>
 */
public record Ocfs2Format(String device, String label, String clusterName, int slots, String blockSize, String clusterSize, boolean force)
        implements Module<Ocfs2Format.Current> {

    private static final Pattern SIZE = Pattern.compile("(512|1K|2K|4K|8K|16K|32K|64K|128K|256K|512K|1M)");
    private static final Pattern CLUSTER = Pattern.compile("[A-Za-z0-9_]{1,16}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.-]{1,63}");

    public Ocfs2Format {
        if (device == null || !device.startsWith("/")) throw new ModuleArgumentException("ocfs2_format", "device", "must be an absolute path, got '" + device + "'");
        if (label == null || !LABEL.matcher(label).matches()) throw new ModuleArgumentException("ocfs2_format", "label", "1 to 63 letters, digits, '.', '_' or '-'");
        if (clusterName == null || !CLUSTER.matcher(clusterName).matches()) {
            throw new ModuleArgumentException("ocfs2_format", "cluster_name", "1 to 16 letters, digits or '_' (o2cb's limit)");
        }
        if (slots < 1 || slots > 255) throw new ModuleArgumentException("ocfs2_format", "slots", "between 1 and 255, got " + slots);
        if (blockSize == null) blockSize = "4K";
        if (clusterSize == null) clusterSize = "4K";
        if (!SIZE.matcher(blockSize).matches()) throw new ModuleArgumentException("ocfs2_format", "block_size", "512, 1K, 2K or 4K");
        if (!SIZE.matcher(clusterSize).matches()) throw new ModuleArgumentException("ocfs2_format", "cluster_size", "a power of two from 4K to 1M");
    }

    /** Formats {@code device} for {@code slots} nodes of the o2cb cluster {@code clusterName}, once. */
    public static Builder of(String device, String label, String clusterName, int slots) {
        return new Builder(device, label, clusterName, slots);
    }

    /** Optional parameters of an ocfs2_format task; {@link #build()} checks them all. */
    public static final class Builder {
        private final String device;
        private final String label;
        private final String clusterName;
        private final int slots;
        private String blockSize;
        private String clusterSize;
        private boolean force;

        private Builder(String device, String label, String clusterName, int slots) {
            this.device = device;
            this.label = label;
            this.clusterName = clusterName;
            this.slots = slots;
        }

        /** 512, 1K, 2K or 4K (default 4K). */
        public Builder blockSize(String value) { this.blockSize = value; return this; }
        /** A power of two from 4K to 1M (default 4K). */
        public Builder clusterSize(String value) { this.clusterSize = value; return this; }
        public Builder force(boolean value) { this.force = value; return this; }

        /** @throws ModuleArgumentException naming the parameter that cannot work */
        public Ocfs2Format build() {
            return new Ocfs2Format(device, label, clusterName, slots, blockSize, clusterSize, force);
        }
    }

    @Override
    public String moduleName() {
        return "ocfs2_format";
    }

    List<String> mkfsCommand() {
        return List.of("mkfs.ocfs2", "-x", "-q", "-b", blockSize, "-C", clusterSize, "-N", String.valueOf(slots), "-L", label,
                "--cluster-stack=o2cb", "--cluster-name=" + clusterName, device);
    }

    @Override
    public Probe<Current> probe(ModuleContext context) {
        String script = "d=" + ShellQuote.quote(device) + "\n"
                + "if [ ! -e \"$d\" ]; then echo 'device missing'; exit 0; fi\n"
                + "command -v mkfs.ocfs2 >/dev/null 2>&1 || echo 'no mkfs.ocfs2'\n"
                + "command -v modprobe >/dev/null 2>&1 || echo 'no modprobe'\n"
                + "rc=0; type=$(blkid -p -o value -s TYPE \"$d\" 2>/dev/null) || rc=$?\n"
                + "printf 'blkid\\t%s\\t%s\\n' \"$rc\" \"$(printf '%s' \"$type\" | tr '\\n' ' ')\"\n"
                + "if [ \"$rc\" = 0 ]; then blkid -p -o export \"$d\" 2>/dev/null | grep -E '^(UUID|LABEL|PTTYPE)=' || true; fi\n";
        return Probe.of(script, Current::parse);
    }

    @Override
    public Plan plan(Current current, ModuleContext context) {
        if (context.taskHosts().size() > 1) {
            throw new ModuleException("ocfs2_format must run from one host only, but this task runs on " + context.taskHosts().size()
                    + " (" + String.join(", ", context.taskHosts()) + "): add run_once: true. Two nodes formatting one shared disk destroy each other's work");
        }
        if (current.missing()) throw new ModuleException(device + " does not exist on " + context.hostName());
        if (!current.mkfs()) throw new ModuleException("mkfs.ocfs2 not found: install the ocfs2-tools package");
        Map<String, Object> data = new LinkedHashMap<>();
        switch (current.blkidExit()) {
            case 2 -> { }
            case 8 -> throw new ModuleException("blkid finds more than one signature on " + device
                    + " (exit 8, ambivalent): refusing to format, with or without force; wipe it deliberately (wipefs) if it is really free");
            case 0 -> {
                if (current.type().equals("ocfs2")) {
                    data.put("uuid", current.uuid());
                    data.put("label", current.label());
                    data.put("fstype", "ocfs2");
                    String note = current.label().equals(label) ? "" : " (its label is " + current.label() + ", not " + label + "; not reformatted)";
                    data.put("msg", device + " already carries OCFS2 " + current.uuid() + note);
                    if (!force) return Plan.noChange(data);
                } else if (!force) {
                    String what = current.type().isEmpty() ? (current.ptType().isEmpty() ? "a signature" : "a " + current.ptType() + " partition table")
                            : "a " + current.type() + " filesystem";
                    throw new ModuleException(device + " carries " + what + " (blkid exit 0): refusing to format it; set force: true to overwrite it");
                }
            }
            default -> throw new ModuleException("blkid could not read " + device + " (exit " + current.blkidExit() + ")");
        }
        if (!current.modprobe()) {
            throw new ModuleException("modprobe not found (package kmod): mkfs.ocfs2 forks it, and without it ocfs2-tools misbehaves; install kmod");
        }
        String existing = current.blkidExit() == 2 ? "" : " over the existing " + (current.type().isEmpty() ? "signature" : current.type()) + " (force)";
        Change change = Change.of("format " + device + " as OCFS2 (label " + label + ", cluster " + clusterName + ", " + slots + " slots, block "
                + blockSize + ", cluster " + clusterSize + ")" + existing);
        // The guard again, right before mkfs: the probe may be minutes old on a shared disk.
        String script = "set -eu\n"
                + "d=" + ShellQuote.quote(device) + "\n"
                + "rc=0; blkid -p -o value -s TYPE \"$d\" >/dev/null 2>&1 || rc=$?\n"
                + "if [ \"$rc\" != " + current.blkidExit() + " ]; then echo \"$d changed since it was read (blkid exit now $rc): not formatting\" >&2; exit 1; fi\n"
                + ShellQuote.quoteAll(mkfsCommand()) + " </dev/null >/dev/null\n"
                + "printf 'uuid=%s\\n' \"$(blkid -p -o value -s UUID \"$d\")\"\n";
        return Plan.apply(change, script).interpretedBy(r -> {
            Outcome o = Outcome.fromExit(r);
            if (o.failed()) return o;
            Map<String, Object> registered = new HashMap<>(o.data());
            registered.put("uuid", r.stdout().strip().replaceFirst("^uuid=", ""));
            registered.put("label", label);
            registered.put("fstype", "ocfs2");
            return new Outcome(false, true, "", registered);
        });
    }

    /**
     * The device as the probe read it.
     *
     * @param blkidExit {@code blkid -p}'s exit: 0 something found, 2 nothing, 8 ambivalent
     * @param type      the filesystem type blkid names (empty when none)
     */
    public record Current(boolean missing, boolean mkfs, boolean modprobe, int blkidExit, String type, String uuid, String label, String ptType) {
        static Current parse(ExecResult r) {
            if (!r.succeeded()) throw new ModuleException("reading the device failed (exit " + r.exitCode() + "): " + r.stderr().strip());
            String out = r.stdout();
            if (out.startsWith("device missing")) return new Current(true, false, false, -1, "", "", "", "");
            int exit = -1;
            String type = "";
            Map<String, String> export = new HashMap<>();
            for (String line : out.split("\n")) {
                if (line.startsWith("blkid\t")) {
                    String[] f = line.split("\t", 3);
                    exit = Integer.parseInt(f[1].strip());
                    type = f.length > 2 ? f[2].strip() : "";
                } else if (line.contains("=")) {
                    export.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
            return new Current(false, !out.contains("no mkfs.ocfs2\n"), !out.contains("no modprobe\n"), exit, type,
                    export.getOrDefault("UUID", ""), export.getOrDefault("LABEL", ""), export.getOrDefault("PTTYPE", ""));
        }
    }

    /** YAML binding: {@code ocfs2_format}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("device", "label", "cluster_name", "slots", "node_count", "block_size", "cluster_size", "force");

        @Override
        public List<String> names() {
            return List.of("ocfs2_format");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Set<String> required() {
            return Set.of("device", "label", "cluster_name");
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            int slots;
            if (args.has("slots")) {
                slots = args.integer("slots", 0);
            } else if (args.has("node_count")) {
                slots = 2 * args.integer("node_count", 0);
            } else {
                throw args.error("slots", "ocfs2_format: give slots, or node_count (slots are then twice that)");
            }
            try {
                return new Ocfs2Format(args.string("device"), args.string("label"), args.string("cluster_name"), slots,
                        args.optionalString("block_size").orElse(null), args.optionalString("cluster_size").orElse(null), args.bool("force", false));
            } catch (IllegalArgumentException e) {
                throw args.error(e, "device");
            }
        }
    }
}
