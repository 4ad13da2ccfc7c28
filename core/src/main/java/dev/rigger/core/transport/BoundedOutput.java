package dev.rigger.core.transport;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/**
 * Collects what a script prints, up to a bound: the first {@link #HEAD} bytes and the last
 * {@link #TAIL} bytes, with a note in between saying how much was left out. A script that prints
 * gigabytes (a {@code cat} of a log, a runaway loop) then costs the controller a few MiB per host
 * instead of its heap, and the start and the end, where errors usually are, still show.
 */
class BoundedOutput extends OutputStream {

    static final int HEAD = 2 * 1024 * 1024;
    static final int TAIL = 2 * 1024 * 1024;

    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private byte[] tail; // a ring, allocated once the head is full
    private long tailWritten;

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        int toHead = Math.min(length, HEAD - head.size());
        if (toHead > 0) {
            head.write(bytes, offset, toHead);
            offset += toHead;
            length -= toHead;
        }
        if (length == 0) return;
        if (tail == null) tail = new byte[TAIL];
        if (length > TAIL) {
            // Only the last TAIL bytes of this write can survive.
            tailWritten += length - TAIL;
            offset += length - TAIL;
            length = TAIL;
        }
        int at = (int) (tailWritten % TAIL);
        int first = Math.min(length, TAIL - at);
        System.arraycopy(bytes, offset, tail, at, first);
        System.arraycopy(bytes, offset + first, tail, 0, length - first);
        tailWritten += length;
    }

    /** Everything written when it fit; otherwise the head, a note of what was left out, and the tail. */
    synchronized byte[] toByteArray() {
        if (tail == null) return head.toByteArray();
        ByteArrayOutputStream all = new ByteArrayOutputStream(HEAD + TAIL + 128);
        all.write(head.toByteArray(), 0, head.size());
        if (tailWritten <= TAIL) {
            all.write(tail, 0, (int) tailWritten);
        } else {
            long dropped = tailWritten - TAIL;
            all.writeBytes(("\n[rigger: output truncated: " + dropped + " of " + (HEAD + tailWritten)
                    + " bytes left out]\n").getBytes(UTF_8));
            int at = (int) (tailWritten % TAIL);
            all.write(tail, at, TAIL - at);
            all.write(tail, 0, at);
        }
        return all.toByteArray();
    }
}
