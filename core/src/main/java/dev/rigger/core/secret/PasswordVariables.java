package dev.rigger.core.secret;

import java.util.Set;

/**
 * The inventory's connection passwords. Ansible inventories hold them as plain strings; when a
 * task reads one ({@code "{{ ansible_become_password }}"}) it is a {@link Secret}, as if written
 * with {@code !secret}, so it never shows in output.
 */
public final class PasswordVariables {
    public static final Set<String> NAMES = Set.of("ansible_password", "ansible_ssh_pass", "ansible_ssh_password",
            "ansible_become_password", "ansible_become_pass", "rigger_become_password");

    private PasswordVariables() {}

    /** {@code value} as a task sees the variable {@code name}: a password's text as a Secret, anything else as it is. */
    public static Object asSeen(String name, Object value) {
        if (NAMES.contains(name) && value != null && !(value instanceof Secret) && !(value instanceof java.util.Map)
                && !(value instanceof java.util.Collection)) {
            return Secret.of(String.valueOf(value));
        }
        return value;
    }
}
