package dev.rigger.examples;

import dev.rigger.core.error.InputException;
import dev.rigger.core.executor.PlaybookRun;
import dev.rigger.core.executor.RunListener;
import dev.rigger.core.executor.RunOptions;
import dev.rigger.core.executor.RunResult;
import dev.rigger.core.inventory.Inventory;
import dev.rigger.core.loader.LoadedPlaybook;
import dev.rigger.core.loader.LoaderOptions;
import dev.rigger.core.loader.PlaybookLoader;
import dev.rigger.core.loader.Preflight;
import dev.rigger.core.module.ModuleRegistry;
import dev.rigger.testing.Lab;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The demo cluster of {@code examples/demo/site.yml} on lab hosts: haproxy on {@code lb1} in front
 * of nginx on {@code web1} and {@code web2}. {@link LabDemo} shows it, {@code ClusterDemoIT} tests
 * it, both through this class, so the demo shows exactly what the test checks.
 */
public final class ClusterDemo {
    public static final String LB = "lb1";
    public static final List<String> WEB = List.of("web1", "web2");
    /** The haproxy backend: the role names it after the group it balances over. */
    public static final String BACKEND = "web";
    private static final int FRONTEND_PORT = 80;
    private static final int STATS_PORT = 8404;
    private static final Pattern SERVED_BY = Pattern.compile("<h1>Served by (\\S+)</h1>");

    /**
     * One HTTP/1.0 request over bash's /dev/tcp, so no HTTP client has to be installed on the
     * host: $1 address, $2 port, $3 path. Prints the whole response.
     */
    private static final String HTTP_GET = """
            exec 3<>"/dev/tcp/$1/$2" || exit 1
            printf 'GET %s HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n' "$3" "$1" >&3
            timeout 5 cat <&3
            """;

    private ClusterDemo() {}

    /** Starts the three hosts, with the groups the playbook names. */
    public static Lab startLab(String label) {
        return Lab.builder().hosts(LB, WEB.get(0), WEB.get(1))
                .group("lb", LB).group("web", WEB.toArray(String[]::new))
                .name(label).start();
    }

    /**
     * Loads the playbook and runs the preflight, as {@code rigger play} does. Its roles are not
     * next to it: they come from the classpath, that is from Rigger's roles jar.
     *
     * @throws InputException the first problem; bad input never reaches a host
     */
    public static LoadedPlaybook load(Path site, Inventory inventory) {
        LoadedPlaybook loaded = new PlaybookLoader(ModuleRegistry.load(), LoaderOptions.builder().displayRoot(Path.of("")).build()).load(site);
        List<InputException> problems = Preflight.check(loaded, inventory, Map.of());
        if (!problems.isEmpty()) throw problems.get(0);
        return loaded;
    }

    public static RunResult run(LoadedPlaybook site, Inventory inventory, boolean checkMode, RunListener... listeners) {
        PlaybookRun run = PlaybookRun.of(site.playbook()).inventory(inventory)
                .options(RunOptions.builder().checkMode(checkMode).build());
        for (RunListener l : listeners) run.listener(l);
        return run.execute();
    }

    /**
     * Asks the load balancer for the page, from {@code lb1} to its lab address (docker exec, not
     * Rigger), and returns the web host that answered.
     *
     * @throws IllegalStateException when the answer is not a 200 with the web role's page
     */
    public static String askLoadBalancer(Lab lab) {
        String response = httpGet(lab, lab.host(LB).ip(), FRONTEND_PORT, "/");
        Matcher served = SERVED_BY.matcher(response);
        boolean ok = response.startsWith("HTTP/1.1 200") || response.startsWith("HTTP/1.0 200");
        if (!ok || !served.find()) {
            throw new IllegalStateException("the load balancer answered: " + response.lines().findFirst().orElse("nothing"));
        }
        return served.group(1);
    }

    /** haproxy's view of its backend servers, server → status ({@code UP}, {@code DOWN}, {@code DOWN 1/2}...). */
    public static Map<String, String> serverStates(Lab lab) {
        String response = httpGet(lab, "127.0.0.1", STATS_PORT, "/stats;csv");
        List<String> lines = response.lines().dropWhile(l -> !l.startsWith("# pxname,")).toList();
        if (lines.isEmpty()) throw new IllegalStateException("no stats from haproxy: " + response.lines().findFirst().orElse("nothing"));
        List<String> header = Arrays.asList(lines.get(0).substring(2).split(","));
        int proxy = header.indexOf("pxname");
        int server = header.indexOf("svname");
        int status = header.indexOf("status");
        Map<String, String> states = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length > status && f[proxy].equals(BACKEND) && !f[server].equals("BACKEND")) states.put(f[server], f[status]);
        }
        return states;
    }

    /** The status line of haproxy's health endpoint: 200 while a web host is up, 503 when none is. */
    public static String health(Lab lab) {
        return httpGet(lab, "127.0.0.1", STATS_PORT, "/health").lines().findFirst().orElse("");
    }

    /** {@code web1 UP, web2 DOWN}. */
    public static String describe(Map<String, String> states) {
        return states.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String httpGet(Lab lab, String address, int port, String path) {
        Lab.LabExec r = lab.exec(LB, "bash", "-c", HTTP_GET, "http-get", address, Integer.toString(port), path);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("GET http://" + address + ":" + port + path + " from " + LB + " failed (exit "
                    + r.exitCode() + "): " + r.stderr().strip());
        }
        return r.stdout();
    }
}
