package dev.rigger.core.executor;

/** What a task did on one host, as Ansible reports it. */
public enum Status {
    OK, CHANGED, FAILED, SKIPPED, UNREACHABLE,
    /** Failed inside a block whose rescue section then ran. */
    RESCUED,
    /** Failed, but the task has {@code ignore_errors: true}. */
    IGNORED,
    /**
     * Stopped while it ran because the run was interrupted ({@link PlaybookRun#interrupt()}, SIGINT
     * or SIGTERM to {@code rigger play}): the user's doing, not a failure of the task, so the recap
     * does not count it.
     */
    INTERRUPTED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
