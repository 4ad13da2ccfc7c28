package dev.rigger.testing;

import dev.rigger.testing.internal.LabEnvironment;
import java.util.Arrays;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 front door of the lab. Used through {@link LabHosts}, or registered programmatically:
 *
 * <pre>{@code
 * @RegisterExtension
 * static LabExtension lab = LabExtension.withHosts("lb1", "lb2").group("lb", "lb1", "lb2");
 * }</pre>
 *
 * One lab per test class: containers start before the first test and are removed after the last,
 * whatever the outcome (Ryuk cannot run on these machines, so cleanup is ours).
 */
public final class LabExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LabExtension.class);

    private final Lab.Builder programmatic;
    private Lab programmaticLab;

    /** Used by {@link LabHosts}; reads the annotation. */
    public LabExtension() {
        this.programmatic = null;
    }

    private LabExtension(Lab.Builder builder) {
        this.programmatic = builder;
    }

    public static LabExtension withHosts(String... hosts) {
        return new LabExtension(Lab.builder().hosts(hosts));
    }

    public LabExtension group(String group, String... hosts) {
        programmatic.group(group, hosts);
        return this;
    }

    /** The running lab (programmatic registration only), for use in static fields and helpers. */
    public Lab lab() {
        if (programmaticLab == null) throw new IllegalStateException("the lab starts before the first test of the class");
        return programmaticLab;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LabEnvironment.requireDocker();
        Lab.Builder builder = programmatic != null ? programmatic : fromAnnotation(context);
        Lab lab = builder.name(context.getRequiredTestClass().getSimpleName()).start();
        if (programmatic != null) programmaticLab = lab;
        // Stored as CloseableResource too, so JUnit closes it even if afterAll is never reached.
        context.getStore(NAMESPACE).put(Lab.class, (ExtensionContext.Store.CloseableResource) lab::close);
        context.getStore(NAMESPACE).put("lab", lab);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Lab lab = context.getStore(NAMESPACE).remove("lab", Lab.class);
        context.getStore(NAMESPACE).remove(Lab.class);
        if (lab != null) lab.close();
        programmaticLab = null;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Lab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        for (ExtensionContext c = extensionContext; c != null; c = c.getParent().orElse(null)) {
            Lab lab = c.getStore(NAMESPACE).get("lab", Lab.class);
            if (lab != null) return lab;
        }
        throw new ParameterResolutionException("no lab is running for " + extensionContext.getDisplayName());
    }

    private static Lab.Builder fromAnnotation(ExtensionContext context) {
        LabHosts spec = context.getRequiredTestClass().getAnnotation(LabHosts.class);
        if (spec == null) throw new IllegalStateException("annotate the class with @LabHosts or register LabExtension.withHosts(...)");
        Lab.Builder builder = Lab.builder().hosts(spec.value());
        for (String group : spec.groups()) {
            int eq = group.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("@LabHosts groups take \"group=host1,host2\", got \"" + group + "\"");
            builder.group(group.substring(0, eq).trim(),
                    Arrays.stream(group.substring(eq + 1).split(",")).map(String::trim).toArray(String[]::new));
        }
        return builder;
    }
}
