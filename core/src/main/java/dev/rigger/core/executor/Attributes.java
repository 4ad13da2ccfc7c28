package dev.rigger.core.executor;

import dev.rigger.core.transport.BecomeMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Keywords a block, role or play passes down to the tasks inside it, merged as Ansible merges
 * them: conditions add up (all must hold), tags add up, vars and environment variables override
 * outer ones, and the nearest {@code become}/{@code become_method}/{@code check_mode}/{@code ignore_errors}/{@code no_log} wins.
 *
 * @param environment the {@code environment} keyword: the variables every script of the task runs
 *                    with, computed from the task's variables; or null for none
 * @param becomeMethod the {@code become_method} keyword: how to become {@code becomeUser}; null for
 *                     the default, sudo
 */
public record Attributes(List<Condition> when, Set<String> tags, Boolean become, String becomeUser,
                         Map<String, Object> vars, Boolean checkMode, Boolean ignoreErrors, RoleScope role, Boolean noLog,
                         Function<Map<String, Object>, Map<String, String>> environment, BecomeMethod becomeMethod) {

    public static final Attributes NONE = new Attributes(List.of(), Set.of(), null, null, Map.of(), null, null, null, null, null, null);

    /** Attributes without {@code no_log}, as they were before it existed. */
    public Attributes(List<Condition> when, Set<String> tags, Boolean become, String becomeUser,
                      Map<String, Object> vars, Boolean checkMode, Boolean ignoreErrors, RoleScope role) {
        this(when, tags, become, becomeUser, vars, checkMode, ignoreErrors, role, null, null, null);
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
                noLog != null ? noLog : outer.noLog,
                merged(outer.environment, environment),
                becomeMethod != null ? becomeMethod : outer.becomeMethod);
    }

    /** The outer environment with the inner one's variables over it, as Ansible merges them. */
    private static Function<Map<String, Object>, Map<String, String>> merged(
            Function<Map<String, Object>, Map<String, String>> outer, Function<Map<String, Object>, Map<String, String>> inner) {
        if (outer == null) return inner;
        if (inner == null) return outer;
        return vars -> {
            Map<String, String> all = new LinkedHashMap<>(outer.apply(vars));
            all.putAll(inner.apply(vars));
            return all;
        };
    }

    /** The environment variables of a task with these attributes, rendered from its variables (empty without any). */
    public Map<String, String> environment(Map<String, Object> vars) {
        return environment == null ? Map.of() : environment.apply(vars);
    }

    public Attributes withWhen(Condition condition) {
        List<Condition> all = new ArrayList<>(when);
        all.add(condition);
        return new Attributes(all, tags, become, becomeUser, vars, checkMode, ignoreErrors, role, noLog, environment, becomeMethod);
    }

    public Attributes withTags(Set<String> more) {
        Set<String> all = new LinkedHashSet<>(tags);
        all.addAll(more);
        return new Attributes(when, all, become, becomeUser, vars, checkMode, ignoreErrors, role, noLog, environment, becomeMethod);
    }

    public Attributes withBecomeMethod(BecomeMethod value) {
        return new Attributes(when, tags, become, becomeUser, vars, checkMode, ignoreErrors, role, noLog, environment, value);
    }

    public Attributes withBecome(Boolean value, String user) {
        return new Attributes(when, tags, value, user, vars, checkMode, ignoreErrors, role, noLog, environment, becomeMethod);
    }

    public Attributes withVars(Map<String, Object> more) {
        Map<String, Object> all = new LinkedHashMap<>(vars);
        all.putAll(more);
        return new Attributes(when, tags, become, becomeUser, all, checkMode, ignoreErrors, role, noLog, environment, becomeMethod);
    }

    public Attributes withCheckMode(Boolean value) {
        return new Attributes(when, tags, become, becomeUser, vars, value, ignoreErrors, role, noLog, environment, becomeMethod);
    }

    public Attributes withIgnoreErrors(Boolean value) {
        return new Attributes(when, tags, become, becomeUser, vars, checkMode, value, role, noLog, environment, becomeMethod);
    }

    /** True when {@code no_log: true} hides this task's output. */
    public boolean hidesOutput() {
        return Boolean.TRUE.equals(noLog);
    }

    public Attributes withNoLog(Boolean value) {
        return new Attributes(when, tags, become, becomeUser, vars, checkMode, ignoreErrors, role, value, environment, becomeMethod);
    }

    public Attributes withEnvironment(Function<Map<String, Object>, Map<String, String>> value) {
        return new Attributes(when, tags, become, becomeUser, vars, checkMode, ignoreErrors, role, noLog, value, becomeMethod);
    }

    public Attributes withRole(RoleScope value) {
        return new Attributes(when, tags, become, becomeUser, vars, checkMode, ignoreErrors, value, noLog, environment, becomeMethod);
    }
}
