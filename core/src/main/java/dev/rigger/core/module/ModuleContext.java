package dev.rigger.core.module;

import dev.rigger.core.transport.Stdin;
import java.util.List;
import java.util.Map;

/** What a module may know about the host and run while probing and planning. Read-only. */
public interface ModuleContext {

    /** The inventory name of the host. */
    String hostName();

    /** Every variable the task sees on this host (facts as {@code ansible_*} included). */
    Map<String, Object> vars();

    boolean checkMode();

    /**
     * The hosts this task runs on, this host included: one with {@code run_once}, otherwise every
     * host of the batch the task was dispatched to (before its {@code when} is evaluated per host).
     * Lets a module that must act from one host only (formatting a shared disk) refuse a play that
     * would run it on several.
     */
    default List<String> taskHosts() {
        return List.of(hostName());
    }

    boolean diffMode();

    /**
     * Reads a controller-side file a task names relatively: a role's {@code files/} (or
     * {@code templates/}) folder first, then the playbook's folder, then the classpath.
     */
    byte[] readLocalFile(String path, String kind);

    /**
     * Finds a controller-side file as {@link #readLocalFile} does, without reading it into memory:
     * for content that streams to the host (a large {@code copy}). The executor's file is read at
     * each exec and its sha256 computed once for all the task's hosts.
     */
    default Stdin localFile(String path, String kind) {
        return Stdin.of(readLocalFile(path, kind));
    }

    /**
     * Renders a Mustache template with this host's variables: content and redacted form.
     *
     * @param name   where the template came from, for error messages (file path or resource)
     * @param source the template text
     */
    RenderedTemplate renderTemplate(String name, String source);

    /** A rendered template: the real content, and the same with secrets replaced for diffs and logs. */
    record RenderedTemplate(String content, String redacted) {}
}
