package dev.rigger.modules.system;

import java.util.regex.Pattern;

/** Rules shared by the user, group and authorized_key modules. */
final class Accounts {
    /**
     * What shadow's useradd/groupadd accept on a relaxed system (Debian's NAME_REGEX is stricter):
     * no leading dash (it would read as an option), no colon or blank (they break /etc/passwd).
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]*\\$?");

    private Accounts() {}

    /**
     * @param parameter the spec parameter holding the name; validation messages start with it
     *                  ({@code "groups: ..."}) so YAML errors can point at that parameter
     */
    static void requireName(String parameter, String kind, String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException(parameter + ": a " + kind + " name is required");
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(parameter + ": '" + name + "' is not a valid " + kind + " name");
        }
    }

    /** Fields of /etc/passwd cannot hold a colon or a line break. */
    static void requirePasswdField(String parameter, String value) {
        if (value != null && (value.indexOf(':') >= 0 || value.indexOf('\n') >= 0)) {
            throw new IllegalArgumentException(parameter + ": cannot contain ':' or a line break");
        }
    }

    /** The parameter a validation message of a spec's constructor starts with. */
    static String parameterOf(IllegalArgumentException e, String fallback) {
        String m = e.getMessage();
        int colon = m == null ? -1 : m.indexOf(':');
        return colon > 0 && m.substring(0, colon).matches("[a-z_]+") ? m.substring(0, colon) : fallback;
    }
}
