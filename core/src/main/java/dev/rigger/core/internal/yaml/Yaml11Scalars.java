package dev.rigger.core.internal.yaml;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.vault.Vault;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Resolves a scalar's text to a Java value the way Ansible's loader (PyYAML, YAML 1.1) does, so
 * variables mean the same here as under ansible-playbook: {@code yes}/{@code off} are booleans,
 * {@code 0644} is octal 420, {@code 1e5} is a string (YAML 1.1 floats need a dot), {@code 1:30} is
 * the sexagesimal 90. Quoted and block scalars are always strings. Timestamps stay strings: they
 * only ever reach templates, where a date prints as the text written anyway.
 */
final class Yaml11Scalars {
    private static final String TAG = "tag:yaml.org,2002:";

    private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
    private static final Pattern TRUE = Pattern.compile("yes|Yes|YES|true|True|TRUE|on|On|ON");
    private static final Pattern FALSE = Pattern.compile("no|No|NO|false|False|FALSE|off|Off|OFF");
    private static final Pattern INT = Pattern.compile(
            "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
    private static final Pattern FLOAT = Pattern.compile(
            "[-+]?[0-9][0-9_]*\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
            + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");

    private Yaml11Scalars() {}

    static Object resolve(String text, YamlScalar.Style style, String tag, SourceLocation at) {
        if (tag == null) return style == YamlScalar.Style.PLAIN ? resolvePlain(text) : text;
        // A value the writer marked as secret: it renders into files but never into logs, events or diffs.
        if (tag.equals("!secret")) return Secret.of(text);
        // An inline Ansible Vault value: decrypted with the vault passwords given, always a secret string.
        if (tag.equals("!vault")) return Secret.of(Vault.decrypt(text, at));
        if (!tag.startsWith(TAG)) return text; // !unsafe and other local tags: keep the text
        String type = tag.substring(TAG.length());
        Object plain = resolvePlain(text);
        boolean fits = switch (type) {
            case "str" -> true;
            case "null" -> plain == null;
            case "bool" -> plain instanceof Boolean;
            case "int" -> plain instanceof Number && !(plain instanceof Double);
            case "float" -> plain instanceof Number;
            default -> throw new InputException(at, "unsupported YAML tag '!!" + type + "'");
        };
        if (!fits) throw new InputException(at, "'" + text + "' is not a valid !!" + type);
        if (type.equals("str")) return text;
        return type.equals("float") ? (Object) ((Number) plain).doubleValue() : plain;
    }

    private static Object resolvePlain(String text) {
        if (NULL.matcher(text).matches()) return null;
        if (TRUE.matcher(text).matches()) return Boolean.TRUE;
        if (FALSE.matcher(text).matches()) return Boolean.FALSE;
        if (INT.matcher(text).matches()) return integer(text);
        if (FLOAT.matcher(text).matches()) return floating(text);
        return text;
    }

    private static Number integer(String text) {
        String t = text.replace("_", "");
        boolean negative = t.startsWith("-");
        if (t.startsWith("-") || t.startsWith("+")) t = t.substring(1);
        BigInteger v;
        if (t.equals("0")) v = BigInteger.ZERO;
        else if (t.startsWith("0b")) v = new BigInteger(t.substring(2), 2);
        else if (t.startsWith("0x")) v = new BigInteger(t.substring(2), 16);
        else if (t.startsWith("0")) v = new BigInteger(t.substring(1), 8);
        else if (t.contains(":")) v = BigInteger.valueOf(sexagesimal(t));
        else v = new BigInteger(t);
        return narrow(negative ? v.negate() : v);
    }

    private static Double floating(String text) {
        String t = text.replace("_", "");
        double sign = t.startsWith("-") ? -1 : 1;
        if (t.startsWith("-") || t.startsWith("+")) t = t.substring(1);
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals(".inf")) return sign * Double.POSITIVE_INFINITY;
        if (lower.equals(".nan")) return Double.NaN;
        if (t.contains(":")) {
            int dot = t.indexOf('.');
            return sign * (sexagesimal(t.substring(0, dot)) + Double.parseDouble("0" + t.substring(dot)));
        }
        return sign * Double.parseDouble(t);
    }

    /** {@code 1:30:05} → 5405: base-60 digits, as YAML 1.1 reads clock-like numbers. */
    private static long sexagesimal(String t) {
        long v = 0;
        for (String part : t.split(":")) v = v * 60 + Long.parseLong(part);
        return v;
    }

    private static Number narrow(BigInteger v) {
        if (v.bitLength() < 32) return v.intValue();
        if (v.bitLength() < 64) return v.longValue();
        return v;
    }
}
