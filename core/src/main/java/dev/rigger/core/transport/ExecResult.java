package dev.rigger.core.transport;

import java.time.Duration;

/** What a script did: exit code, its complete stdout and stderr (UTF-8), and how long it took. */
public record ExecResult(int exitCode, String stdout, String stderr, Duration duration) {

    public boolean succeeded() {
        return exitCode == 0;
    }
}
