package dev.rigger.core.facts;

/** Facts could not be gathered: the probe failed on the host or its output is not facts output. */
public class FactsException extends RuntimeException {
    public FactsException(String message) {
        super(message);
    }
}
