package dev.rigger.core.module;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A permission mode as tasks write it: octal ({@code "0644"}, {@code "644"}, {@code "2775"}) or
 * symbolic ({@code "u=rw,g=r,o="}, {@code "a+x"}). {@link #apply(int, boolean)} computes the resulting
 * bits from the current ones, so a plan can tell whether {@code chmod} would change anything.
 */
public record FileMode(String text) {
    private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3,4}");
    private static final Pattern SYMBOLIC = Pattern.compile("[ugoa]*[-+=][rwxXst]*([-+=][rwxXst]*)*(,[ugoa]*[-+=][rwxXst]*([-+=][rwxXst]*)*)*");

    public static FileMode parse(String text) {
        String t = text.trim();
        if (OCTAL.matcher(t).matches() || SYMBOLIC.matcher(t).matches()) return new FileMode(t);
        throw new IllegalArgumentException("mode '" + text + "' is neither octal like \"0644\" nor symbolic like \"u=rw,g=r\"");
    }

    public Optional<Integer> octal() {
        return OCTAL.matcher(text).matches() ? Optional.of(Integer.parseInt(text, 8)) : Optional.empty();
    }

    /** The permission bits (with setuid/setgid/sticky) after applying this mode to {@code current}. */
    public int apply(int current, boolean isDirectory) {
        Optional<Integer> oct = octal();
        if (oct.isPresent()) return oct.get();
        int mode = current & 07777;
        for (String clause : text.split(",")) {
            int i = 0;
            int who = 0;
            while (i < clause.length() && "ugoa".indexOf(clause.charAt(i)) >= 0) {
                switch (clause.charAt(i++)) {
                    case 'u' -> who |= 04700;
                    case 'g' -> who |= 02070;
                    case 'o' -> who |= 01007;
                    default -> who |= 07777;
                }
            }
            if (who == 0) who = 07777;
            while (i < clause.length()) {
                char op = clause.charAt(i++);
                int perms = 0;
                while (i < clause.length() && "rwxXst".indexOf(clause.charAt(i)) >= 0) {
                    switch (clause.charAt(i++)) {
                        case 'r' -> perms |= 0444;
                        case 'w' -> perms |= 0222;
                        case 'x' -> perms |= 0111;
                        case 'X' -> perms |= (isDirectory || (current & 0111) != 0) ? 0111 : 0;
                        case 's' -> perms |= 06000;
                        default -> perms |= 01000;
                    }
                }
                int bits = perms & who;
                switch (op) {
                    case '+' -> mode |= bits;
                    case '-' -> mode &= ~bits;
                    default -> mode = (mode & ~(who & 07777)) | bits;
                }
            }
        }
        return mode;
    }

    @Override
    public String toString() {
        return text;
    }
}
