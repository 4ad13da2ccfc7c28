package dev.rigger.core.facts;

import dev.rigger.core.facts.Facts.Virtualization;
import dev.rigger.core.transport.Connection;
import dev.rigger.core.transport.ExecRequest;
import dev.rigger.core.transport.ExecResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gathers {@link Facts} with one POSIX shell script run once per host ({@code gather-facts.sh} next
 * to this class). The script only prints what it finds; all interpretation happens in
 * {@link #parse(String)}, so it is unit-testable with captured outputs of real hosts.
 *
 * <p>Needs no Python and no root on the target, only {@code sh}. Tools the script prefers
 * ({@code ip}, {@code nproc}, {@code hostname}, {@code systemd-detect-virt}) may be missing; it then
 * reads {@code /proc} and {@code /sys}.
 */
public final class FactsGatherer {

    private static final String SCRIPT = loadScript();

    /** Package-manager tools in order of preference: dnf before yum, whose name it also answers to. */
    private static final Map<String, String> PACKAGE_MANAGERS = orderedMap(
            "apt-get", "apt", "dnf", "dnf", "yum", "yum", "apk", "apk", "zypper", "zypper", "pacman", "pacman");

    /** DMI strings that name a hypervisor, for hosts without systemd-detect-virt, as systemd names them. */
    private static final Map<String, String> DMI_HYPERVISORS = orderedMap(
            "KVM", "kvm", "QEMU", "qemu", "VMware", "vmware", "VirtualBox", "oracle",
            "Microsoft Corporation", "microsoft", "Xen", "xen", "Amazon EC2", "amazon");

    private FactsGatherer() {
    }

    /** The facts script: pipe it to {@code sh -s}. */
    public static String script() {
        return SCRIPT;
    }

    /**
     * Runs the script on the host with exactly one exec, as the connecting user.
     *
     * @throws FactsException when the script fails or its output is incomplete
     */
    public static Facts gather(Connection connection) {
        ExecResult result = connection.exec(ExecRequest.of(SCRIPT));
        if (!result.succeeded()) {
            throw new FactsException(connection.hostName() + ": facts script exited with "
                    + result.exitCode() + ": " + result.stderr().strip());
        }
        try {
            return parse(result.stdout());
        } catch (FactsException e) {
            throw new FactsException(connection.hostName() + ": " + e.getMessage());
        }
    }

    /**
     * Reads the script's output. Unknown keys and sections are ignored; a missing or garbled value
     * becomes an empty Optional or a default (see {@link Facts}).
     *
     * @throws FactsException when this is not the script's output or it was cut short
     */
    public static Facts parse(String stdout) {
        ProbeOutput out = ProbeOutput.parse(stdout);
        Map<String, String> releaseValues = OsRelease.parse(out.section("os-release").orElse(List.of()));
        String architecture = out.value("architecture").orElse("");
        NetworkFacts.Result network = NetworkFacts.parse(out, architecture);
        String hostname = out.value("hostname").orElse("");

        Map<String, String> raw = new LinkedHashMap<>(out.values());
        releaseValues.forEach((key, value) -> raw.put("os_release." + key, value));

        return new Facts(
                OsRelease.toOs(releaseValues, out.value("debian_version")),
                hostname,
                out.value("fqdn").orElse(hostname),
                out.value("kernel").orElse(""),
                architecture,
                out.value("cpus").flatMap(FactsGatherer::parseNumber).map(Long::intValue).orElse(0),
                out.value("memtotal_kb").flatMap(FactsGatherer::parseNumber).map(kb -> kb / 1024).orElse(0L),
                network.interfaces(),
                network.defaultIpv4(),
                out.value("pid1").orElse("unknown"),
                packageManager(out.value("package_tools").orElse("")),
                virtualization(out),
                raw);
    }

    private static Optional<String> packageManager(String tools) {
        List<String> present = List.of(tools.trim().split("\\s+"));
        return PACKAGE_MANAGERS.entrySet().stream()
                .filter(e -> present.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /**
     * A container wins over a VM: a container on a KVM guest is, for deployment purposes, a
     * container. systemd-detect-virt is the best judge; without it, the engines' marker files,
     * PID 1's cgroup path and the DMI strings.
     */
    private static Virtualization virtualization(ProbeOutput out) {
        Optional<String> container = detected(out.value("detect_virt_container"))
                .or(() -> out.value("containerenv").filter("yes"::equals).map(v -> "podman"))
                .or(() -> out.value("dockerenv").filter("yes"::equals).map(v -> "docker"))
                .or(() -> out.value("systemd_container"))
                .or(() -> containerFromCgroup(out.section("proc1-cgroup").orElse(List.of())));
        if (container.isPresent()) {
            return new Virtualization(container, true);
        }
        Optional<String> vm = detected(out.value("detect_virt_vm"))
                .or(() -> hypervisorFromDmi(out.value("dmi_sys_vendor").orElse("") + " " + out.value("dmi_product_name").orElse("")));
        return vm.map(type -> new Virtualization(Optional.of(type), false)).orElse(Virtualization.NONE);
    }

    private static Optional<String> detected(Optional<String> systemdDetectVirt) {
        return systemdDetectVirt.filter(v -> !v.equals("none"));
    }

    private static Optional<String> containerFromCgroup(List<String> cgroupLines) {
        for (String line : cgroupLines) {
            if (line.contains("/docker/") || line.contains("/docker-")) {
                return Optional.of("docker");
            }
            if (line.contains("libpod")) {
                return Optional.of("podman");
            }
            if (line.contains("/lxc/") || line.contains("lxc.payload")) {
                return Optional.of("lxc");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> hypervisorFromDmi(String dmi) {
        return DMI_HYPERVISORS.entrySet().stream()
                .filter(e -> dmi.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    private static Optional<Long> parseNumber(String text) {
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    private static String loadScript() {
        try (InputStream in = FactsGatherer.class.getResourceAsStream("gather-facts.sh")) {
            if (in == null) {
                throw new IllegalStateException("gather-facts.sh missing from the classpath next to FactsGatherer");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
