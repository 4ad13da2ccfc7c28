package dev.rigger.core.executor;

/** What a task did on one host, as Ansible reports it. */
public enum Status {
    OK, CHANGED, FAILED, SKIPPED, UNREACHABLE,
    /** Failed inside a block whose rescue section then ran. */
    RESCUED,
    /** Failed, but the task has {@code ignore_errors: true}. */
    IGNORED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
