package dev.rigger.modules.files;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.FileMode;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Ansible's {@code get_url}: the host downloads {@code url} ({@code http://}, {@code https://} with
 * curl, or {@code file://} with cp) to {@code dest}, through a temporary file in dest's directory
 * renamed into place, so a download cut short never becomes the file.
 *
 * <ul>
 *   <li>{@code dest} (required) — absolute path; an existing directory (or a path ending in
 *       {@code /}) receives the file under the URL's last path segment.</li>
 *   <li>{@code checksum} — {@code ALGORITHM:HEX} (md5, sha1, sha224, sha256, sha384, sha512): the
 *       download must match it, and a dest that already matches is not downloaded again.</li>
 *   <li>{@code force} — default false: an existing dest is kept unless a checksum says it is wrong;
 *       true downloads every run and replaces dest only when the content differs.</li>
 *   <li>{@code mode}, {@code owner}, {@code group} — as {@code copy}; a new file otherwise gets
 *       {@code 0666} minus the umask.</li>
 *   <li>{@code timeout} (seconds, default 10), {@code validate_certs} (default true).</li>
 * </ul>
 *
 * The URL goes to curl in its configuration on stdin, never in argv (it may carry credentials).
 * Hosts without curl can still fetch {@code file://} URLs; for http(s) the task fails naming curl.
 *
 * <pre>{@code
 * - get_url:
 *     url: http://repo.lab/app-1.0.tar.gz
 *     dest: /opt/app-1.0.tar.gz
 *     checksum: sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
 *     mode: "0644"
 * }</pre>
 * <pre>{@code
 * GetUrl.of("http://repo.lab/app-1.0.tar.gz", "/opt/app-1.0.tar.gz")
 *         .checksum("sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae").mode("0644").build()
 * }</pre>
 *
 * Exec budget: unchanged 1 (the probe), changed 2 (probe, download).
 *
 * @param dest     absolute; a trailing {@code /} is dropped (a directory is recognised on the host)
 * @param checksum {@code ALGORITHM:HEX}, kept in lower case; null (or empty) for none
 */
public record GetUrl(String url, String dest, String checksum, boolean force, FileMode mode,
                     String owner, String group, int timeout, boolean validateCerts) implements Module<GetUrl.State> {
    private static final List<String> ALGORITHMS = List.of("md5", "sha1", "sha224", "sha256", "sha384", "sha512");
    private static final int DEFAULT_TIMEOUT = 10;

    /** @throws ModuleArgumentException naming the parameter that cannot work */
    public GetUrl {
        if (url == null || !url.matches("(?i)(https?|file)://.+")) {
            throw refused("url", "'" + url + "' is not an http://, https:// or file:// URL (ftp and others are not supported)");
        }
        if (dest == null || !dest.startsWith("/")) throw refused("dest", "'" + dest + "' must be an absolute path");
        if (dest.endsWith("/") && dest.length() > 1) dest = dest.substring(0, dest.length() - 1);
        checksum = checksum == null || checksum.isEmpty() ? null : normalized(checksum);
        if (timeout < 1) throw refused("timeout", "must be at least 1 second, got " + timeout);
    }

    /** {@code ALGORITHM:HEX} in lower case, or refused. */
    private static String normalized(String checksum) {
        int colon = checksum.indexOf(':');
        String algorithm = colon < 0 ? "" : checksum.substring(0, colon).toLowerCase(Locale.ROOT);
        String digest = colon < 0 ? "" : checksum.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
        if (!ALGORITHMS.contains(algorithm)) {
            throw refused("checksum", "must be ALGORITHM:HEX with one of " + String.join(", ", ALGORITHMS) + ", got '" + checksum + "'");
        }
        if (!digest.matches("[0-9a-f]+")) {
            throw refused("checksum", "'" + checksum + "' needs a hex digest (a checksum file's URL is not supported: give the digest)");
        }
        return algorithm + ":" + digest;
    }

    private static ModuleArgumentException refused(String parameter, String problem) {
        return new ModuleArgumentException("get_url", parameter, problem);
    }

    /** Downloads {@code url} (http, https or file) to {@code dest}, once. */
    public static Builder of(String url, String dest) {
        return new Builder(url, dest);
    }

    /** Optional parameters of a get_url task; {@link #build()} checks them all. */
    public static final class Builder {
        private final String url;
        private final String dest;
        private String checksum;
        private boolean force;
        private FileMode mode;
        private String owner;
        private String group;
        private int timeout = DEFAULT_TIMEOUT;
        private boolean validateCerts = true;

        private Builder(String url, String dest) {
            this.url = url;
            this.dest = dest;
        }

        /** {@code ALGORITHM:HEX}: the download must match, and a dest that matches is not downloaded again. */
        public Builder checksum(String value) { this.checksum = value; return this; }
        /** Download every run, replacing dest when the content differs (default false). */
        public Builder force(boolean value) { this.force = value; return this; }
        public Builder mode(String value) { this.mode = FileMode.parse(value); return this; }
        public Builder owner(String value) { this.owner = value; return this; }
        public Builder group(String value) { this.group = value; return this; }
        /** Seconds the download may take (default 10). */
        public Builder timeout(int seconds) { this.timeout = seconds; return this; }
        /** Whether an https server's certificate is checked (default true). */
        public Builder validateCerts(boolean value) { this.validateCerts = value; return this; }

        /** @throws ModuleArgumentException naming the parameter that cannot work */
        public GetUrl build() {
            return new GetUrl(url, dest, checksum, force, mode, owner, group, timeout, validateCerts);
        }
    }

    /** The checksum's algorithm ({@code sha256}), or null without one. */
    private String algorithm() {
        return checksum == null ? null : checksum.substring(0, checksum.indexOf(':'));
    }

    /** The expected hex digest, or null without a checksum. */
    private String digest() {
        return checksum == null ? null : checksum.substring(checksum.indexOf(':') + 1);
    }

    /** What the probe saw: the final path, whether it is a file, its digest and attributes, and whether curl is there. */
    public record State(String path, boolean exists, String digest, String mode, String owner, String group, boolean curl) {}

    @Override
    public String moduleName() {
        return "get_url";
    }

    @Override
    public Probe<State> probe(ModuleContext context) {
        String script = "p=" + ShellQuote.quote(dest) + "\n"
                + "if [ -d \"$p\" ]; then p=\"${p%/}\"/" + ShellQuote.quote(fileName()) + "; fi\n"
                + "printf 'path=%s\\n' \"$p\"\n"
                + "if [ -f \"$p\" ]; then stat -c 'stat=%a %U %G' -- \"$p\"; printf 'digest=%s\\n' \"$(" + sum() + " < \"$p\" | cut -d' ' -f1)\"; fi\n"
                + "if command -v curl >/dev/null 2>&1; then echo curl=yes; fi\n";
        return Probe.of(script, GetUrl::parse);
    }

    static State parse(ExecResult r) {
        if (r.exitCode() != 0) throw new ModuleException("get_url probe failed (exit " + r.exitCode() + "): " + r.stderr().strip());
        String path = null;
        String digest = null;
        String[] stat = null;
        boolean curl = false;
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("path=")) path = line.substring(5);
            else if (line.startsWith("stat=")) stat = line.substring(5).split(" ");
            else if (line.startsWith("digest=")) digest = line.substring(7);
            else if (line.equals("curl=yes")) curl = true;
        }
        if (path == null) throw new ModuleException("get_url probe printed no path: " + r.stdout().strip());
        return stat == null ? new State(path, false, null, null, null, null, curl)
                : new State(path, true, digest, stat[0], stat[1], stat[2], curl);
    }

    @Override
    public Plan plan(State state, ModuleContext context) {
        String digest = digest();
        boolean download = !state.exists() || force || digest != null && !digest.equals(state.digest());
        List<Change> changes = new ArrayList<>();
        StringBuilder script = new StringBuilder("set -e\np=" + ShellQuote.quote(state.path()) + "\n");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dest", state.path());
        data.put("url", url);
        if (download) {
            boolean http = !url.startsWith("file://");
            if (http && !state.curl()) {
                throw new ModuleException("get_url needs curl on the host to download " + url + "; install it first (apt: name=curl)");
            }
            changes.add(Change.of((state.exists() ? "download again " : "download ") + url + " to " + state.path()));
            script.append(fetchScript(http));
        }
        boolean modeDiffers = mode != null && state.exists()
                && !Integer.toOctalString(mode.apply(Integer.parseInt(state.mode(), 8), false)).equals(state.mode());
        boolean ownerDiffers = state.exists() && (owner != null && !owner.equals(state.owner()) || group != null && !group.equals(state.group()));
        if (mode != null && (download || modeDiffers)) {
            if (modeDiffers) changes.add(Change.of("mode of " + state.path() + " " + state.mode() + " -> " + mode));
            script.append("chmod ").append(ShellQuote.quote(mode.text())).append(" -- \"$p\"\n");
        }
        if ((owner != null || group != null) && (download || ownerDiffers)) {
            if (ownerDiffers) changes.add(Change.of("owner of " + state.path() + " to " + Objects.toString(owner, "") + ":" + Objects.toString(group, "")));
            script.append("chown ").append(ShellQuote.quote(Objects.toString(owner, "") + (group != null ? ":" + group : ""))).append(" -- \"$p\"\n");
        }
        if (changes.isEmpty()) {
            data.put("msg", "file already exists");
            return Plan.noChange(data);
        }
        boolean attributesChange = modeDiffers || ownerDiffers;
        Plan plan = Plan.apply(changes, script.toString()).interpretedBy(r -> outcome(r, data, attributesChange));
        return download && !url.startsWith("file://") ? plan.withStdin(curlConfig().getBytes(StandardCharsets.UTF_8)) : plan;
    }

    /**
     * Into a temp file beside dest, checked against the checksum, then renamed over dest unless it
     * holds the same bytes (force: true on an up-to-date file stays unchanged); prints what it did.
     */
    private String fetchScript(boolean http) {
        StringBuilder s = new StringBuilder();
        s.append("tmp=$(mktemp \"$(dirname -- \"$p\")/.rigger-get_url.XXXXXX\")\n");
        s.append("trap 'rm -f \"$tmp\"' EXIT\n");
        if (http) {
            s.append("curl -K - -o \"$tmp\" || { echo \"get_url: download of the URL failed (curl exit $?)\" >&2; exit 5; }\n");
        } else {
            s.append("cp -- ").append(ShellQuote.quote(url.substring("file://".length()))).append(" \"$tmp\"\n");
        }
        String digest = digest();
        if (digest != null) {
            s.append("got=$(").append(sum()).append(" < \"$tmp\" | cut -d' ' -f1)\n");
            s.append("if [ \"$got\" != ").append(ShellQuote.quote(digest)).append(" ]; then echo \"The checksum for ")
                    .append("the download did not match: expected ").append(algorithm()).append(' ').append(digest)
                    .append(", got $got\" >&2; exit 4; fi\n");
        }
        s.append("if [ -f \"$p\" ] && cmp -s \"$tmp\" \"$p\"; then\n  echo unchanged\nelse\n");
        s.append("  if [ -f \"$p\" ]; then chmod --reference=\"$p\" \"$tmp\"; chown --reference=\"$p\" \"$tmp\"; ")
                .append("else chmod \"$(printf '%o' $(( 0666 & ~$(umask) )))\" \"$tmp\"; fi\n");
        s.append("  mv -f -- \"$tmp\" \"$p\"\n  echo downloaded\nfi\n");
        return s.toString();
    }

    /** curl's options as its config file (read with -K -): the URL stays out of argv and the process list. */
    private String curlConfig() {
        return "url = \"" + url.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n"
                + "fail\nsilent\nshow-error\nlocation\n"
                + "max-time = " + timeout + "\n"
                + (validateCerts ? "" : "insecure\n");
    }

    /** Changed when the file was replaced or its mode or owner had to change; an identical download under force changes nothing. */
    private static Outcome outcome(ExecResult r, Map<String, Object> data, boolean attributesChange) {
        Map<String, Object> out = new LinkedHashMap<>(Outcome.standard(r));
        out.putAll(data);
        if (!r.succeeded()) {
            String err = r.stderr().strip();
            return new Outcome(true, false, err.isEmpty() ? "get_url failed (exit " + r.exitCode() + ")" : err, out);
        }
        boolean downloaded = r.stdout().lines().anyMatch("downloaded"::equals);
        out.put("msg", downloaded || attributesChange ? "OK" : "OK (the download equals dest)");
        return new Outcome(false, downloaded || attributesChange, "", out);
    }

    private String sum() {
        return (checksum != null ? algorithm() : "sha256") + "sum";
    }

    /** The URL's last path segment, for a dest that is a directory. */
    String fileName() {
        String path = url.replaceFirst("[?#].*$", "");
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() ? "index.html" : name;
    }

    /** YAML binding: {@code get_url}. */
    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("get_url"); }
        @Override public Set<String> parameters() {
            return Set.of("url", "dest", "checksum", "force", "mode", "owner", "group", "timeout", "validate_certs");
        }
        @Override public Set<String> required() { return Set.of("url", "dest"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            try {
                return new GetUrl(args.string("url"), args.string("dest"), args.optionalString("checksum").orElse(null),
                        args.bool("force", false), args.mode("mode").orElse(null), args.optionalString("owner").orElse(null),
                        args.optionalString("group").orElse(null), args.integer("timeout", DEFAULT_TIMEOUT), args.bool("validate_certs", true));
            } catch (IllegalArgumentException e) {
                throw args.error(e, "url");
            }
        }
    }
}
