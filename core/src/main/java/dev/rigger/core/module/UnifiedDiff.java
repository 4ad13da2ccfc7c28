package dev.rigger.core.module;

import java.util.ArrayList;
import java.util.List;

/**
 * Unified diffs of text files for {@code --diff} (as {@code diff -u} prints them, 3 lines of
 * context). Files too large for an exact diff get a one-line summary instead, so a huge file can
 * never stall a run.
 */
public final class UnifiedDiff {
    private static final int CONTEXT = 3;
    private static final long MAX_CELLS = 25_000_000L;

    private UnifiedDiff() {}

    /** The diff from {@code before} to {@code after}, or "" when they are equal. */
    public static String of(String path, String before, String after) {
        if (before.equals(after)) return "";
        List<String> a = lines(before);
        List<String> b = lines(after);
        String header = "--- " + path + " (before)\n+++ " + path + " (after)\n";
        if ((long) a.size() * b.size() > MAX_CELLS) {
            return header + "@@ content differs: " + a.size() + " lines before, " + b.size() + " lines after (too large to diff) @@\n";
        }
        List<String> ops = script(a, b);
        StringBuilder out = new StringBuilder(header);
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i).charAt(0) == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            // Extend the hunk while changes are closer than 2*CONTEXT lines apart.
            int lastChange = i;
            while (end < ops.size() && end - lastChange <= 2 * CONTEXT) {
                if (ops.get(end).charAt(0) != ' ') lastChange = end;
                end++;
            }
            end = Math.min(ops.size(), lastChange + CONTEXT + 1);
            int[] pos = positions(ops, start);
            int aCount = 0;
            int bCount = 0;
            for (int k = start; k < end; k++) {
                char t = ops.get(k).charAt(0);
                if (t != '+') aCount++;
                if (t != '-') bCount++;
            }
            out.append("@@ -").append(range(pos[0] + 1, aCount)).append(" +").append(range(pos[1] + 1, bCount)).append(" @@\n");
            for (int k = start; k < end; k++) out.append(ops.get(k)).append('\n');
            i = end;
        }
        return out.toString();
    }

    private static String range(int start, int count) {
        if (count == 0) return (start - 1) + ",0";
        return count == 1 ? Integer.toString(start) : start + "," + count;
    }

    /** Line numbers (0-based) in a and b at op index {@code upTo}. */
    private static int[] positions(List<String> ops, int upTo) {
        int a = 0;
        int b = 0;
        for (int k = 0; k < upTo; k++) {
            char t = ops.get(k).charAt(0);
            if (t != '+') a++;
            if (t != '-') b++;
        }
        return new int[] {a, b};
    }

    /** Edit script by longest common subsequence: each entry is ' ', '-' or '+' followed by the line. */
    private static List<String> script(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> ops = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            if (a.get(i).equals(b.get(j))) {
                ops.add(" " + a.get(i++));
                j++;
            } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                ops.add("-" + a.get(i++));
            } else {
                ops.add("+" + b.get(j++));
            }
        }
        while (i < n) ops.add("-" + a.get(i++));
        while (j < m) ops.add("+" + b.get(j++));
        return ops;
    }

    private static List<String> lines(String text) {
        if (text.isEmpty()) return List.of();
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return List.of(t.split("\n", -1));
    }
}
