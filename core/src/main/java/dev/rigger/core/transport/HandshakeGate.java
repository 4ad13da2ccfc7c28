package dev.rigger.core.transport;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Bounds SSH handshakes in flight, so a run that connects to hundreds of hosts at once neither
 * starves its own CPU (handshakes then exceed the connect timeout) nor trips sshd's
 * {@code MaxStartups}, which drops unauthenticated connections beyond a limit per sshd (OpenSSH's
 * default {@code 10:30:100}: from 10 on, 30 % are dropped, rising to all at 100).
 *
 * <ul>
 *   <li>At most {@link #GLOBAL_LIMIT} handshakes at once in this JVM.</li>
 *   <li>Per endpoint (one sshd: address, port and jump host), at most {@link #ENDPOINT_LIMIT}
 *       at once — below the default {@code MaxStartups} start — and fewer when that sshd drops
 *       one: the endpoint's limit halves on a drop and grows back by one per handshake that gets
 *       through, so bursts against a tighter sshd settle at what it accepts.</li>
 * </ul>
 * Time spent waiting here does not count against the connect timeout, which limits one handshake.
 */
final class HandshakeGate {
    static final int GLOBAL_LIMIT = 32;
    static final int ENDPOINT_LIMIT = 8;
    static final HandshakeGate SHARED = new HandshakeGate(GLOBAL_LIMIT, ENDPOINT_LIMIT);

    private final Semaphore global;
    private final int endpointLimit;
    private final ConcurrentHashMap<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    HandshakeGate(int globalLimit, int endpointLimit) {
        this.global = new Semaphore(globalLimit, true);
        this.endpointLimit = endpointLimit;
    }

    /** Waits for a turn to handshake with {@code endpoint}; {@link Turn#close} must follow. */
    Turn enter(String endpoint) throws InterruptedException {
        Endpoint e = endpoints.compute(endpoint, (k, v) -> {
            Endpoint current = v != null ? v : new Endpoint(endpointLimit);
            current.users++;
            return current;
        });
        try {
            e.enter();
        } catch (InterruptedException interrupted) {
            release(endpoint, e);
            throw interrupted;
        }
        try {
            global.acquire();
        } catch (InterruptedException interrupted) {
            e.leave(false);
            release(endpoint, e);
            throw interrupted;
        }
        return new Turn(endpoint, e);
    }

    /** The endpoint's current limit (for tests and logs). */
    int limitOf(String endpoint) {
        Endpoint e = endpoints.get(endpoint);
        return e == null ? endpointLimit : e.limit();
    }

    /** Forgets an endpoint nobody uses: a long-lived JVM must not keep one entry per host ever seen. */
    private void release(String endpoint, Endpoint e) {
        endpoints.computeIfPresent(endpoint, (k, v) -> --v.users == 0 ? null : v);
    }

    /** One handshake's turn: {@link #dropped()} if sshd dropped it, then close. */
    final class Turn implements AutoCloseable {
        private final String endpoint;
        private final Endpoint e;
        private boolean dropped;

        private Turn(String endpoint, Endpoint e) {
            this.endpoint = endpoint;
            this.e = e;
        }

        void dropped() {
            dropped = true;
        }

        @Override
        public void close() {
            global.release();
            e.leave(dropped);
            release(endpoint, e);
        }
    }

    /** Handshakes in flight to one sshd and how many it takes now. */
    private static final class Endpoint {
        private final int max;
        private int limit; // guarded by this
        private int inFlight; // guarded by this
        int users; // guarded by the map's compute

        Endpoint(int max) {
            this.max = max;
            this.limit = max;
        }

        synchronized void enter() throws InterruptedException {
            while (inFlight >= limit) wait();
            inFlight++;
        }

        synchronized void leave(boolean dropped) {
            inFlight--;
            limit = dropped ? Math.max(1, limit / 2) : Math.min(max, limit + 1);
            notifyAll();
        }

        synchronized int limit() {
            return limit;
        }
    }
}
