package dev.rigger.core.expr;

import dev.rigger.core.expr.Values.ValueError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's lookups, run on the controller: {@code lookup('file', 'motd')}, {@code lookup('env', 'HOME')},
 * {@code lookup('template', 'x.j2')}, {@code lookup('pipe', 'date')}, {@code lookup('vars', name)},
 * {@code first_found}, {@code fileglob}, and the list lookups behind {@code with_<name>} loops
 * ({@code items}, {@code list}, {@code dict}, {@code nested}, {@code together}, {@code sequence},
 * {@code subelements}, {@code indexed_items}, {@code flattened}). Relative files are looked up as
 * Ansible does: in the role ({@code role_path}) then the playbook's folder ({@code playbook_dir}),
 * each in the lookup's subfolder ({@code files/}, {@code templates/}, {@code vars/}) and then itself.
 */
public final class Lookups {
    @FunctionalInterface
    interface Body {
        List<Object> apply(List<Object> terms, Map<String, Object> named, Evaluation ev);
    }

    private static final Map<String, Body> ALL = new TreeMap<>();
    private static final Pattern SEQUENCE_ARG = Pattern.compile("(\\w+)=(\\S+)");

    private Lookups() {}

    static Optional<Body> named(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** True when {@code with_<name>} names a lookup Rigger has. */
    public static boolean exists(String name) {
        return ALL.containsKey(name);
    }

    /** lookup() joins a list result with commas, as Ansible's; query() always gives the list. */
    static Object run(List<Object> args, Map<String, Object> named, Evaluation ev, boolean wantList) {
        String name = Values.str(args.get(0));
        Body body = named(name).orElseThrow(() -> new ValueError("unknown lookup '" + name + "'"));
        Map<String, Object> options = new LinkedHashMap<>(named);
        boolean asList = wantList || Values.truthy(options.remove("wantlist"));
        List<Object> out = body.apply(args.subList(1, args.size()), options, ev);
        if (asList) return out;
        if (out.size() == 1) return out.get(0);
        return String.join(",", out.stream().map(o -> Values.str(Values.reveal(o))).toList());
    }

    /** The lookups that make sense as {@code with_<name>} loops, for "did you mean". */
    public static List<String> loopNames() {
        return names();
    }

    /**
     * The items of {@code with_<name>: terms} for the executor's loop: a list of terms (a single
     * term is a list of one; with_indexed_items takes the list itself as its one term).
     *
     * @throws dev.rigger.core.error.InputException at {@code at} when the lookup cannot give items
     */
    public static List<Object> loop(String name, Object terms, VariableScope variables, dev.rigger.core.error.SourceLocation at) {
        List<Object> list = new ArrayList<>();
        if (terms instanceof List<?> l && !name.equals("indexed_items")) list.addAll(l);
        else list.add(terms);
        try {
            return named(name).orElseThrow().apply(list, Map.of(), new Evaluation(variables, null));
        } catch (ValueError e) {
            throw new ExpressionException(at, e.getMessage());
        }
    }

    static {
        ALL.put("file", (t, n, ev) -> {
            List<Object> out = new ArrayList<>();
            for (Object term : t) {
                Path file = find(ev, "files", Values.str(term))
                        .orElseThrow(() -> new ValueError("lookup('file'): '" + term + "' not found in files/ of the role or playbook"));
                String text = read(file);
                out.add(Values.truthy(n.getOrDefault("rstrip", true)) ? text.stripTrailing() : text);
            }
            return out;
        });
        ALL.put("env", (t, n, ev) -> {
            List<Object> out = new ArrayList<>();
            for (Object term : t) {
                String value = System.getenv(Values.str(term));
                out.add(value != null ? value : n.getOrDefault("default", ""));
            }
            return out;
        });
        ALL.put("template", (t, n, ev) -> {
            List<Object> out = new ArrayList<>();
            for (Object term : t) {
                Path file = find(ev, "templates", Values.str(term))
                        .orElseThrow(() -> new ValueError("lookup('template'): '" + term + "' not found in templates/ of the role or playbook"));
                out.add(JinjaTemplate.compile(file.toString(), read(file)).render(ev.scope()).content());
            }
            return out;
        });
        ALL.put("vars", (t, n, ev) -> {
            List<Object> out = new ArrayList<>();
            for (Object term : t) {
                String name = Values.str(term);
                if (ev.scope().isDefined(name)) out.add(ev.scope().get(name));
                else if (n.containsKey("default")) out.add(n.get("default"));
                else throw new ValueError("lookup('vars'): '" + name + "' is not defined");
            }
            return out;
        });
        ALL.put("pipe", (t, n, ev) -> {
            List<Object> out = new ArrayList<>();
            for (Object term : t) out.add(pipe(Values.str(term)));
            return out;
        });
        ALL.put("first_found", (t, n, ev) -> {
            List<Object> candidates = new ArrayList<>();
            for (Object term : t) {
                if (Values.reveal(term) instanceof Map<?, ?> m) {
                    List<?> files = m.get("files") instanceof List<?> l ? l : List.of(String.valueOf(m.get("files")));
                    List<?> paths = m.get("paths") instanceof List<?> l ? l : m.containsKey("paths") ? List.of(String.valueOf(m.get("paths"))) : List.of("");
                    for (Object p : paths) for (Object f : files) candidates.add(Values.str(p).isEmpty() ? Values.str(f) : Values.str(p) + "/" + f);
                } else if (Values.reveal(term) instanceof List<?> l) {
                    candidates.addAll(l);
                } else {
                    candidates.add(term);
                }
            }
            for (Object c : candidates) {
                Optional<Path> found = find(ev, "files", Values.str(c));
                if (found.isPresent()) return new ArrayList<>(List.of(found.get().toString()));
            }
            if (Values.truthy(n.get("skip"))) return new ArrayList<>();
            throw new ValueError("first_found: none of the files was found");
        });
        ALL.put("fileglob", (t, n, ev) -> {
            List<Object> out = new ArrayList<>();
            for (Object term : t) out.addAll(glob(ev, Values.str(term)));
            return out;
        });
        ALL.put("items", (t, n, ev) -> {
            List<Object> out = new ArrayList<>();
            for (Object item : t) {
                if (item instanceof List<?> l) out.addAll(l);
                else out.add(item);
            }
            return out;
        });
        ALL.put("list", (t, n, ev) -> new ArrayList<>(t));
        ALL.put("flattened", (t, n, ev) -> flatten(t));
        ALL.put("dict", (t, n, ev) -> {
            List<Object> out = new ArrayList<>();
            for (Object term : t) {
                if (!(Values.reveal(term) instanceof Map<?, ?> m)) throw new ValueError("with_dict needs a map, got " + Values.typeName(term));
                m.forEach((k, v) -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("key", k);
                    item.put("value", v);
                    out.add(item);
                });
            }
            return out;
        });
        ALL.put("indexed_items", (t, n, ev) -> {
            List<Object> out = new ArrayList<>();
            List<Object> items = t.size() == 1 && t.get(0) instanceof List<?> l ? new ArrayList<>(l) : t;
            for (int i = 0; i < items.size(); i++) out.add(List.of((long) i, items.get(i)));
            return out;
        });
        ALL.put("nested", (t, n, ev) -> {
            List<List<?>> lists = new ArrayList<>();
            for (Object term : t) lists.add(term instanceof List<?> l ? l : List.of(term));
            return Loops.product(lists);
        });
        ALL.put("together", (t, n, ev) -> {
            List<List<?>> lists = new ArrayList<>();
            for (Object term : t) lists.add(term instanceof List<?> l ? l : List.of(term));
            int size = lists.stream().mapToInt(List::size).max().orElse(0);
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                List<Object> row = new ArrayList<>();
                for (List<?> l : lists) row.add(i < l.size() ? l.get(i) : null);
                out.add(row);
            }
            return out;
        });
        ALL.put("sequence", (t, n, ev) -> {
            List<Object> out = new ArrayList<>();
            for (Object term : t) out.addAll(sequence(Values.str(term)));
            return out;
        });
        ALL.put("subelements", (t, n, ev) -> {
            if (t.size() < 2) throw new ValueError("with_subelements needs a list and a key");
            Object key = t.get(1);
            boolean skipMissing = t.size() > 2 && Values.reveal(t.get(2)) instanceof Map<?, ?> flags && Values.truthy(flags.get("skip_missing"));
            List<Object> out = new ArrayList<>();
            List<?> outer = t.get(0) instanceof Map<?, ?> m ? new ArrayList<>(m.values()) : (List<?>) t.get(0);
            for (Object element : outer) {
                Object sub = Values.reveal(element) instanceof Map<?, ?> m ? m.get(Values.str(key)) : null;
                if (!(sub instanceof List<?> items)) {
                    if (skipMissing) continue;
                    throw new ValueError("with_subelements: an item has no list '" + key + "'");
                }
                for (Object item : items) out.add(List.of(element, item));
            }
            return out;
        });
    }

    /** with_sequence's {@code start=1 end=4 stride=1 format=x%02d} (or {@code count=3}). */
    private static List<Object> sequence(String spec) {
        Map<String, String> args = new LinkedHashMap<>();
        Matcher m = SEQUENCE_ARG.matcher(spec);
        while (m.find()) args.put(m.group(1), m.group(2));
        if (args.isEmpty() && spec.strip().matches("\\d+-\\d+(/\\d+)?")) {
            String[] parts = spec.strip().split("[-/]");
            args.put("start", parts[0]);
            args.put("end", parts[1]);
            if (parts.length > 2) args.put("stride", parts[2]);
        }
        try {
            long start = Long.decode(args.getOrDefault("start", "1"));
            long stride = Long.decode(args.getOrDefault("stride", "1"));
            long end = args.containsKey("count") ? start + (Long.decode(args.get("count")) - 1) * stride : Long.decode(args.getOrDefault("end", "0"));
            String format = args.getOrDefault("format", "%d").replaceAll("^['\"]|['\"]$", "");
            List<Object> out = new ArrayList<>();
            if (stride == 0) throw new ValueError("with_sequence: stride must not be 0");
            for (long i = start; stride > 0 ? i <= end : i >= end; i += stride) out.add(PythonFormat.percent(format, i));
            return out;
        } catch (NumberFormatException e) {
            throw new ValueError("with_sequence: bad numbers in '" + spec + "'");
        }
    }

    private static List<Object> flatten(List<?> items) {
        List<Object> out = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof List<?> l) out.addAll(flatten(l));
            else out.add(item);
        }
        return out;
    }

    /** Where Ansible looks for a relative file: the role's subfolder and folder, then the playbook's. */
    private static List<Path> bases(Evaluation ev, String subfolder) {
        List<Path> out = new ArrayList<>();
        for (String var : List.of("role_path", "playbook_dir")) {
            if (ev.scope().isDefined(var) && ev.scope().get(var) != null) {
                Path dir = Path.of(Values.str(ev.scope().get(var)));
                out.add(dir.resolve(subfolder));
                out.add(dir);
            }
        }
        if (out.isEmpty()) out.add(Path.of(""));
        return out;
    }

    private static Optional<Path> find(Evaluation ev, String subfolder, String name) {
        Path path = Path.of(name);
        if (path.isAbsolute()) return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
        return bases(ev, subfolder).stream().map(b -> b.resolve(name)).filter(Files::isRegularFile).findFirst();
    }

    private static List<Object> glob(Evaluation ev, String pattern) {
        Path p = Path.of(pattern);
        String dir = p.getParent() == null ? "" : p.getParent().toString();
        String glob = p.getFileName().toString();
        List<Path> bases = p.isAbsolute() ? List.of(Path.of("/")) : bases(ev, "files");
        for (Path base : bases) {
            Path folder = base.resolve(dir);
            if (!Files.isDirectory(folder)) continue;
            List<Object> out = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, glob)) {
                for (Path f : files) if (Files.isRegularFile(f)) out.add(f.toString());
            } catch (IOException e) {
                throw new ValueError("fileglob: cannot read " + folder + ": " + e.getMessage());
            }
            out.sort((a, b) -> Values.str(a).compareTo(Values.str(b)));
            return out;
        }
        return new ArrayList<>();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ValueError("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String pipe(String command) {
        try {
            Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(false).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ValueError("lookup('pipe') did not finish in 60 s");
            }
            if (p.exitValue() != 0) throw new ValueError("lookup('pipe') exited with " + p.exitValue());
            return out.stripTrailing();
        } catch (IOException e) {
            throw new ValueError("lookup('pipe') could not start sh: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ValueError("lookup('pipe') was interrupted");
        }
    }
}
