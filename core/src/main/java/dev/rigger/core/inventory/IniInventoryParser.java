package dev.rigger.core.inventory;

import dev.rigger.core.internal.text.ShellWords;

import dev.rigger.core.error.InputException;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's INI inventory format, read line by line as ansible-core's ini plugin reads it:
 * {@code [group]} lists hosts ({@code host key=value ...}, values read as Python literals),
 * {@code [group:vars]} holds {@code key=value} lines, {@code [group:children]} names child groups
 * that may be declared further down. Lines before any section are ungrouped hosts.
 */
final class IniInventoryParser {
    private static final Pattern SECTION = Pattern.compile("^\\[([^:\\]\\s]+)(?::(\\w+))?\\]\\s*(?:#.*)?$");
    private static final Pattern GROUP_NAME = Pattern.compile("^([^:\\]\\s]+)\\s*(?:#.*)?$");
    private static final List<String> KINDS = List.of("hosts", "vars", "children");

    /** A group named in a section that must be declared by the end of the file. */
    private static final class Pending {
        final String kind;
        final SourceLocation at;
        final String section;
        final List<String> parents = new ArrayList<>();

        Pending(String kind, SourceLocation at, String section) {
            this.kind = kind;
            this.at = at;
            this.section = section;
        }
    }

    private final String file;
    private final FileDeclarations out;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private String group = Inventory.UNGROUPED;
    private String kind = "hosts";

    private IniInventoryParser(String file, FileDeclarations out) {
        this.file = file;
        this.out = out;
    }

    static void parse(String text, String file, FileDeclarations out) {
        IniInventoryParser parser = new IniInventoryParser(file, out);
        String[] lines = text.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) parser.line(lines[i], i + 1);
        parser.reportUndeclared();
    }

    private void line(String raw, int lineNo) {
        String line = raw.strip();
        if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == ';') return;
        SourceLocation at = new SourceLocation(file, lineNo, raw.indexOf(line.charAt(0)) + 1);
        Matcher section = SECTION.matcher(line);
        if (section.matches()) {
            section(section.group(1), section.group(2) == null ? "hosts" : section.group(2), at);
        } else if (line.startsWith("[") && line.endsWith("]")) {
            throw new InputException(at, "invalid section header '" + line
                    + "' (expected [group], [group:vars] or [group:children], without spaces)");
        } else if (kind.equals("hosts")) {
            hostLine(raw, lineNo);
        } else if (kind.equals("vars")) {
            varLine(line, at);
        } else {
            childLine(line, at);
        }
    }

    private void section(String name, String sectionKind, SourceLocation at) {
        if (!KINDS.contains(sectionKind)) {
            String problem = "unknown section type ':" + sectionKind + "' in [" + name + ":" + sectionKind + "]";
            String near = NearNames.closest(sectionKind, KINDS).orElse(null);
            if (near == null) throw new InputException(at, problem + " (expected hosts, vars or children)");
            throw new InputException(at, problem, near);
        }
        group = name;
        kind = sectionKind;
        if (!out.hasGroup(name)) {
            // [g:vars] alone does not declare g: it must be declared somewhere in the file too.
            if (kind.equals("vars")) pending.putIfAbsent(name, new Pending("vars", at, "[" + name + ":vars]"));
            out.group(name, at);
        }
        Pending waiting = pending.get(name);
        if (waiting != null && !kind.equals("vars")) {
            pending.remove(name);
            for (String parent : waiting.parents) out.addChild(parent, name, waiting.at);
        }
    }

    private void hostLine(String raw, int lineNo) {
        List<ShellWords.Word> words;
        try {
            words = ShellWords.splitWithComments(raw);
        } catch (IllegalArgumentException e) {
            throw new InputException(new SourceLocation(file, lineNo, raw.indexOf(raw.strip().charAt(0)) + 1),
                    "cannot split host line: " + e.getMessage());
        }
        if (words.isEmpty()) return; // only a comment after the indentation
        ShellWords.Word hostWord = words.get(0);
        SourceLocation hostAt = new SourceLocation(file, lineNo, hostWord.column());
        if (hostWord.text().equals("---")) {
            throw new InputException(hostAt, "'---' is not a host name (is this a YAML file with a syntax error?)");
        }
        HostNames.Expanded hosts = HostNames.expand(hostWord.text(), hostAt);
        Map<String, Object> vars = new LinkedHashMap<>();
        Map<String, SourceLocation> varAt = new LinkedHashMap<>();
        for (ShellWords.Word w : words.subList(1, words.size())) {
            SourceLocation at = new SourceLocation(file, lineNo, w.column());
            int eq = w.text().indexOf('=');
            if (eq < 0) throw new InputException(at, "expected key=value after the host name, got '" + w.text() + "'");
            String key = w.text().substring(0, eq);
            if (vars.containsKey(key)) throw new InputException(at, "variable '" + key + "' is set twice on this line");
            vars.put(key, PythonLiteral.parse(w.text().substring(eq + 1)));
            varAt.put(key, at);
        }
        for (String host : hosts.names()) {
            out.addHost(group, host, hostAt);
            if (hosts.port() != null) out.hostVar(host, "ansible_port", hosts.port(), hostAt);
            vars.forEach((k, v) -> out.hostVar(host, k, v, varAt.get(k)));
        }
    }

    private void varLine(String line, SourceLocation at) {
        int eq = line.indexOf('=');
        if (eq < 0) throw new InputException(at, "expected key=value in [" + group + ":vars], got '" + line + "'");
        out.groupVar(group, line.substring(0, eq).strip(), PythonLiteral.parse(line.substring(eq + 1).strip()), at);
    }

    private void childLine(String line, SourceLocation at) {
        Matcher m = GROUP_NAME.matcher(line);
        if (!m.matches()) throw new InputException(at, "expected one group name in [" + group + ":children], got '" + line + "'");
        String child = m.group(1);
        if (out.hasGroup(child)) {
            out.addChild(group, child, at);
            return;
        }
        pending.computeIfAbsent(child, c -> new Pending("children", at, "[" + group + ":children]")).parents.add(group);
    }

    /** Like Ansible, report the first group that was referenced but never declared. */
    private void reportUndeclared() {
        if (pending.isEmpty()) return;
        Map.Entry<String, Pending> first = pending.entrySet().iterator().next();
        String name = first.getKey();
        Pending p = first.getValue();
        String problem = p.section + (p.kind.equals("vars") ? " is for group '" : " names group '") + name
                + "', which is not declared in this inventory";
        List<String> declared = new ArrayList<>(out.groupNames());
        declared.removeAll(pending.keySet());
        throw new InputException(p.at, problem, NearNames.closest(name, declared).orElse(null));
    }
}
