package dev.rigger.modules.system;

import dev.rigger.core.module.ModuleArgumentException;

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
     * @param module    the module being built, for the {@link ModuleArgumentException}
     * @param parameter the spec parameter holding the name, so YAML errors can point at it
     */
    static void requireName(String module, String parameter, String kind, String name) {
        if (name == null || name.isEmpty()) throw new ModuleArgumentException(module, parameter, "a " + kind + " name is required");
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new ModuleArgumentException(module, parameter, "'" + name + "' is not a valid " + kind + " name");
        }
    }

    /** Fields of /etc/passwd cannot hold a colon or a line break. */
    static void requirePasswdField(String parameter, String value) {
        if (value != null && (value.indexOf(':') >= 0 || value.indexOf('\n') >= 0)) {
            throw new ModuleArgumentException("user", parameter, "cannot contain ':' or a line break");
        }
    }

}
