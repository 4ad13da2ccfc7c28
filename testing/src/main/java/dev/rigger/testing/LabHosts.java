package dev.rigger.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a lab of Debian hosts (systemd + sshd) once for the annotated test class and removes it
 * after the last test, even when tests fail. Tests receive the {@link Lab} as a parameter:
 *
 * <pre>{@code
 * @LabHosts(value = {"pg1", "pg2"}, groups = "postgres=pg1,pg2")
 * class ReplicationIT {
 *     @Test
 *     void standbyFollowsPrimary(Lab lab) {
 *         Inventory inventory = lab.inventory();
 *         ...
 *     }
 * }
 * }</pre>
 *
 * Without a Docker engine the class is skipped with a message naming what is missing; under
 * {@code CI=true} that is a failure instead.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(LabExtension.class)
public @interface LabHosts {

    /** Host names; each becomes the container's hostname and its DNS name on the lab network. */
    String[] value();

    /** Inventory groups as {@code "group=host1,host2"}. */
    String[] groups() default {};
}
