package dev.rigger.core.transport;

import java.util.List;
import java.util.Optional;

/**
 * How a script becomes another user: Ansible's {@code become_method} values Rigger supports. Both
 * take the become password on stdin, never in argv.
 */
public enum BecomeMethod {
    /** {@code sudo -u USER}: the login user's own password, if sudo asks for one. */
    SUDO("sudo"),
    /** {@code su USER -c}: the target user's password (root's for plain become). */
    SU("su");

    private final String keyword;

    BecomeMethod(String keyword) {
        this.keyword = keyword;
    }

    /** The name playbooks, flags and ansible.cfg use. */
    public String keyword() {
        return keyword;
    }

    /** The keywords, in the order messages list them. */
    public static List<String> keywords() {
        return List.of(SUDO.keyword, SU.keyword);
    }

    /** Why {@code name}, given as {@code what}, cannot be used: the methods Rigger has. */
    public static String notSupported(String what, String name) {
        return what + " '" + name + "' is not supported: Rigger becomes another user with " + String.join(" or ", keywords());
    }

    /** The method named {@code name} ({@code su} or {@code ansible.builtin.su}, ...), if supported. */
    public static Optional<BecomeMethod> of(String name) {
        String bare = name.startsWith("ansible.builtin.") ? name.substring("ansible.builtin.".length()) : name;
        for (BecomeMethod m : values()) {
            if (m.keyword.equals(bare)) return Optional.of(m);
        }
        return Optional.empty();
    }
}
