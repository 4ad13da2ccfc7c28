package dev.rigger.runner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One {@code rigger} command run in this JVM through {@link Main#run}, with what it printed.
 * Paths in arguments are relative to the module folder, Maven's working directory for tests, so
 * messages name files as a user in that folder would see them.
 */
record Cli(int exitCode, String out, String err) {
    /** The test playbooks, roles and inventories. */
    static final String DIR = "src/test/resources/cli/";
    /** Hosts web1, web2 (group web) and db1 (group db) on the local transport. */
    static final String LOCAL = DIR + "inventory/local.yml";
    /** The same hosts at 127.0.0.1 port 1: any contact shows as unreachable and exit code 4. */
    static final String REFUSED = DIR + "inventory/refused.yml";

    static Cli rigger(String... args) {
        return riggerWith(System.getenv(), "", args);
    }

    /** With this environment (instead of the JVM's) and this text on standard input. */
    static Cli riggerWith(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(o, e, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
        }
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> outLines() {
        return out.lines().toList();
    }

    List<String> errLines() {
        return err.lines().toList();
    }

    /** The TASK and RUNNING HANDLER headers, in order, without their row of stars. */
    List<String> taskHeaders() {
        return out.lines().filter(l -> l.startsWith("TASK [") || l.startsWith("RUNNING HANDLER ["))
                .map(l -> l.substring(0, l.indexOf(']') + 1)).toList();
    }

    /** Result lines of one host, such as {@code ok: [web1] => hello}, in order. */
    List<String> resultsOf(String host) {
        return out.lines().filter(l -> l.contains(": [" + host + "]")).toList();
    }
}
