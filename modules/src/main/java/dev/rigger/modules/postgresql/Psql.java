package dev.rigger.modules.postgresql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.transport.ExecResult;
import java.io.IOException;

/**
 * How the PostgreSQL modules talk to the server: {@code psql} as the {@code postgres} operating
 * system user over the local socket (peer authentication, no password), SQL on psql's stdin, every
 * value quoted here as an SQL literal or identifier (never interpolated raw), and results read back
 * as one line of JSON built by the server ({@code json_build_object}), so names and values with
 * tabs, quotes or newlines survive.
 *
 * <p>Probe SQL travels in a quoted here-doc inside the script (it holds no secret). SQL that holds
 * a secret goes on the apply script's stdin instead (see {@link PostgresqlUser}).
 */
final class Psql {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEREDOC = "RIGGER_SQL";
    /** psql's exit status when it cannot reach the server. */
    private static final int CONNECTION_FAILED = 2;

    private Psql() {
    }

    /** {@code value} as an SQL string literal: {@code 'it''s'}; with backslashes, an {@code E''} literal (as libpq's PQescapeLiteral). */
    public static String literal(String value) {
        checkNoNul(value);
        String quoted = value.replace("'", "''");
        if (value.indexOf('\\') >= 0) return "E'" + quoted.replace("\\", "\\\\") + "'";
        return "'" + quoted + "'";
    }

    /** {@code name} as an SQL identifier: {@code "My ""Role"""}; always quoted, so case and keywords are kept. */
    public static String identifier(String name) {
        checkNoNul(name);
        if (name.isEmpty()) throw new IllegalArgumentException("an SQL identifier cannot be empty");
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static void checkNoNul(String value) {
        if (value.indexOf('\0') >= 0) throw new IllegalArgumentException("SQL text cannot contain NUL");
    }

    /**
     * Shell lines defining {@code rigger_sql}: psql as the postgres user on database {@code postgres}
     * at {@code port}, reading SQL on stdin, tuples only, stopping at the first error. Root switches
     * user with runuser, the postgres user runs psql itself, anyone else goes through {@code sudo -n}.
     */
    public static String prelude(int port) {
        String psql = "psql -X -q -At -v ON_ERROR_STOP=1 -p " + port + " -d postgres";
        return "set -eu\n"
                // psql complains when it cannot enter the caller's home directory as postgres.
                + "cd /\n"
                + "if ! command -v psql >/dev/null 2>&1; then echo 'psql not found: is PostgreSQL installed?' >&2; exit 127; fi\n"
                + "if [ \"$(id -un)\" = postgres ]; then rigger_sql() { " + psql + "; }\n"
                + "elif [ \"$(id -u)\" = 0 ]; then rigger_sql() { runuser -u postgres -- " + psql + "; }\n"
                + "else rigger_sql() { sudo -n -u postgres -- " + psql + "; }\n"
                + "fi\n";
    }

    /** A shell command running {@code sql} (which holds no secret) through {@code rigger_sql} from a quoted here-doc. */
    public static String run(String sql) {
        for (String line : sql.split("\n", -1)) {
            if (line.equals(HEREDOC)) throw new IllegalArgumentException("SQL text cannot contain a line " + HEREDOC);
        }
        return "rigger_sql <<'" + HEREDOC + "'\n" + sql + (sql.endsWith("\n") ? "" : "\n") + HEREDOC + "\n";
    }

    /**
     * Shell lines that make the server re-read its configuration files and wait until it has: a
     * reload is only a signal, and a client connecting right after it may still meet the old rules.
     * New sessions inherit the postmaster's {@code pg_conf_load_time()}, which moves when it reloaded.
     */
    public static String reloadAndWait() {
        return "rigger_loaded() { echo 'SELECT pg_conf_load_time()' | rigger_sql; }\n"
                + "before=$(rigger_loaded)\n"
                + "echo 'SELECT pg_reload_conf()' | rigger_sql >/dev/null\n"
                + "tries=0\n"
                + "while [ \"$(rigger_loaded)\" = \"$before\" ]; do\n"
                + "  tries=$((tries + 1))\n"
                + "  if [ \"$tries\" -gt 100 ]; then echo 'PostgreSQL did not reload its configuration within 10 s' >&2; exit 1; fi\n"
                + "  sleep 0.1\n"
                + "done\n";
    }

    /**
     * The JSON document a probe printed (its last non-empty line), or a {@link ModuleException} that
     * says why there is none: psql missing, the server down, an SQL error.
     */
    public static JsonNode json(ExecResult r, String what) {
        if (!r.succeeded()) {
            String err = r.stderr().strip();
            if (r.exitCode() == 127) throw new ModuleException(what + ": psql not found: is PostgreSQL installed? " + err);
            if (r.exitCode() == CONNECTION_FAILED) throw new ModuleException(what + ": cannot connect to PostgreSQL (is it running?): " + err);
            throw new ModuleException(what + " failed (exit " + r.exitCode() + "): " + err);
        }
        String out = r.stdout().strip();
        String last = out.substring(out.lastIndexOf('\n') + 1);
        try {
            return JSON.readTree(last);
        } catch (IOException e) {
            throw new ModuleException(what + ": unexpected psql output: " + out);
        }
    }

    /** A text field that may be JSON null. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
