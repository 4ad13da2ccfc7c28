package dev.rigger.core.executor;

/** How hosts of a batch advance through the tasks. */
public enum Strategy {
    /** All hosts finish task N before any starts task N+1 (the default). */
    LINEAR,
    /** Each host runs through the tasks as fast as it can. */
    FREE
}
