package dev.rigger.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandshakeGateTest {

    @Test
    void anEndpointTakesAtMostItsLimitAndWaitersGetTheFreedTurn() throws Exception {
        HandshakeGate gate = new HandshakeGate(100, 3);
        List<HandshakeGate.Turn> turns = new ArrayList<>();
        for (int i = 0; i < 3; i++) turns.add(gate.enter("a:22"));
        CountDownLatch fourth = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try (HandshakeGate.Turn t = gate.enter("a:22")) {
                fourth.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        assertThat(fourth.await(200, TimeUnit.MILLISECONDS)).as("a fourth handshake to a:22 waits").isFalse();
        try (HandshakeGate.Turn other = gate.enter("b:22")) {
            assertThat(other).as("another sshd is not held up").isNotNull();
        }
        turns.remove(0).close();
        assertThat(fourth.await(5, TimeUnit.SECONDS)).as("the freed turn goes to the waiter").isTrue();
        waiter.join();
        turns.forEach(HandshakeGate.Turn::close);
    }

    @Test
    void theGlobalLimitHoldsAcrossEndpoints() throws Exception {
        HandshakeGate gate = new HandshakeGate(2, 8);
        HandshakeGate.Turn a = gate.enter("a:22");
        HandshakeGate.Turn b = gate.enter("b:22");
        CountDownLatch third = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try (HandshakeGate.Turn t = gate.enter("c:22")) {
                third.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        assertThat(third.await(200, TimeUnit.MILLISECONDS)).isFalse();
        a.close();
        assertThat(third.await(5, TimeUnit.SECONDS)).isTrue();
        waiter.join();
        b.close();
    }

    @Test
    void aDropHalvesTheEndpointsLimitAndSuccessesGrowItBack() throws Exception {
        HandshakeGate gate = new HandshakeGate(100, 8);
        HandshakeGate.Turn kept = gate.enter("a:22"); // keeps the endpoint's entry alive between turns
        try (HandshakeGate.Turn t = gate.enter("a:22")) {
            t.dropped();
        }
        assertThat(gate.limitOf("a:22")).isEqualTo(4);
        try (HandshakeGate.Turn t = gate.enter("a:22")) {
            t.dropped();
        }
        assertThat(gate.limitOf("a:22")).isEqualTo(2);
        for (int i = 0; i < 10; i++) {
            try (HandshakeGate.Turn t = gate.enter("a:22")) {
                // got through
            }
        }
        assertThat(gate.limitOf("a:22")).isEqualTo(8);
        kept.close();
    }

    @Test
    void anEndpointNobodyUsesIsForgotten() throws Exception {
        HandshakeGate gate = new HandshakeGate(100, 8);
        try (HandshakeGate.Turn t = gate.enter("a:22")) {
            t.dropped();
        }
        assertThat(gate.limitOf("a:22")).as("a new burst starts from the full limit again").isEqualTo(8);
    }
}
