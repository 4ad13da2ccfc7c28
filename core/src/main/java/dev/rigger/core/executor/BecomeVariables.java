package dev.rigger.core.executor;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.internal.text.AnsibleBoolean;
import dev.rigger.core.render.TemplatedVariables;
import dev.rigger.core.transport.BecomeMethod;
import java.util.Map;

/**
 * Whom a task's scripts run as. Ansible's become connection variables {@code ansible_become},
 * {@code ansible_become_user} and {@code ansible_become_method}, set wherever a task sees
 * variables (inventory, group_vars, host_vars, play, block or task {@code vars}, {@code -e}), win
 * over the {@code become}, {@code become_user} and {@code become_method} keywords, as in Ansible:
 * variables rank above playbook keywords there, so a host whose inventory says
 * {@code ansible_become_method: su} uses su even under a play that says {@code become_method: sudo},
 * and {@code vars: {ansible_become: false}} on a task is how Ansible turns become off for a host
 * whose inventory turns it on. Templated values are rendered with the task's variables.
 */
final class BecomeVariables {
    static final String BECOME = "ansible_become";
    static final String USER = "ansible_become_user";
    static final String METHOD = "ansible_become_method";

    private BecomeVariables() {}

    /**
     * The user and method for a task with keywords {@code a} on a host whose variables are
     * {@code vars}; null: the login user.
     *
     * @throws IllegalArgumentException when a variable has a value become cannot use
     */
    static TaskExecution.Become of(Attributes a, Map<String, Object> vars, SourceLocation at) {
        Map<String, Object> rendered = TemplatedVariables.asMap(vars, at);
        Object become = rendered.get(BECOME);
        if (!(become != null ? bool(become) : Boolean.TRUE.equals(a.become()))) return null;
        Object user = rendered.get(USER);
        Object method = rendered.get(METHOD);
        return new TaskExecution.Become(
                user != null ? String.valueOf(user) : a.becomeUser() != null ? a.becomeUser() : "root",
                method != null ? method(method) : a.becomeMethod() != null ? a.becomeMethod() : BecomeMethod.SUDO);
    }

    private static boolean bool(Object value) {
        return AnsibleBoolean.of(value).orElseThrow(() ->
                new IllegalArgumentException(BECOME + " must be a boolean (true or false), got '" + value + "'"));
    }

    private static BecomeMethod method(Object value) {
        String name = String.valueOf(value).strip();
        return BecomeMethod.of(name).orElseThrow(() -> new IllegalArgumentException(BecomeMethod.notSupported(METHOD, name)));
    }
}
