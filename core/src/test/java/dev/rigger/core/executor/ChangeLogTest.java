package dev.rigger.core.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.module.Footprint;
import org.junit.jupiter.api.Test;

class ChangeLogTest {
    private static final Footprint READS = Footprint.of("/tmp/copied");

    @Test
    void aProbeStaysValidWhileEveryChangeSinceIsDisjointFromItsReads() {
        ChangeLog log = new ChangeLog();
        long taken = log.position();
        log.record(Footprint.of("/tmp/touched"));
        log.record(Footprint.of("/tmp/touched"));
        assertThat(log.untouched(READS, taken, log.position())).isTrue();
        log.record(Footprint.of("/tmp"));
        assertThat(log.untouched(READS, taken, log.position())).isFalse();
    }

    @Test
    void anUndeclaredChangeTouchesEverything() {
        ChangeLog log = new ChangeLog();
        long taken = log.position();
        log.record(Footprint.anything());
        assertThat(log.untouched(READS, taken, log.position())).isFalse();
        assertThat(log.untouched(Footprint.anything(), log.position(), log.position())).isTrue();
    }

    @Test
    void onlyChangesBetweenTheTakingAndTheTaskStartCount() {
        ChangeLog log = new ChangeLog();
        log.record(Footprint.anything()); // before the taking
        long taken = log.position();
        log.record(Footprint.of("/elsewhere"));
        long taskStart = log.position();
        log.record(Footprint.of("/tmp/copied")); // another host, while the task runs
        assertThat(log.untouched(READS, taken, taskStart)).isTrue();
    }

    @Test
    void aTakingAfterTheTaskStartOrBeyondWhatIsKeptIsNeverTrusted() {
        ChangeLog log = new ChangeLog();
        log.record(Footprint.of("/elsewhere"));
        assertThat(log.untouched(READS, 1, 0)).isFalse();
        long taken = log.position();
        for (int i = 0; i < ChangeLog.CAPACITY + 1; i++) log.record(Footprint.of("/elsewhere"));
        assertThat(log.untouched(READS, taken, log.position())).isFalse();
        long recent = log.position() - ChangeLog.CAPACITY;
        assertThat(log.untouched(READS, recent, log.position())).isTrue();
    }
}
