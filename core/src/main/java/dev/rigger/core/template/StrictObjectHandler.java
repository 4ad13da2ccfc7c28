package dev.rigger.core.template;

import com.github.mustachejava.Binding;
import com.github.mustachejava.Code;
import com.github.mustachejava.Iteration;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.codes.ValueCode;
import com.github.mustachejava.reflect.AbstractObjectHandler;
import com.github.mustachejava.util.Wrapper;
import dev.rigger.core.internal.text.NearNames;
import dev.rigger.core.error.SourceLocation;

import java.io.Writer;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Name lookup for config-file templates. Unlike mustache.java's default handlers it
 * <ul>
 *   <li>looks only into maps and lists (scopes are YAML-like data, never Java objects),</li>
 *   <li>fails on a name that is not defined instead of printing nothing,</li>
 *   <li>fails on {@code {{x}}} when x is null, a list or a map, which would print nothing or Java's
 *       {@code toString},</li>
 *   <li>shows secrets as the current {@link RenderPass} wants them,</li>
 *   <li>gives list sections {@code -first}, {@code -last} and {@code -index} (1-based).</li>
 * </ul>
 * Stateless, so one instance serves every thread.
 */
final class StrictObjectHandler extends AbstractObjectHandler {

    /** A looked-up key that is absent; distinct from a key whose value is null. */
    private static final Object MISSING = new Object();

    @Override
    public Binding createBinding(String name, TemplateContext tc, Code code) {
        // mustache.java also asks for bindings of text and comment codes (name null or prose);
        // they are never called, so parts are only split when a lookup happens.
        return scopes -> lookup(name, tc, code instanceof ValueCode, scopes);
    }

    @Override
    public Wrapper find(String name, List<Object> scopes) {
        // Only mustache.java's own bindings call find(); ours resolve names in lookup().
        throw new UnsupportedOperationException("find is not used by " + getClass().getSimpleName());
    }

    @Override
    public Writer iterate(Iteration iteration, Writer writer, Object object, List<Object> scopes) {
        if (!(object instanceof List<?> list)) return super.iterate(iteration, writer, object, scopes);
        RenderPass pass = pass(scopes);
        for (int i = 0; i < list.size(); i++) {
            // The loop helpers sit just under the element, so inner loops shadow outer ones.
            scopes.add(Map.of("-first", i == 0, "-last", i == list.size() - 1, "-index", i + 1));
            writer = iteration.next(writer, pass.shown(list.get(i)), scopes);
            scopes.remove(scopes.size() - 1);
        }
        return writer;
    }

    private Object lookup(String name, TemplateContext tc, boolean printed, List<Object> scopes) {
        String[] parts = name.split("\\.", -1);
        Object value = MISSING;
        for (int i = scopes.size() - 1; i >= 0 && value == MISSING; i--) {
            if (scopes.get(i) instanceof Map<?, ?> map && map.containsKey(parts[0])) value = map.get(parts[0]);
        }
        if (value == MISSING) throw undefined(tc, name, NearNames.closest(parts[0], namesInScope(scopes)).orElse(null));
        int i = 1;
        while (i < parts.length) {
            // Host names often contain dots (hostvars.db1.example.com.port), so when a part is not
            // a key, try it joined with the parts after it.
            Object next = MISSING;
            int j = i;
            while (next == MISSING && j < parts.length) {
                next = child(value, String.join(".", Arrays.copyOfRange(parts, i, ++j)));
            }
            if (next == MISSING) throw undefined(tc, name, nearPath(value, parts, i));
            value = next;
            i = j;
        }
        if (printed) {
            if (value == null) throw error(tc, "variable '" + name + "' is null", null);
            if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
                String kind = value instanceof Map<?, ?> ? "a map" : "a list";
                throw error(tc, "variable '" + name + "' is " + kind + "; print its items with {{#" + name + "}}…{{/" + name + "}}", null);
            }
        }
        return pass(scopes).shown(value);
    }

    private static Object child(Object parent, String key) {
        if (parent instanceof Map<?, ?> map) return map.containsKey(key) ? map.get(key) : MISSING;
        if (parent instanceof List<?> list && key.matches("\\d{1,9}")) {
            int index = Integer.parseInt(key);
            return index < list.size() ? list.get(index) : MISSING;
        }
        return MISSING;
    }

    /** The name with the missing part replaced by the nearest key: hostvars.pg1.port for hostvars.pg9.port. */
    private static String nearPath(Object parent, String[] parts, int missing) {
        if (!(parent instanceof Map<?, ?> map)) return null;
        List<String> keys = map.keySet().stream().map(String::valueOf).sorted().toList();
        return NearNames.closest(parts[missing], keys).map(near -> {
            String[] fixed = parts.clone();
            fixed[missing] = near;
            return String.join(".", fixed);
        }).orElse(null);
    }

    /** Sorted, so that of two equally near names the same one is suggested every time. */
    private static Collection<String> namesInScope(List<Object> scopes) {
        Collection<String> names = new TreeSet<>();
        for (Object scope : scopes) {
            if (scope instanceof Map<?, ?> map) map.keySet().forEach(key -> names.add(Objects.toString(key)));
        }
        return names;
    }

    private static RenderPass pass(List<Object> scopes) {
        return (RenderPass) scopes.get(0);
    }

    private static TemplateException undefined(TemplateContext tc, String name, String suggestion) {
        return error(tc, "undefined variable '" + name + "'", suggestion);
    }

    private static TemplateException error(TemplateContext tc, String problem, String suggestion) {
        return new TemplateException(new SourceLocation(tc.file(), tc.line(), 0), problem, suggestion);
    }
}
