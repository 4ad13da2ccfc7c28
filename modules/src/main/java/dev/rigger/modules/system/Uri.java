package dev.rigger.modules.system;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleArgumentException;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.ExecResult;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Ansible's {@code uri}: the host sends one HTTP request with curl and the task registers
 * {@code status}, {@code url}, {@code content_type}, {@code json} (when the answer is JSON) and,
 * with {@code return_content}, {@code content}. A status not in {@code status_code} (default 200)
 * fails the task with Ansible's message. Never a change, as in Ansible (use {@code changed_when}).
 *
 * <ul>
 *   <li>{@code method} — GET (default), HEAD, POST, PUT, PATCH, DELETE, OPTIONS. GET and HEAD only
 *       read, so they run in check mode too (in the probe, one exec); the others run in the apply
 *       step and are skipped in check mode.</li>
 *   <li>{@code body}, {@code body_format} — raw (default), json (a mapping or list is serialised
 *       and Content-Type set) or form-urlencoded (a mapping).</li>
 *   <li>{@code headers} (mapping), {@code timeout} (seconds, 30), {@code validate_certs} (true),
 *       {@code follow_redirects} (safe: GET and HEAD follow; all/yes; none/no).</li>
 * </ul>
 *
 * The request (URL, headers, body) goes to curl as its configuration in the script, which travels
 * on stdin: nothing of it is in argv. Needs curl on the host (the task fails naming it otherwise).
 *
 * <pre>{@code
 * - uri:
 *     url: "http://{{ inventory_hostname }}:8080/health"
 *     return_content: yes
 *     status_code: [200, 204]
 *   register: health
 *   until: health.status == 200
 *   retries: 10
 * }</pre>
 * <pre>{@code
 * Uri.of("http://127.0.0.1:8080/health").returnContent(true).statusCodes(200, 204).build()
 * }</pre>
 *
 * Exec budget: GET/HEAD 1 (the probe); other methods 1 (the apply; no probe).
 *
 * @param method          upper case; null for GET
 * @param followRedirects {@code safe}, {@code all} or {@code none} (Ansible's yes, no and urllib2 are
 *                        read as all, none and safe); null for safe
 */
