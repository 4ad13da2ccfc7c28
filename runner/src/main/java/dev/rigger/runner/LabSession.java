package dev.rigger.runner;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.testing.Lab;
import dev.rigger.testing.LabHost;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The one class of the runner that uses the lab ({@code rigger-testing}, Testcontainers). The JVM
 * loads it only when a {@code rigger lab} command runs, after {@link LabCommand} has checked that
 * rigger-lab.jar is on the class path, so rigger.jar alone never needs those classes.
 * Everything it hands back is the runner's or the JDK's types.
 */
final class LabSession {
    /** Lab.spareAddress numbers 1..40. */
    private static final int SPARE_ADDRESSES = 40;

    private LabSession() {}

    /** Starts a detached lab in {@code dir} (which must not hold one) and describes it. */
    static LabCommand.Layout up(Path dir, List<String> hosts, Map<String, List<String>> groups, String name) {
        Lab.Builder builder = Lab.builder().hosts(hosts.toArray(String[]::new)).name(name).detached(dir);
        groups.forEach((group, members) -> builder.group(group, members.toArray(String[]::new)));
        Lab lab = builder.start();
        Map<String, String> addresses = new LinkedHashMap<>();
        for (LabHost h : lab.hosts()) addresses.put(h.name(), h.ip());
        String subnet = lab.subnet();
        return new LabCommand.Layout(lab.id(), subnet, subnet.substring(0, subnet.lastIndexOf('.') + 1), addresses,
                IntStream.rangeClosed(1, SPARE_ADDRESSES).mapToObj(lab::spareAddress).toList(),
                lab.privateKeyFile(), lab.knownHostsFile());
    }

    /** Runs one drill step on a host of the lab in {@code dir}. */
    static void drill(Path dir, String host, LabCommand.DrillAction action) {
        // Not closed: closing a lab removes it, and this one must stay up.
        Lab lab = Lab.attach(dir);
        List<String> names = lab.hosts().stream().map(LabHost::name).toList();
        if (!names.contains(host)) {
            throw new InputException(SourceLocation.unknown(host), "no such host in the lab; it has " + String.join(", ", names),
                    NearNames.closest(host, names).orElse(null));
        }
        switch (action) {
            case stop -> lab.stop(host);
            case kill -> lab.kill(host);
            case start -> lab.start(host);
            case disconnect -> lab.disconnect(host);
            case reconnect -> lab.reconnect(host);
        }
    }

    /** Removes the lab of {@code dir}, or what a start that did not finish left; returns how many containers. */
    static int down(Path dir) {
        return Lab.removeDetached(dir);
    }
}
