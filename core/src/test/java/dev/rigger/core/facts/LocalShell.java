package dev.rigger.core.facts;

import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test connection to this machine: pipes each script to {@code /bin/sh -s} with exactly the given
 * environment, so a test can hide tools by narrowing PATH.
 */
final class LocalShell implements Connection {
    private final Map<String, String> environment;
    private final AtomicLong execs = new AtomicLong();

    LocalShell(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String hostName() {
        return "localhost";
    }

    @Override
    public ExecResult exec(ExecRequest request) {
        execs.incrementAndGet();
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-s");
        builder.environment().clear();
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process, true));
            CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process, false));
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(request.script().getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("local script ran over 30 s");
            }
            return new ExecResult(process.exitValue(),
                    new String(stdout.join(), StandardCharsets.UTF_8),
                    new String(stderr.join(), StandardCharsets.UTF_8),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(Process process, boolean stdout) {
        try {
            return (stdout ? process.getInputStream() : process.getErrorStream()).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long execCount() {
        return execs.get();
    }

    @Override
    public void close() {
    }
}
