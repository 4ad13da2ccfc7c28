package dev.rigger.core.expr;

import java.util.ArrayList;
import java.util.List;

/** List helpers shared by filters and loop lookups. */
final class Loops {
    private Loops() {}

    /** Every combination, first list varying slowest (Python's itertools.product; Ansible's with_nested). */
    public static List<Object> product(List<? extends List<?>> lists) {
        List<Object> out = new ArrayList<>();
        out.add(List.of());
        for (List<?> l : lists) {
            List<Object> next = new ArrayList<>();
            for (Object prefix : out) {
                for (Object item : l) {
                    List<Object> row = new ArrayList<>((List<?>) prefix);
                    row.add(item);
                    next.add(row);
                }
            }
            out = next;
        }
        return out;
    }
}
