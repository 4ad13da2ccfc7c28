package dev.rigger.testing.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.testcontainers.dockerclient.DockerClientConfigUtils;
import org.testcontainers.utility.ResourceReaper;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * Sets Testcontainers up for the lab before its first use, so a user's project needs no
 * environment variables. Testcontainers reads these settings from the process environment (and
 * its own properties file), so where a variable is not set the lab sets the value Testcontainers
 * keeps in memory instead:
 * <ul>
 *   <li>{@code TESTCONTAINERS_RYUK_DISABLED}: no Ryuk container. The lab removes its own containers
 *       and a JVM's leftovers (see {@link dev.rigger.testing.Lab}); Ryuk would only add an image pull that hangs for
 *       minutes on a machine without a registry.</li>
 *   <li>{@code TESTCONTAINERS_HOST_OVERRIDE}: inside a container ({@code /.dockerenv}) Testcontainers
 *       would start a helper container (another pull) to find the Docker host's address; the lab
 *       reaches its hosts on their own network and needs none, so {@code localhost} it is.</li>
 *   <li>{@code TESTCONTAINERS_CHECKS_DISABLE}: with checks on, the first container with a bind mount
 *       (the lab's apt cache) starts a helper container (a third pull) only to decide whether to
 *       log a warning.</li>
 * </ul>
 * A variable that is set always wins. With a Testcontainers whose internals differ from the one
 * Rigger is built with, this fails at once, naming the variables to set.
 */
public final class LabTestcontainers {
    static final String RYUK_DISABLED = "TESTCONTAINERS_RYUK_DISABLED";
    static final String HOST_OVERRIDE = "TESTCONTAINERS_HOST_OVERRIDE";
    static final String CHECKS_DISABLE = "TESTCONTAINERS_CHECKS_DISABLE";
    private static boolean configured;

    private LabTestcontainers() {}

    public static synchronized void configure() {
        if (configured) return;
        configured = true;
        try {
            if (System.getenv(RYUK_DISABLED) == null) withoutRyuk();
            if (DockerClientConfigUtils.IN_A_CONTAINER && System.getenv(HOST_OVERRIDE) == null) dockerHostIsLocalhost();
            if (System.getenv(CHECKS_DISABLE) == null) withoutChecks();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("the lab cannot configure this Testcontainers version (" + e + "); set "
                    + RYUK_DISABLED + "=true, " + CHECKS_DISABLE + "=true"
                    + (DockerClientConfigUtils.IN_A_CONTAINER ? " and " + HOST_OVERRIDE + "=localhost" : "")
                    + " in the environment of the tests", e);
        }
    }

    /**
     * For a lab that outlives this JVM ({@link dev.rigger.testing.Lab.Builder#detached}): Testcontainers' resource
     * reaper does nothing. Without Ryuk, Testcontainers would otherwise remove every container of
     * this JVM's session in a shutdown hook (and Ryuk would remove them when the JVM dies). Must
     * come before Testcontainers' first use in this JVM, whatever TESTCONTAINERS_RYUK_DISABLED says.
     */
    public static synchronized void keepContainersAfterExit() {
        try {
            Field instance = ResourceReaper.class.getDeclaredField("instance");
            instance.setAccessible(true);
            synchronized (ResourceReaper.class) {
                Object current = instance.get(null);
                if (current == null) {
                    // The base class's init() sets no hook and it reaps only what is registered with it: nothing.
                    Constructor<ResourceReaper> plain = ResourceReaper.class.getDeclaredConstructor();
                    plain.setAccessible(true);
                    instance.set(null, plain.newInstance());
                } else if (current.getClass() != ResourceReaper.class) {
                    throw new IllegalStateException("Testcontainers already runs in this JVM with " + current.getClass().getSimpleName()
                            + ", which removes this JVM's containers when it exits; start a detached lab before any other container");
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the lab cannot keep its containers after this JVM exits with this Testcontainers version (" + e + ")", e);
        }
        configure();
    }

    /** As {@code checks.disable=true} in {@code ~/.testcontainers.properties}, in memory only. */
    private static void withoutChecks() throws ReflectiveOperationException {
        Field user = TestcontainersConfiguration.class.getDeclaredField("userProperties");
        user.setAccessible(true);
        ((Properties) user.get(TestcontainersConfiguration.getInstance())).putIfAbsent("checks.disable", "true");
    }

    /** What {@code ResourceReaper.instance()} installs when {@code TESTCONTAINERS_RYUK_DISABLED=true}. */
    private static void withoutRyuk() throws ReflectiveOperationException {
        Field instance = ResourceReaper.class.getDeclaredField("instance");
        instance.setAccessible(true);
        synchronized (ResourceReaper.class) {
            if (instance.get(null) != null) return; // Testcontainers already in use: too late to change it
            Constructor<?> jvmHook = Class.forName("org.testcontainers.utility.JVMHookResourceReaper").getDeclaredConstructor();
            jvmHook.setAccessible(true);
            instance.set(null, jvmHook.newInstance());
        }
    }

    /** Fills the cache {@code DockerClientConfigUtils.getDefaultGateway()} would fill by running a container. */
    @SuppressWarnings("unchecked")
    private static void dockerHostIsLocalhost() throws ReflectiveOperationException {
        Field gateway = DockerClientConfigUtils.class.getDeclaredField("defaultGateway");
        gateway.setAccessible(true);
        ((AtomicReference<Object>) gateway.get(null)).compareAndSet(null, Optional.of("localhost"));
    }
}
