package dev.rigger.modules.redis;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.transport.ShellQuote;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What {@link RedisReplica} and {@link RedisSentinel} share: talking to redis-cli without putting a
 * password on a command line, asking Sentinels who the main is, and the rules for passwords.
 */
final class RedisCli {
    /** Sentinel's default port. */
    static final int SENTINEL_PORT = 26379;
    /** How long one redis-cli call may take: a stopped host must not stall the probe. */
    static final int TIMEOUT_SECONDS = 3;
    static final String SECTION = "== ";

    /**
     * Printable ASCII without blanks, quotes or backslashes. Sentinel 7.0 writes {@code sentinel
     * auth-pass NAME PASSWORD} to sentinel.conf without quoting, and then cannot read its own file
     * when the password holds a blank or a quote (it does not start again); the same password is
     * the replicas' masterauth, so one rule for all of them.
     */
    private static final Pattern PASSWORD = Pattern.compile("[!#-&(-\\[\\]-~]+");

    private RedisCli() {
    }

    /** A host and port as Sentinel and INFO report them. */
    record Endpoint(String host, int port) {
        Endpoint {
            if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:_-]+")) {
                throw new IllegalArgumentException("'" + host + "' is not an address");
            }
            if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is out of range");
        }

        /** {@code "10.0.0.5"}, {@code "10.0.0.5:26380"} or {@code "[fd00::5]:26380"}. */
        static Endpoint parse(String text, int defaultPort) {
            String t = text.strip();
            if (t.startsWith("[")) {
                int close = t.indexOf(']');
                if (close < 0) throw new IllegalArgumentException("'" + text + "' is not an address");
                String rest = t.substring(close + 1);
                return new Endpoint(t.substring(1, close), rest.isEmpty() ? defaultPort : port(rest.substring(1), text));
            }
            int colon = t.lastIndexOf(':');
            if (colon > 0 && t.indexOf(':') == colon) return new Endpoint(t.substring(0, colon), port(t.substring(colon + 1), text));
            return new Endpoint(t, defaultPort);
        }

        private static int port(String s, String text) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no valid port");
            }
        }

        /** 127.0.0.0/8 and ::1 name no cluster member: Debian's default sentinel.conf monitors 127.0.0.1. */
        boolean loopback() {
            return host.startsWith("127.") || host.equals("::1") || host.equals("localhost");
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Sentinel addresses from a parameter: strings ({@code "10.0.0.5"}, {@code "10.0.0.5:26379"})
     * or host mappings with {@code ansible_host} (and optionally {@code sentinel_port}), as
     * {@code "{{ group_hosts.sentinels }}"} gives them.
     */
    static List<Endpoint> endpoints(Object raw, String parameter) {
        if (raw == null) return List.of();
        List<?> items = raw instanceof List<?> l ? l : List.of(raw);
        List<Endpoint> out = new ArrayList<>();
        for (Object item : items) {
            try {
                if (item instanceof Map<?, ?> host) {
                    Object address = host.get("ansible_host") != null ? host.get("ansible_host") : host.get("name");
                    if (address == null) throw new IllegalArgumentException("a host mapping without ansible_host or name");
                    Object port = host.get("sentinel_port");
                    out.add(new Endpoint(String.valueOf(address), port == null ? SENTINEL_PORT : Integer.parseInt(String.valueOf(port))));
                } else {
                    for (String part : String.valueOf(item).split(",")) {
                        if (!part.isBlank()) out.add(Endpoint.parse(part, SENTINEL_PORT));
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(parameter + ": " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    /** Throws (naming the parameter, never the value) unless the password is one Redis and Sentinel can persist. */
    static void checkPassword(Secret password, String parameter) {
        if (password != null && !PASSWORD.matcher(password.reveal()).matches()) {
            throw new IllegalArgumentException(parameter + ": must be printable ASCII without blanks, quotes or backslashes "
                    + "(Sentinel 7.0 writes auth-pass to sentinel.conf unquoted and then cannot read that file back)");
        }
    }

    /** A password parameter; an empty one counts as not given (a role's default of ""). */
    static Secret secret(Args args, String name) {
        return args.secret(name).filter(s -> !s.reveal().isEmpty()).orElse(null);
    }

    /** sha256 hex of a password, as the probes print them: the value itself never leaves the host. */
    static String digest(Secret password) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(password.reveal().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Shell: {@code digest VALUE} prints the sha256 of VALUE, or {@code none} when it is empty. */
    static final String DIGEST_FUNCTION = "digest() { if [ -z \"$1\" ]; then echo none; else printf '%s' \"$1\" | sha256sum | cut -c1-64; fi; }\n";

    /** A value in redis-cli's own syntax (what it reads on stdin): double-quoted, quote and backslash escaped. */
    static String redisQuote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * Shell that asks each Sentinel, in one connection with a time limit, for the main of
     * {@code name}: {@code SENTINEL GET-MASTER-ADDR-BY-NAME} and {@code SENTINEL MASTER}. One section
     * per sentinel, {@code == sentinel HOST PORT}, then redis-cli's output and {@code exit N}.
     * Sentinels here need no password; REDISCLI_AUTH (the Redis password) is not sent to them.
     */
    static String askSentinels(List<Endpoint> sentinels, String name) {
        StringBuilder s = new StringBuilder();
        String commands = "SENTINEL GET-MASTER-ADDR-BY-NAME " + redisQuote(name) + "\\nSENTINEL MASTER " + redisQuote(name) + "\\n";
        for (Endpoint e : sentinels) {
            s.append("echo ").append(ShellQuote.quote(SECTION + "sentinel " + e.host() + " " + e.port())).append('\n')
                    .append("printf '%b' ").append(ShellQuote.quote(commands))
                    .append(" | env -u REDISCLI_AUTH timeout ").append(TIMEOUT_SECONDS).append(" redis-cli -h ")
                    .append(ShellQuote.quote(e.host())).append(" -p ").append(e.port()).append(" 2>&1; echo \"exit $?\"\n");
        }
        return s.toString();
    }

    /**
     * One Sentinel's answer: the main's address (null when it does not answer, or does not know
     * {@code name}), and its {@code SENTINEL MASTER} fields (config-epoch, quorum, ...).
     */
    record SentinelAnswer(Endpoint sentinel, Endpoint main, Map<String, String> master, String problem) {
        static final String UNKNOWN_NAME = "does not monitor it";

        SentinelAnswer {
            master = Map.copyOf(master);
        }

        /** Whether a Sentinel answered at all (it may not know the name). */
        boolean reachable() {
            return problem == null || !(problem.startsWith("Could not connect") || problem.startsWith("no answer") || problem.startsWith("exit "));
        }

        long configEpoch() {
            return Long.parseLong(master.getOrDefault("config-epoch", "0"));
        }

        /** Parses one section's lines: redis-cli's raw output, then {@code exit N}. */
        static SentinelAnswer parse(Endpoint sentinel, List<String> lines) {
            List<String> out = new ArrayList<>(lines);
            String exit = out.isEmpty() ? "exit ?" : out.remove(out.size() - 1);
            if (!exit.equals("exit 0") || out.isEmpty() || out.get(0).startsWith("Could not connect")) {
                String why = out.isEmpty() ? exit : out.get(0);
                return new SentinelAnswer(sentinel, null, Map.of(), exit.equals("exit 124") ? "no answer within " + TIMEOUT_SECONDS + " s" : why);
            }
            // GET-MASTER-ADDR-BY-NAME prints ip and port, or one empty line for an unknown name.
            if (out.get(0).isEmpty()) return new SentinelAnswer(sentinel, null, Map.of(), UNKNOWN_NAME);
            if (out.size() < 2 || !out.get(1).matches("\\d+")) {
                return new SentinelAnswer(sentinel, null, Map.of(), out.get(0));
            }
            Endpoint main = new Endpoint(out.get(0), Integer.parseInt(out.get(1)));
            return new SentinelAnswer(sentinel, main, keyValues(out.subList(2, out.size())), null);
        }
    }

    /** Alternating key and value lines, as redis-cli prints a flat reply (SENTINEL MASTER, CONFIG GET). */
    static Map<String, String> keyValues(List<String> lines) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < lines.size(); i += 2) m.put(lines.get(i), lines.get(i + 1));
        return m;
    }

    /** Sections of a probe's output: {@code == header} lines, each with the lines until the next header. */
    static Map<String, List<String>> sections(String stdout) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String raw : stdout.split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.startsWith(SECTION)) {
                current = new ArrayList<>();
                out.put(line.substring(SECTION.length()), current);
            } else if (current != null) {
                current.add(line);
            }
        }
        // The last section ends with the output's final newline.
        out.values().forEach(l -> {
            while (!l.isEmpty() && l.get(l.size() - 1).isEmpty()) l.remove(l.size() - 1);
        });
        return out;
    }

    /** The Sentinel answers found in a probe's sections, in the order asked. */
    static List<SentinelAnswer> answers(Map<String, List<String>> sections) {
        List<SentinelAnswer> out = new ArrayList<>();
        sections.forEach((header, lines) -> {
            if (header.startsWith("sentinel ")) {
                String[] f = header.split(" ");
                out.add(SentinelAnswer.parse(new Endpoint(f[1], Integer.parseInt(f[2])), lines));
            }
        });
        return out;
    }

    /**
     * The main of {@code name} according to the Sentinels that answered, or empty when none did
     * (then the inventory bootstraps). Loopback answers are ignored (Debian's default
     * sentinel.conf monitors {@code mymaster} at 127.0.0.1). Among the rest the newest
     * configuration wins, as between Sentinels themselves: the highest config-epoch, then the
     * address most of them give; a tie is an error, since it means a failover is under way.
     */
    static Optional<Endpoint> mainPerSentinels(List<SentinelAnswer> answers, String name) {
        List<SentinelAnswer> valid = answers.stream().filter(a -> a.main() != null && !a.main().loopback()).toList();
        if (valid.isEmpty()) return Optional.empty();
        long epoch = valid.stream().mapToLong(SentinelAnswer::configEpoch).max().orElse(0);
        Map<Endpoint, List<String>> votes = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        for (SentinelAnswer a : valid) {
            if (a.configEpoch() == epoch) votes.computeIfAbsent(a.main(), k -> new ArrayList<>()).add(a.sentinel().toString());
        }
        int best = votes.values().stream().mapToInt(List::size).max().orElse(0);
        List<Endpoint> winners = votes.entrySet().stream().filter(e -> e.getValue().size() == best).map(Map.Entry::getKey).toList();
        if (winners.size() > 1) {
            throw new ModuleException("the Sentinels disagree about the main of " + name + " (" + votes
                    + "): a failover may be under way; run again once they agree");
        }
        return Optional.of(winners.get(0));
    }
}
