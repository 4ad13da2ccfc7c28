package dev.rigger.core.secret;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secret texts one run has seen, and output masked with them: whatever a module does with a
 * secret it was given (prints it in a command line, echoes it on stderr, puts it in a message or
 * a registered result), the text shows as {@code ********}. A run records every secret its tasks
 * can see before their output is reported; once seen, a text stays masked for the rest of the run,
 * on every host. Thread-safe: the hosts of a run record and mask at the same time.
 */
public final class SecretMask {
    private final Set<String> texts = ConcurrentHashMap.newKeySet();
    /** The texts longest first, so a secret that contains another is masked whole; rebuilt when one is added. */
    private volatile List<String> ordered = List.of();

    /** Records {@code secret}'s texts. */
    public void add(Secret secret) {
        // Tasks see the same secrets again and again: only a new one takes the lock.
        if (texts.containsAll(secret.texts())) return;
        synchronized (this) {
            boolean added = false;
            for (String text : secret.texts()) {
                if (!text.isEmpty()) added |= texts.add(text);
            }
            if (added) {
                List<String> sorted = new ArrayList<>(texts);
                sorted.sort(Comparator.comparingInt(String::length).reversed());
                ordered = List.copyOf(sorted);
            }
        }
    }

    /** Records every secret inside {@code value} (lists and maps are searched). */
    public void addAll(Object value) {
        if (value instanceof Secret s) {
            add(s);
        } else if (value instanceof Map<?, ?> map) {
            for (Object v : map.values()) addAll(v);
        } else if (value instanceof Collection<?> items) {
            for (Object v : items) addAll(v);
        }
    }

    public boolean isEmpty() {
        return texts.isEmpty();
    }

    /**
     * Secrets shorter than this are masked only where they stand alone (not inside a word): a
     * one-letter password must not turn the task name {@code users} into {@code use********s}.
     */
    static final int SHORT = 4;

    /** {@code text} with every recorded secret replaced by {@code ********}. */
    public String mask(String text) {
        if (text == null || text.isEmpty()) return text;
        String out = text;
        for (String secret : ordered) {
            if (!out.contains(secret)) continue;
            out = secret.length() >= SHORT ? out.replace(secret, Secret.REDACTED)
                    : Pattern.compile("(?<![\\p{Alnum}])" + Pattern.quote(secret) + "(?![\\p{Alnum}])")
                            .matcher(out).replaceAll(Matcher.quoteReplacement(Secret.REDACTED));
        }
        return out;
    }

    /** {@code value} with every string inside it masked; lists and maps are copied, other values kept. */
    public Object mask(Object value) {
        if (value instanceof String s) return mask(s);
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k instanceof String s ? mask(s) : k, mask(v)));
            return out;
        }
        if (value instanceof Collection<?> items) {
            List<Object> out = new ArrayList<>(items.size());
            for (Object v : items) out.add(mask(v));
            return out;
        }
        return value;
    }
}
