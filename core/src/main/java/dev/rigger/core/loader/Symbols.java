package dev.rigger.core.loader;

import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.expr.Expression;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a play or a role defines and uses, collected while loading so the preflight can check names
 * without running anything: variables defined, expressions used, handlers and the notifications
 * naming them, Mustache templates rendered. A role is loaded once and its symbols are shared by
 * every play that uses it.
 */
final class Symbols {
    record Notification(String handler, SourceLocation at) {}

    /** A {@code template:} task with a literal {@code src}, and the folders it is looked up in. */
    record TemplateUse(String src, List<Folder> searched, SourceLocation at) {}

    /**
     * A play's {@code connection}, {@code remote_user} or {@code port}: Ansible uses it only for
     * hosts whose inventory sets no {@code ansible_connection}/{@code ansible_user}/{@code ansible_port};
     * the preflight checks that those hosts would connect the same way under Rigger.
     */
    record ConnectionKeyword(String keyword, String value, String hosts, SourceLocation at) {}

    /** A {@code vars_prompt} variable: Rigger does not prompt, so it must come with {@code -e}. */
    record Prompt(String name, SourceLocation at) {}

    final Set<String> variables = new LinkedHashSet<>();
    final List<ConnectionKeyword> connectionKeywords = new ArrayList<>();
    final List<Prompt> prompts = new ArrayList<>();
    final List<Expression> expressions = new ArrayList<>();
    /** Handler names and {@code listen} topics. */
    final Set<String> handlers = new LinkedHashSet<>();
    final List<Notification> notifications = new ArrayList<>();
    final List<TemplateUse> templates = new ArrayList<>();
    final List<Symbols> roles = new ArrayList<>();
    /** Something is only known at run time (an include of a templated file or role name). */
    boolean opaque;

    /** This unit and every role it uses, each once. */
    Set<Symbols> withRoles() {
        Set<Symbols> out = new LinkedHashSet<>();
        collect(out);
        return out;
    }

    private void collect(Set<Symbols> out) {
        if (!out.add(this)) return;
        for (Symbols role : roles) role.collect(out);
    }
}