public record Uri(String url, String method, String body, Map<String, String> headers, List<Integer> statusCodes,
                  boolean returnContent, int timeout, boolean validateCerts, String followRedirects) implements Module<Uri.Response> {
    private static final String MARK = "__RIGGER_URI__";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The state of a request not sent yet (methods other than GET and HEAD send it in the apply step). */
    private static final Response NOT_SENT = new Response(0, "", "", "", "not sent yet");
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Map<String, String> REDIRECTS = Map.of("safe", "safe", "all", "all", "yes", "all", "urllib2", "safe",
            "none", "none", "no", "none");
    private static final int DEFAULT_TIMEOUT = 30;

    /** @throws ModuleArgumentException naming the parameter that cannot work */
    public Uri {
        if (url == null || !url.matches("(?i)https?://.+")) throw refused("url", "'" + url + "' is not an http:// or https:// URL");
        method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) throw refused("method", "must be one of " + String.join(", ", METHODS) + ", got '" + method + "'");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        statusCodes = statusCodes == null ? List.of(200) : List.copyOf(statusCodes);
        if (timeout < 1) throw refused("timeout", "must be at least 1 second, got " + timeout);
        String redirects = REDIRECTS.get(followRedirects == null ? "safe" : followRedirects);
        if (redirects == null) throw refused("follow_redirects", "must be safe, all or none");
        followRedirects = redirects;
    }

    private static ModuleArgumentException refused(String parameter, String problem) {
        return new ModuleArgumentException("uri", parameter, problem);
    }

    /** A GET of {@code url} (http or https) expecting status 200. */
    public static Builder of(String url) {
        return new Builder(url);
    }

    /** Optional parameters of a uri task; {@link #build()} checks them all. */
    public static final class Builder {
        private final String url;
        private String method;
        private String body;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private List<Integer> statusCodes;
        private boolean returnContent;
        private int timeout = DEFAULT_TIMEOUT;
        private boolean validateCerts = true;
        private String followRedirects;

        private Builder(String url) {
            this.url = url;
        }

        /** GET (default), HEAD, POST, PUT, PATCH, DELETE or OPTIONS. */
        public Builder method(String value) { this.method = value; return this; }
        /** The request body as sent (set its Content-Type with {@link #header}). */
        public Builder body(String value) { this.body = value; return this; }
        public Builder header(String name, String value) { this.headers.put(name, value); return this; }
        /** The statuses that mean success (default 200). */
        public Builder statusCodes(Integer... codes) { this.statusCodes = List.of(codes); return this; }
        /** Register the body as {@code content} (default false). */
        public Builder returnContent(boolean value) { this.returnContent = value; return this; }
        /** Seconds the request may take (default 30). */
        public Builder timeout(int seconds) { this.timeout = seconds; return this; }
        /** Whether an https server's certificate is checked (default true). */
        public Builder validateCerts(boolean value) { this.validateCerts = value; return this; }
        /** {@code safe} (default: GET and HEAD follow redirects), {@code all} or {@code none}. */
        public Builder followRedirects(String value) { this.followRedirects = value; return this; }

        /** @throws ModuleArgumentException naming the parameter that cannot work */
        public Uri build() {
            return new Uri(url, method, body, headers, statusCodes, returnContent, timeout, validateCerts, followRedirects);
        }
    }

    /** The answer: status (-1 when no answer came), the final URL, content type and body, or curl's complaint. */
    public record Response(int status, String url, String contentType, String content, String error) {}

    @Override
    public String moduleName() {
        return "uri";
    }

    private boolean reads() {
        return method.equals("GET") || method.equals("HEAD");
    }

    @Override
    public boolean supportsCheckMode() {
        return reads();
    }

    @Override
    public Probe<Response> probe(ModuleContext context) {
        return reads() ? Probe.of(script(), Uri::parse) : Probe.none(NOT_SENT);
    }

    @Override
    public Plan plan(Response response, ModuleContext context) {
        if (response == NOT_SENT) {
            // A request that may change the server: sent in the apply step, never in check mode.
            return Plan.apply(dev.rigger.core.module.Change.of(method + " " + url), script()).interpretedBy(r -> {
                Response sent;
                try {
                    sent = parse(r);
                } catch (ModuleException e) {
                    return new Outcome(true, false, e.getMessage(), Map.of());
                }
                Map<String, Object> data = registered(sent);
                String problem = problem(sent);
                return new Outcome(problem != null, false, problem != null ? problem : "", data);
            });
        }
        String problem = problem(response);
        if (problem != null) throw new ModuleException(problem);
        return Plan.noChange(registered(response));
    }

    /** Ansible's failure message when the status is not an expected one, else null. */
    String problem(Response r) {
        if (statusCodes.contains(r.status())) return null;
        String reason = r.status() < 0 ? "Request failed: " + r.error() : "HTTP Error " + r.status();
        return "Status code was " + r.status() + " and not " + statusCodes + ": " + reason;
    }

    private Map<String, Object> registered(Response r) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", r.status());
        data.put("url", r.url());
        data.put("content_type", r.contentType());
        data.put("msg", r.status() < 0 ? r.error() : "OK (" + r.content().getBytes(StandardCharsets.UTF_8).length + " bytes)");
        if (returnContent) data.put("content", r.content());
        if (r.contentType().toLowerCase(Locale.ROOT).matches("application/([a-z0-9.+-]*\\+)?json.*") && !r.content().isBlank()) {
            try {
                data.put("json", JSON.readValue(r.content(), Object.class));
            } catch (JsonProcessingException e) {
                // Ansible leaves json out when the body does not parse; content still has it.
            }
        }
        return data;
    }

    /** curl with its configuration in a here-document: the script goes to the host on stdin. */
    String script() {
        List<String> config = new ArrayList<>();
        config.add("url = " + quoted(url));
        config.add(method.equals("HEAD") ? "head" : "request = " + quoted(method));
        config.add("silent");
        config.add("show-error");
        config.add("max-time = " + timeout);
        if (!validateCerts) config.add("insecure");
        if (followRedirects.equals("all") || followRedirects.equals("safe") && reads()) config.add("location");
        headers.forEach((name, value) -> config.add("header = " + quoted(name + ": " + value)));
        if (body != null) config.add("data-binary = " + quoted(body));
        config.add("write-out = " + quoted("\n" + MARK + "%{http_code}\t%{url_effective}\t%{content_type}\n"));
        return "command -v curl >/dev/null 2>&1 || { echo 'uri needs curl on the host; install it first (apt: name=curl)' >&2; exit 3; }\n"
                + "curl -K - <<'RIGGER_CURL_CONFIG'\n" + String.join("\n", config) + "\nRIGGER_CURL_CONFIG\n";
    }

    static Response parse(ExecResult r) {
        if (r.exitCode() == 3) throw new ModuleException(r.stderr().strip());
        String out = r.stdout();
        int mark = out.lastIndexOf("\n" + MARK);
        if (mark < 0) throw new ModuleException("uri: curl gave no answer (exit " + r.exitCode() + "): " + r.stderr().strip());
        String[] fields = out.substring(mark + MARK.length() + 1).strip().split("\t", -1);
        int status = Integer.parseInt(fields[0]);
        String error = "curl exit " + r.exitCode() + ": " + r.stderr().strip();
        return new Response(status == 0 ? -1 : status, fields.length > 1 ? fields[1] : "", fields.length > 2 ? fields[2] : "",
                out.substring(0, mark), r.exitCode() == 0 ? "" : error);
    }

    /** A curl config string: double-quoted, with its escapes, so a value can never end the here-document. */
    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"";
    }

    /** YAML binding: {@code uri}. */
    public static final class Type implements ModuleType {
        @Override public List<String> names() { return List.of("uri"); }
        @Override public Set<String> parameters() {
            return Set.of("url", "method", "body", "body_format", "headers", "status_code", "return_content", "timeout",
                    "validate_certs", "follow_redirects");
        }
        @Override public Set<String> required() { return Set.of("url"); }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(parameters());
            Map<String, String> headers = new LinkedHashMap<>();
            if (args.has("headers")) args.map("headers").forEach((k, v) -> headers.put(k, String.valueOf(v)));
            String body = body(args, headers);
            List<Integer> codes = new ArrayList<>();
            Object raw = args.raw("status_code");
            for (Object code : raw == null ? List.of(200) : raw instanceof List<?> l ? l : List.of(raw)) {
                try {
                    codes.add(Integer.parseInt(String.valueOf(code).strip()));
                } catch (NumberFormatException e) {
                    throw args.error("status_code", "status_code must be a number or a list of numbers, got '" + code + "'");
                }
            }
            try {
                return new Uri(args.string("url"), args.string("method", "GET"), body, headers, codes, args.bool("return_content", false),
                        args.integer("timeout", DEFAULT_TIMEOUT), args.bool("validate_certs", true), args.string("follow_redirects", "safe"));
            } catch (IllegalArgumentException e) {
                throw args.error(e, "url");
            }
        }

        private static String body(Args args, Map<String, String> headers) {
            if (!args.has("body")) return null;
            Object body = args.raw("body");
            String format = args.choice("body_format", List.of("raw", "json", "form-urlencoded"), "raw");
            switch (format) {
                case "json" -> {
                    headers.putIfAbsent("Content-Type", "application/json");
                    if (body instanceof String s) return s;
                    try {
                        return JSON.writeValueAsString(body);
                    } catch (JsonProcessingException e) {
                        throw args.error("body", "body cannot be written as JSON: " + e.getOriginalMessage());
                    }
                }
                case "form-urlencoded" -> {
                    headers.putIfAbsent("Content-Type", "application/x-www-form-urlencoded");
                    if (body instanceof String s) return s;
                    if (!(body instanceof Map<?, ?> form)) throw args.error("body", "a form-urlencoded body is a mapping of fields");
                    return form.entrySet().stream()
                            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                            .collect(Collectors.joining("&"));
                }
                default -> {
                    return String.valueOf(body);
                }
            }
        }

        private static String encode(Object value) {
            return URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8);
        }
    }
}
