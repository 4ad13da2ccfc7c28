package dev.rigger.testing.internal;

import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * Decides what happens when the lab cannot run. Locally a missing Docker engine skips the test
 * with a message naming what is missing; under CI ({@code CI=true}, {@code 1} or {@code yes}) it fails, because a CI run
 * that silently skips every lab test would prove nothing.
 */
public final class LabEnvironment {
    private LabEnvironment() {}

    /** {@code CI} set to a true value ({@code true}, {@code 1}, {@code yes}, any case), as CI services set it. */
    public static boolean isCi() {
        return isTrue(System.getenv("CI"));
    }

    static boolean isTrue(String value) {
        return value != null && Set.of("true", "1", "yes").contains(value.strip().toLowerCase(Locale.ROOT));
    }

    /** Skips (locally) or fails (CI) unless a Docker engine answers. */
    public static void requireDocker() {
        LabTestcontainers.configure();
        boolean available;
        String why = "";
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            available = false;
            why = ": " + e.getMessage();
        }
        if (!available) {
            unavailable("Docker engine not reachable (start dockerd, e.g. scripts/setup-host)" + why);
        }
    }

    /** Reports that something the lab needs is missing: a skip locally, a failure under CI. */
    public static void unavailable(String what) {
        if (isCi()) throw new IllegalStateException("lab cannot run under CI: " + what);
        Assumptions.abort("skipped, lab cannot run: " + what);
    }
}
