package dev.rigger.core.transport;

import static com.jcraft.jsch.HostKeyRepository.CHANGED;
import static com.jcraft.jsch.HostKeyRepository.NOT_INCLUDED;
import static com.jcraft.jsch.HostKeyRepository.OK;
import static org.assertj.core.api.Assertions.assertThat;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policies and concurrent appends, with real key blobs but no network. */
class KnownHostsFileTest {

    @TempDir
    Path dir;

    private final byte[] keyA = hostKey();
    private final byte[] keyB = hostKey();

    @Test
    void strictKnowsOnlyWhatIsInTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("known_hosts"), "[10.0.0.1]:2222 ssh-ed25519 " + base64(keyA) + "\n");
        KnownHostsFile strict = new KnownHostsFile(file, HostKeyPolicy.STRICT);

        assertThat(strict.check("[10.0.0.1]:2222", keyA)).isEqualTo(OK);
        assertThat(strict.rejection()).isNull();
        assertThat(strict.check("10.0.0.2", keyA)).isEqualTo(NOT_INCLUDED);
        assertThat(strict.rejection()).contains("10.0.0.2", "ssh-ed25519 SHA256:", file.toString())
                .endsWith("; to trust it, run: ssh-keyscan -p 22 10.0.0.2 >> " + file);
        assertThat(strict.check("[10.0.0.3]:2200", keyA)).isEqualTo(NOT_INCLUDED);
        assertThat(strict.rejection()).endsWith("run: ssh-keyscan -p 2200 10.0.0.3 >> " + file);
        assertThat(strict.check("[10.0.0.1]:2222", keyB)).isEqualTo(CHANGED);
        assertThat(strict.rejection()).contains("CHANGED", file.toString());
        assertThat(Files.readAllLines(file)).hasSize(1);
    }

    @Test
    void acceptNewAppendsEachNewHostOnceUnderConcurrencyButRefusesChangedKeys() throws Exception {
        Path file = dir.resolve("sub/known_hosts");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> verdicts = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String host = "10.0.0." + (i % 4);
                verdicts.add(pool.submit(() -> {
                    go.await();
                    return new KnownHostsFile(file, HostKeyPolicy.ACCEPT_NEW).check(host, keyA);
                }));
            }
            go.countDown();
            for (Future<Integer> verdict : verdicts) {
                assertThat(verdict.get()).isEqualTo(OK);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(Files.readAllLines(file)).containsExactlyInAnyOrder(
                "10.0.0.0 ssh-ed25519 " + base64(keyA), "10.0.0.1 ssh-ed25519 " + base64(keyA),
                "10.0.0.2 ssh-ed25519 " + base64(keyA), "10.0.0.3 ssh-ed25519 " + base64(keyA));
        assertThat(new KnownHostsFile(file, HostKeyPolicy.ACCEPT_NEW).check("10.0.0.1", keyB)).isEqualTo(CHANGED);
        assertThat(Files.readAllLines(file)).hasSize(4);
    }

    @Test
    void appendStartsANewLineWhenTheFileLacksTheLastNewline() throws IOException {
        Path file = Files.writeString(dir.resolve("known_hosts"), "10.0.0.9 ssh-ed25519 " + base64(keyB));

        assertThat(new KnownHostsFile(file, HostKeyPolicy.ACCEPT_NEW).check("10.0.0.1", keyA)).isEqualTo(OK);

        assertThat(Files.readAllLines(file)).containsExactly("10.0.0.9 ssh-ed25519 " + base64(keyB),
                "10.0.0.1 ssh-ed25519 " + base64(keyA));
        assertThat(new KnownHostsFile(file, HostKeyPolicy.STRICT).check("10.0.0.9", keyB)).isEqualTo(OK);
    }

    @Test
    void offAcceptsAnythingAndWritesNothing() {
        Path file = dir.resolve("known_hosts");

        assertThat(new KnownHostsFile(file, HostKeyPolicy.OFF).check("10.0.0.1", keyA)).isEqualTo(OK);
        assertThat(file).doesNotExist();
    }

    /** An SSH public key blob, as a server sends it in the handshake. */
    private static byte[] hostKey() {
        try {
            KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.ED25519);
            byte[] blob = pair.getPublicKeyBlob();
            pair.dispose();
            return blob;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(byte[] blob) {
        return Base64.getEncoder().encodeToString(blob);
    }
}
