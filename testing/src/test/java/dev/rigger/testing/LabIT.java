package dev.rigger.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The lab itself: real containers with systemd and sshd, names, addresses, inventory and drills. */
@LabHosts(value = {"alpha", "beta"}, groups = "pair=alpha,beta")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabIT {

    @Test
    @Order(1)
    void hostsBootSystemdAndServeSshOnTheirLabAddress(Lab lab) throws IOException {
        for (LabHost h : lab.hosts()) {
            assertThat(lab.shell(h.name(), "cat /proc/1/comm").strip()).isEqualTo("systemd");
            assertThat(lab.shell(h.name(), "hostname").strip()).isEqualTo(h.name());
            assertThat(lab.shell(h.name(), "ip -4 -o addr show eth0")).contains(" " + h.ip() + "/24 ");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(h.ip(), 22), 2000);
                assertThat(new String(s.getInputStream().readNBytes(7))).isEqualTo("SSH-2.0");
            }
        }
        assertThat(lab.host("alpha").ip()).isNotEqualTo(lab.host("beta").ip());
    }

    @Test
    @Order(2)
    void inventoryDescribesTheHostsAndGroups(Lab lab) {
        var inv = lab.inventory();
        assertThat(inv.hostsOf("pair")).containsExactly("alpha", "beta");
        assertThat(inv.varsOf("beta")).containsEntry("ansible_host", lab.host("beta").ip()).containsEntry("ansible_user", "root");
        assertThat(Files.isReadable(lab.privateKeyFile())).isTrue();
        String knownHosts = lab.shell("alpha", "cat /etc/ssh/ssh_host_ed25519_key.pub").split(" ")[1];
        assertThat(lab.knownHostsFile()).content().contains(lab.host("alpha").ip() + " ssh-ed25519 " + knownHosts);
        // Every lab host has its own host key (they are made at first boot, not baked into the image).
        String otherKey = lab.shell("beta", "cat /etc/ssh/ssh_host_ed25519_key.pub").split(" ")[1];
        assertThat(otherKey).isNotEqualTo(knownHosts);
    }

    @Test
    @Order(3)
    void hostsResolveEachOtherByName(Lab lab) {
        assertThat(lab.shell("alpha", "getent hosts beta")).startsWith(lab.host("beta").ip());
    }

    @Test
    @Order(3)
    void networkSysctlsAreWritableLikeOnARealHostButKernelWideOnesAreNot(Lab lab) {
        lab.shell("alpha", "sysctl -q -w net.ipv4.ip_nonlocal_bind=1");
        assertThat(lab.shell("alpha", "cat /proc/sys/net/ipv4/ip_nonlocal_bind").strip()).isEqualTo("1");
        assertThat(lab.shell("beta", "cat /proc/sys/net/ipv4/ip_nonlocal_bind").strip()).as("each host has its own network namespace").isEqualTo("0");
        lab.shell("alpha", "sysctl -q -w net.ipv4.ip_nonlocal_bind=0");
        assertThat(lab.exec("alpha", "test", "-w", "/proc/sys/kernel/panic").exitCode()).as("kernel-wide keys stay read-only").isNotZero();
    }

    @Test
    @Order(4)
    void twoHostsInstallingTheSamePackageAtOnceBothSucceed(Lab lab) {
        String install = "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q less >/dev/null && command -v less";
        var a = CompletableFuture.supplyAsync(() -> lab.exec("alpha", "sh", "-c", install));
        var b = CompletableFuture.supplyAsync(() -> lab.exec("beta", "sh", "-c", install));
        assertThat(a.join().exitCode()).as("alpha: %s", a.join().stderr()).isZero();
        assertThat(b.join().exitCode()).as("beta: %s", b.join().stderr()).isZero();
    }

    @Test
    @Order(5)
    void stoppedHostComesBackWithSameAddressAndHostKey(Lab lab) {
        String keyBefore = lab.shell("beta", "cat /etc/ssh/ssh_host_ed25519_key.pub");
        lab.stop("beta");
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress(lab.host("beta").ip(), 22), 1000))
                .isInstanceOf(IOException.class);
        lab.start("beta");
        assertThat(lab.shell("beta", "cat /etc/ssh/ssh_host_ed25519_key.pub")).isEqualTo(keyBefore);
        assertThat(lab.shell("beta", "ip -4 -o addr show eth0")).contains(" " + lab.host("beta").ip() + "/24 ");
    }

    @Test
    @Order(6)
    void disconnectedHostIsUnreachableUntilReconnected(Lab lab) {
        String betaIp = lab.host("beta").ip();
        String probe = "timeout 2 bash -c '</dev/tcp/" + betaIp + "/22' 2>/dev/null";
        assertThat(lab.exec("alpha", "sh", "-c", probe).exitCode()).isZero();
        lab.disconnect("beta");
        assertThat(lab.exec("alpha", "sh", "-c", probe).exitCode()).isNotZero();
        lab.reconnect("beta");
        lab.await("alpha reaches beta again", Duration.ofSeconds(10), () -> lab.exec("alpha", "sh", "-c", probe).exitCode() == 0);
    }

    @Test
    @Order(6)
    void pausedHostAcceptsConnectionsButNeverAnswersUntilUnpaused(Lab lab) {
        // The kernel still completes TCP handshakes; a frozen sshd never sends its banner.
        String banner = "timeout 3 bash -c 'exec 3<>/dev/tcp/" + lab.host("beta").ip() + "/22; head -c 4 <&3'";
        assertThat(lab.exec("alpha", "sh", "-c", banner).stdout()).isEqualTo("SSH-");
        lab.pause("beta");
        try {
            Lab.LabExec frozen = lab.exec("alpha", "sh", "-c", banner);
            assertThat(frozen.exitCode()).as("timeout's exit code").isEqualTo(124);
            assertThat(frozen.stdout()).isEmpty();
        } finally {
            lab.unpause("beta");
        }
        assertThat(lab.exec("alpha", "sh", "-c", banner).stdout()).isEqualTo("SSH-");
    }

    @Test
    @Order(7)
    void awaitFailsWithTheDescriptionAndLastError(Lab lab) {
        assertThatThrownBy(() -> lab.await("the moon turns blue", Duration.ofMillis(300), () -> {
            throw new IllegalStateException("still white");
        })).isInstanceOf(AssertionError.class)
                .hasMessageContaining("waiting until the moon turns blue")
                .hasMessageContaining("still white");
    }
}
