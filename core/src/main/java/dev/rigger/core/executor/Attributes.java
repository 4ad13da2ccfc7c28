package dev.rigger.core.executor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keywords a block, role or play passes down to the tasks inside it, merged as Ansible merges
 * them: conditions add up (all must hold), tags add up, vars override outer vars, and the nearest
 * {@code become}/{@code check_mode}/{@code ignore_errors}/{@code no_log} wins.
 */
public record Attributes(List<Condition> when, Set<String> tags, Boolean become, String becomeUser,
                         Map<String, Object> vars, Boolean checkMode, Boolean ignoreErrors, RoleScope role, Boolean noLog) {

    public static final Attributes NONE = new Attributes(List.of(), Set.of(), null, null, Map.of(), null, null, null, null);

    /** Attributes without {@code no_log}, as they were before it existed. */
    public Attributes(List<Condition> when, Set<String> tags, Boolean become, String becomeUser,
                      Map<String, Object> vars, Boolean checkMode, Boolean ignoreErrors, RoleScope role) {
        this(when, tags, become, becomeUser, vars, checkMode, ignoreErrors, role, null);
    }

    public Attributes {
        when = List.copyOf(when);
        tags = Set.copyOf(tags);
        vars = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vars));
    }

    /** These attributes as seen inside {@code outer}: the inner ones win, lists add up. */
    public Attributes within(Attributes outer) {
        List<Condition> allWhen = new ArrayList<>(outer.when);
        allWhen.addAll(when);
        Set<String> allTags = new LinkedHashSet<>(outer.tags);
        allTags.addAll(tags);
        Map<String, Object> allVars = new LinkedHashMap<>(outer.vars);
        allVars.putAll(vars);
        return new Attributes(allWhen, allTags,
                become != null ? become : outer.become,
                becomeUser != null ? becomeUser : outer.becomeUser,
                allVars,
                checkMode != null ? checkMode : outer.checkMode,
                ignoreErrors != null ? ignoreErrors : outer.ignoreErrors,
                role != null ? role : outer.role,
                noLog != null ? noLog : outer.noLog);
    }

    public Attributes withWhen(Condition condition) {
        List<Condition> all = new ArrayList<>(when);
        all.add(condition);
        return new Attributes(all, tags, become, becomeUser, vars, checkMode, ignoreErrors, role, noLog);
    }

    public Attributes withTags(Set<String> more) {
        Set<String> all = new LinkedHashSet<>(tags);
        all.addAll(more);
        return new Attributes(when, all, become, becomeUser, vars, checkMode, ignoreErrors, role, noLog);
    }

    public Attributes withBecome(Boolean value, String user) {
        return new Attributes(when, tags, value, user, vars, checkMode, ignoreErrors, role, noLog);
    }

    public Attributes withVars(Map<String, Object> more) {
        Map<String, Object> all = new LinkedHashMap<>(vars);
        all.putAll(more);
        return new Attributes(when, tags, become, becomeUser, all, checkMode, ignoreErrors, role, noLog);
    }

    public Attributes withCheckMode(Boolean value) {
        return new Attributes(when, tags, become, becomeUser, vars, value, ignoreErrors, role, noLog);
    }

    public Attributes withIgnoreErrors(Boolean value) {
        return new Attributes(when, tags, become, becomeUser, vars, checkMode, value, role, noLog);
    }

    /** True when {@code no_log: true} hides this task's output. */
    public boolean hidesOutput() {
        return Boolean.TRUE.equals(noLog);
    }

    public Attributes withNoLog(Boolean value) {
        return new Attributes(when, tags, become, becomeUser, vars, checkMode, ignoreErrors, role, value);
    }

    public Attributes withRole(RoleScope value) {
        return new Attributes(when, tags, become, becomeUser, vars, checkMode, ignoreErrors, value, noLog);
    }
}
