package dev.rigger.modules.system;

import dev.rigger.core.module.Args;
import dev.rigger.core.module.Change;
import dev.rigger.core.module.Module;
import dev.rigger.core.module.ModuleContext;
import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.ModuleType;
import dev.rigger.core.module.Outcome;
import dev.rigger.core.module.Plan;
import dev.rigger.core.module.Probe;
import dev.rigger.core.transport.ExecResult;
import dev.rigger.core.transport.ShellQuote;
import dev.rigger.core.transport.TransportException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Reboots the host and waits until it is back, as Ansible's {@code reboot}: the boot identity is
 * read, the reboot command starts (in the background, so its own exec ends cleanly), then the
 * controller polls until the host answers with a different boot identity and the test command
 * succeeds. The session is opened anew by itself; the play goes on with the next task. Always
 * changed; check mode only says it would reboot.
 *
 * <ul>
 *   <li>{@code reboot_timeout} — seconds to wait for the host to come back (default 600); then the
 *       task fails.</li>
 *   <li>{@code pre_reboot_delay} — seconds before the reboot command runs (default 0).</li>
 *   <li>{@code post_reboot_delay} — seconds to wait once the new boot is seen, before the test
 *       command (default 0): for services that need a moment.</li>
 *   <li>{@code reboot_command} — default {@code systemctl reboot}; a shell command.</li>
 *   <li>{@code test_command} — must succeed on the rebooted host (default {@code whoami}).</li>
 *   <li>{@code boot_time_command} — prints what identifies one boot. The default prints the
 *       kernel's boot id and PID 1's start time: a container restart (the lab's reboot) keeps the
 *       host kernel's boot id, but not its PID 1.</li>
 * </ul>
 *
 * <pre>{@code
 * - name: reboot into the new kernel
 *   reboot:
 *     reboot_timeout: 300
 *   become: true
 * }</pre>
 *
 * <pre>{@code
 * Reboot reboot = Reboot.builder().timeout(Duration.ofMinutes(5)).build();
 * }</pre>
 *
 * Exec budget: 1 to read the boot identity, 1 to start the reboot, then one per poll while the
 * host is away (about one a second) and the test command: waiting is this module's job.
 *
 * @param timeout         how long the host may take to come back
 * @param preDelay        wait before the reboot command
 * @param postDelay       wait after the new boot is seen
 * @param rebootCommand   shell command that reboots
 * @param testCommand     shell command that must succeed once the host is back
 * @param bootTimeCommand shell command printing the boot identity
 */
public record Reboot(Duration timeout, Duration preDelay, Duration postDelay, String rebootCommand,
                     String testCommand, String bootTimeCommand) implements Module<String> {

    public static final String DEFAULT_BOOT_TIME_COMMAND =
            "cat /proc/sys/kernel/random/boot_id; cut -d ' ' -f 22 /proc/1/stat";
    private static final Duration POLL = Duration.ofSeconds(1);

    public Reboot {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(preDelay, "preDelay");
        Objects.requireNonNull(postDelay, "postDelay");
        Objects.requireNonNull(rebootCommand, "rebootCommand");
        Objects.requireNonNull(testCommand, "testCommand");
        Objects.requireNonNull(bootTimeCommand, "bootTimeCommand");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("reboot_timeout must be positive");
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String moduleName() {
        return "reboot";
    }

    @Override
    public Probe<String> probe(ModuleContext context) {
        return Probe.of(bootTimeCommand, r -> {
            String boot = r.stdout().strip();
            if (!r.succeeded() || boot.isEmpty()) {
                throw new ModuleException("cannot read the boot identity with '" + bootTimeCommand + "': exit "
                        + r.exitCode() + " " + r.stderr().strip());
            }
            return boot;
        });
    }

    @Override
    public Plan plan(String boot, ModuleContext context) {
        // Detached and silent: the exec that starts it ends before the host goes down.
        String start = "sleep " + (preDelay.toSeconds() + 1) + "; " + rebootCommand;
        String script = "nohup sh -c " + ShellQuote.quote(start) + " </dev/null >/dev/null 2>&1 &\n";
        return Plan.apply(Change.of("reboot (" + timeout.toSeconds() + " s to come back)"), script)
                .thenWait((applied, exec) -> awaitNewBoot(boot, exec));
    }

    /** Polls until the boot identity differs from {@code before} and the test command succeeds. */
    private Outcome awaitNewBoot(String before, Function<String, ExecResult> exec) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        String lastProblem = "the host still ran its old boot";
        boolean rebooted = false;
        while (System.nanoTime() < deadline) {
            try {
                if (!rebooted) {
                    ExecResult r = exec.apply(bootTimeCommand);
                    String boot = r.stdout().strip();
                    rebooted = r.succeeded() && !boot.isEmpty() && !boot.equals(before);
                    if (rebooted) pause(postDelay);
                }
                if (rebooted) {
                    ExecResult test = exec.apply(testCommand);
                    if (test.succeeded()) return done(started);
                    lastProblem = "test command '" + testCommand + "' exited " + test.exitCode();
                }
            } catch (TransportException e) {
                lastProblem = e.getMessage(); // away, as it should be for a while
            }
            pause(POLL);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("rebooted", rebooted);
        data.put("elapsed", elapsed(started));
        return new Outcome(true, false, "the host did not come back within " + timeout.toSeconds() + " s ("
                + lastProblem + ")", data);
    }

    private static Outcome done(long started) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("rebooted", true);
        data.put("elapsed", elapsed(started));
        return new Outcome(false, true, "", data);
    }

    private static long elapsed(long started) {
        return Duration.ofNanos(System.nanoTime() - started).toSeconds();
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleException("interrupted while waiting for the host to come back");
        }
    }

    /** Builds a {@link Reboot} with Ansible's defaults. */
    public static final class Builder {
        private Duration timeout = Duration.ofSeconds(600);
        private Duration preDelay = Duration.ZERO;
        private Duration postDelay = Duration.ZERO;
        private String rebootCommand = "systemctl reboot";
        private String testCommand = "whoami";
        private String bootTimeCommand = DEFAULT_BOOT_TIME_COMMAND;

        public Builder timeout(Duration value) { this.timeout = value; return this; }
        public Builder preDelay(Duration value) { this.preDelay = value; return this; }
        public Builder postDelay(Duration value) { this.postDelay = value; return this; }
        public Builder rebootCommand(String value) { this.rebootCommand = value; return this; }
        public Builder testCommand(String value) { this.testCommand = value; return this; }
        public Builder bootTimeCommand(String value) { this.bootTimeCommand = value; return this; }

        public Reboot build() {
            return new Reboot(timeout, preDelay, postDelay, rebootCommand, testCommand, bootTimeCommand);
        }
    }

    /** YAML binding: {@code reboot}. */
    public static final class Type implements ModuleType {
        private static final Set<String> PARAMETERS = Set.of("reboot_timeout", "pre_reboot_delay", "post_reboot_delay",
                "reboot_command", "test_command", "boot_time_command");

        @Override
        public List<String> names() {
            return List.of("reboot");
        }

        @Override
        public Set<String> parameters() {
            return PARAMETERS;
        }

        @Override
        public Set<String> required() {
            return Set.of();
        }

        @Override
        public Module<?> create(Args args) {
            args.requireKnown(PARAMETERS);
            Builder b = builder();
            b.timeout(seconds(args, "reboot_timeout", 600, 1));
            b.preDelay(seconds(args, "pre_reboot_delay", 0, 0));
            b.postDelay(seconds(args, "post_reboot_delay", 0, 0));
            args.optionalString("reboot_command").ifPresent(b::rebootCommand);
            args.optionalString("test_command").ifPresent(b::testCommand);
            args.optionalString("boot_time_command").ifPresent(b::bootTimeCommand);
            return b.build();
        }

        private static Duration seconds(Args args, String name, int fallback, int least) {
            int value = args.integer(name, fallback);
            if (value < least) throw args.error(name, "'" + name + "' must be at least " + least + " (seconds), got " + value);
            return Duration.ofSeconds(value);
        }
    }
}
