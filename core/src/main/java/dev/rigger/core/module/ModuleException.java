package dev.rigger.core.module;

/**
 * A module cannot read or reach the state it manages: the probe's output shows a missing tool or
 * unit, or the plan finds the request impossible (a package that does not exist). The executor
 * fails the task with this message, or — in check mode, after an earlier task on the same host
 * would have changed something — reports the task as "would change (after pending change)",
 * because the missing thing may well be what that earlier change provides.
 */
public class ModuleException extends RuntimeException {
    public ModuleException(String message) {
        super(message);
    }
}
