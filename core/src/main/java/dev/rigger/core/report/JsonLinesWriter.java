package dev.rigger.core.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rigger.core.executor.RunEvent;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.RunListener;
import dev.rigger.core.module.Change;
import dev.rigger.core.secret.Secret;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes every run event as one JSON object per line ({@code --json FILE}), for CI systems and
 * dashboards: {@code {"event":"host_result","time":"…","host":"pg1","task":"…","status":"changed","execs":2,…}}.
 * Registered values are not written (they may hold secrets a template revealed); secrets anywhere
 * else are written redacted.
 */
public final class JsonLinesWriter implements RunListener, AutoCloseable {
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final BufferedWriter out;

    /**
     * Writes to {@code file}, replacing it; close the writer when the run is done.
     * @throws java.io.UncheckedIOException when the file cannot be written
     */
    public JsonLinesWriter(Path file) {
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write events to " + file, e);
        }
    }

    /** Writes the event as one line and flushes, so a reader sees it at once. */
    @Override
    public synchronized void on(RunEvent event) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", name(event));
        line.put("time", Instant.now().toString());
        if (event instanceof HostResult r) {
            line.put("host", r.host());
            line.put("task", r.task());
            line.put("location", r.location());
            line.put("status", r.status().label());
            line.put("message", r.message());
            line.put("execs", r.execs());
            line.put("duration_ms", r.duration().toMillis());
            if (r.item() != null) line.put("item", r.item());
            List<Map<String, String>> changes = r.changes().stream().map(JsonLinesWriter::change).toList();
            if (!changes.isEmpty()) line.put("changes", changes);
        } else {
            for (var component : event.getClass().getRecordComponents()) {
                try {
                    Object value = component.getAccessor().invoke(event);
                    if (value instanceof Secret) value = Secret.REDACTED;
                    if (value instanceof java.time.Duration d) {
                        line.put(snakeCase(component.getName()) + "_ms", d.toMillis());
                        continue;
                    }
                    line.put(snakeCase(component.getName()), value);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        try {
            out.write(json.writeValueAsString(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> change(Change c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("summary", c.summary());
        c.unifiedDiff().ifPresent(d -> m.put("diff", d));
        return m;
    }

    private static String name(RunEvent e) {
        return snakeCase(e.getClass().getSimpleName());
    }

    /** One naming style for every field and event name: {@code checkMode} → {@code check_mode}. */
    private static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Closes the file. */
    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
