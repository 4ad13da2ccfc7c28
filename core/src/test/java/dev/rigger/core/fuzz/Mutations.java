package dev.rigger.core.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Hostile inputs made from valid ones: a seed text (a real playbook, inventory, template) gets one
 * to four edits at the token level, so most cases still look like the format and reach deep into the
 * parser instead of dying at the first byte. The edits are what people and attackers write: a
 * deleted, doubled or swapped token, a stray quote or brace, a tab, a NUL, unpaired surrogates,
 * deep nesting, huge numbers, anchors, aliases, merge keys and alias bombs. Every edit is a few
 * integers, so jqwik shrinks a failure to the smallest edit that still breaks.
 */
final class Mutations {
    /** A token: a word, a run of blanks, or one other character. */
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}_]+|[ \\t]+|\\r?\\n|.", Pattern.DOTALL);

    /** Fragments that break formats: quoting, braces, YAML indicators, Jinja delimiters, odd characters. */
    static final List<String> FRAGMENTS = List.of(
            "'", "\"", "\\", "`", "$(", ")", "{", "}", "[", "]", "(", "{{", "}}", "{%", "%}", "{#", "#}",
            "{{{", "}}}", "{{#", "{{/", "{{^", "{{>", "{{=<% %>=}}", "{{!", "{% endif %}", "{% for x in %}", "{% set %}",
            "{% raw %}", "|", "| default(", "| int", "| unknownfilter", "~", ".", "..", "[0]", "[-99999999999]",
            ":", ": ", "- ", "-", "? ", "#", "&", "*", "!", "!!", "!!str ", "!!binary ", "!!python/object:os.system ",
            "!secret ", "!vault ", "!unsafe ", "&a ", "*a", "*nope", "<<: *a", "<<: ", "<<", "%YAML 1.1\n", "---\n",
            "...\n", "\t", "\r", "\r\n", "\n", "\u0000", "\u0007", "\u001b[31m", "\u00a0", "\u200b", "\ufeff",
            "\ud800", "\udfff", "\uffff", "\ud83d\ude00", "é", "Ω", "\u202e", "=", "==", "=\"", ",", ";",
            "99999999999999999999999999999", "-9223372036854775809", "1e999999", "0x", "0o8", ".inf", "-.NaN",
            "NaN", "null", "~", "true", "yes", "on", "2001-13-45", "[groupname:children]", "[g:vars]", "[",
            "host[1:999999999]", "host[a:", "ansible_port=", "ansible_port=99999999999", "=value", "${x}", "%s", "%n");

    private Mutations() {}

    /** One of the seeds, edited. */
    static Arbitrary<String> of(List<String> seeds) {
        return mutants(seeds).map(Mutant::text);
    }

    /** An edited seed and which seed it was (for inputs that are one file among several). */
    record Mutant(int seed, String text) {}

    static Arbitrary<Mutant> mutants(List<String> seeds) {
        Arbitrary<Integer> seed = Arbitraries.integers().between(0, seeds.size() - 1);
        Arbitrary<List<Edit>> edits = edit().list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(seed, edits).as((i, list) -> new Mutant(i, apply(seeds.get(i), list)));
    }

    /** Kind, two positions as fractions of the text (0..9999) and a fragment or size. */
    record Edit(int kind, int at, int other, int what) {}

    static Arbitrary<Edit> edit() {
        return Combinators.combine(
                Arbitraries.integers().between(0, 12),
                Arbitraries.integers().between(0, 9999),
                Arbitraries.integers().between(0, 9999),
                Arbitraries.integers().between(0, 9999)).as(Edit::new);
    }

    static String apply(String seed, List<Edit> edits) {
        String text = seed;
        for (Edit e : edits) text = apply(text, e);
        return text;
    }

    private static String apply(String text, Edit e) {
        // Growing edits compound (a token repeated 200 times, then that again): stop at a size real
        // files have, so a case measures the parser, not the time to scan megabytes.
        if (text.length() > 50_000) return text;
        List<String> tokens = tokens(text);
        if (tokens.isEmpty()) tokens.add("");
        int i = scale(e.at, tokens.size());
        int j = scale(e.other, tokens.size());
        String fragment = FRAGMENTS.get(e.what % FRAGMENTS.size());
        switch (e.kind) {
            case 0 -> tokens.remove(i);
            case 1 -> tokens.add(i, tokens.get(i));
            case 2 -> { String t = tokens.get(i); tokens.set(i, tokens.get(j)); tokens.set(j, t); }
            case 3, 4 -> tokens.add(i, fragment);
            case 5 -> tokens.set(i, fragment);
            case 6 -> { return lines(text, e, false); }
            case 7 -> { return lines(text, e, true); }
            case 8 -> tokens.add(i, nesting(e.what));
            case 9 -> tokens.add(i, anchored(e.what));
            case 10 -> tokens.set(i, aliasBomb(e.what));
            case 11 -> tokens.set(i, tokens.get(i).length() > 20 ? tokens.get(i) : tokens.get(i).repeat(2 + e.what % 200));
            default -> tokens.add(i, bigNumber(e.what));
        }
        return String.join("", tokens);
    }

    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) tokens.add(m.group());
        return tokens;
    }

    /** Doubles, deletes or re-indents a whole line: YAML and INI structure lives in lines. */
    private static String lines(String text, Edit e, boolean indent) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int i = scale(e.at, lines.size());
        if (indent) {
            lines.set(i, (e.what % 3 == 0 ? "\t" : " ".repeat(1 + e.what % 7)) + lines.get(i));
        } else if (e.what % 2 == 0) {
            lines.add(scale(e.other, lines.size()), lines.get(i));
        } else {
            lines.remove(i);
        }
        return String.join("\n", lines);
    }

    /** Deep nesting in every bracket kind the formats know: YAML flow, expressions, Jinja, Mustache sections. */
    static String nesting(int what) {
        int depth = 20 + (what * 7) % 5000;
        return switch (what % 5) {
            case 0 -> "[".repeat(depth) + "]".repeat(depth);
            case 1 -> "{a: ".repeat(depth) + "}".repeat(depth);
            case 2 -> "{{ " + "(".repeat(depth) + "1" + ")".repeat(depth) + " }}";
            case 3 -> "{% if x %}".repeat(depth) + "{% endif %}".repeat(depth);
            default -> "{{#a}}".repeat(depth) + "{{/a}}".repeat(depth);
        };
    }

    private static String anchored(int what) {
        return switch (what % 4) {
            case 0 -> "&a ";
            case 1 -> "*a";
            case 2 -> "\n<<: *a\n";
            default -> "\nx: &a {k: v}\ny: *a\n";
        };
    }

    /**
     * The billion laughs as one flow value, so it fits wherever a value does: ten aliases of ten
     * aliases of ..., tiny as text, 10^depth nodes once expanded.
     */
    static String aliasBomb(int what) {
        int depth = 3 + what % 7;
        StringBuilder out = new StringBuilder("[&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]");
        for (int d = 1; d <= depth; d++) {
            out.append(", &l").append(d).append(" [");
            for (int k = 0; k < 10; k++) out.append(k == 0 ? "" : ", ").append("*l").append(d - 1);
            out.append("]");
        }
        return out.append("]").toString();
    }

    private static String bigNumber(int what) {
        return switch (what % 4) {
            case 0 -> "9".repeat(20 + what % 2000);
            case 1 -> "1e" + "9".repeat(1 + what % 12);
            case 2 -> "0." + "0".repeat(what % 1000) + "1";
            default -> "-" + "9".repeat(19 + what % 50);
        };
    }

    private static int scale(int fraction, int size) {
        return (int) ((long) fraction * size / 10000);
    }
}
