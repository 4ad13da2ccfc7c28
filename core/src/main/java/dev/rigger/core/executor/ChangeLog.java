package dev.rigger.core.executor;

import dev.rigger.core.module.Footprint;
import java.util.HashSet;
import java.util.Set;

/**
 * What scripts that may change a host declared they write, in order, over the whole run (all
 * hosts): each such script is recorded before it starts and again after it ends, so one that was
 * still running when a batch of probes was taken is seen after it. Positions are consecutive
 * numbers; a batch remembers the position at its taking, a task the position at its start.
 *
 * <p>Only the most recent {@link #CAPACITY} entries are kept; asking about older ones answers
 * "may have changed" (a re-probe), never a guess.
 */
final class ChangeLog {
    static final int CAPACITY = 1 << 15;

    private final Footprint[] ring = new Footprint[CAPACITY];
    /** The position of the last entry; 0: none yet. */
    private long last;

    /** The current position: entries recorded from now on come after it. */
    synchronized long position() {
        return last;
    }

    /** Records a script that may change a host and its declared writes ("anything" when undeclared). */
    synchronized void record(Footprint writes) {
        last++;
        ring[(int) (last % CAPACITY)] = writes;
    }

    /**
     * Whether nothing recorded after position {@code from} up to position {@code to} may have
     * changed what {@code reads} covers. False when {@code from} is after {@code to} or its entries
     * are no longer kept.
     */
    synchronized boolean untouched(Footprint reads, long from, long to) {
        if (from > to || to > last || last - from > CAPACITY) return false;
        // The applies of one task on many hosts often declare the same paths: each is checked once.
        Set<Footprint> seen = new HashSet<>();
        for (long p = from + 1; p <= to; p++) {
            Footprint writes = ring[(int) (p % CAPACITY)];
            if (seen.add(writes) && writes.overlaps(reads)) return false;
        }
        return true;
    }
}
