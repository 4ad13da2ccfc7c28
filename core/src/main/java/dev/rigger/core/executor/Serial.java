package dev.rigger.core.executor;

import java.util.ArrayList;
import java.util.List;

/**
 * Rolling batches ({@code serial:}): a number, a percentage, or a list of them, the last repeated
 * until all hosts are done — {@code [1, "50%"]} runs one host first, then half the rest at a time.
 */
public record Serial(List<String> steps) {

    public static final Serial ALL = new Serial(List.of("100%"));

    public Serial {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) throw new IllegalArgumentException("serial needs at least one batch size");
        for (String s : steps) size(s, 100); // validates
    }

    public static Serial of(Object... steps) {
        List<String> out = new ArrayList<>();
        for (Object s : steps) out.add(String.valueOf(s).trim());
        return new Serial(out);
    }

    /** Splits {@code hosts} into batches. */
    public <T> List<List<T>> batches(List<T> hosts) {
        List<List<T>> out = new ArrayList<>();
        int index = 0;
        int step = 0;
        while (index < hosts.size()) {
            int size = size(steps.get(Math.min(step, steps.size() - 1)), hosts.size());
            out.add(List.copyOf(hosts.subList(index, Math.min(hosts.size(), index + size))));
            index += size;
            step++;
        }
        return out;
    }

    /** Batch size for one step; percentages round down but never below one host (as Ansible). */
    static int size(String step, int total) {
        try {
            if (step.endsWith("%")) {
                double pct = Double.parseDouble(step.substring(0, step.length() - 1).trim());
                if (pct <= 0 || pct > 100) throw new IllegalArgumentException("serial percentage must be in (0, 100], got '" + step + "'");
                return Math.max(1, (int) Math.floor(total * pct / 100.0));
            }
            int n = Integer.parseInt(step);
            if (n <= 0) throw new IllegalArgumentException("serial batch size must be positive, got '" + step + "'");
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("serial takes a number, a percentage like '30%' or a list of them, got '" + step + "'");
        }
    }
}
