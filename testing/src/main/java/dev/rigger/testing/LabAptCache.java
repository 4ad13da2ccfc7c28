package dev.rigger.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import org.testcontainers.containers.ContainerState;

/**
 * A .deb cache shared by all lab hosts of this machine, safe when many hosts install at once.
 *
 * <p>A naively shared {@code /var/cache/apt/archives} breaks: apt locks that directory and the
 * second host fails at once (docs/lab.md, Packages). Instead the cache is mounted <em>read-only</em> at
 * {@link #MOUNT} and each host gets symlinks to it in its own archives directory, which apt accepts
 * as already downloaded (it verifies size and hash). Packages a host downloads stay in its own
 * directory and are harvested into the cache when the lab closes, each file written to a temp name
 * and renamed, so concurrent labs never see a half-written .deb.
 */
final class LabAptCache {
    static final String MOUNT = "/var/cache/rigger-debs";
    private static final Pattern DEB_NAME = Pattern.compile("[A-Za-z0-9.+~%:_-]+\\.deb");

    private final Path dir;

    LabAptCache(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the lab's apt cache " + dir, e);
        }
    }

    /** {@code $RIGGER_APT_CACHE}, else {@code ~/.cache/rigger/apt-archives}. */
    static LabAptCache fromEnvironment() {
        String configured = System.getenv("RIGGER_APT_CACHE");
        Path dir = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "rigger", "apt-archives");
        return new LabAptCache(dir);
    }

    Path dir() {
        return dir;
    }

    /** Shell run in a fresh host: link every cached .deb into apt's own archives directory. */
    static String seedScript() {
        return "for f in " + MOUNT + "/*.deb; do [ -f \"$f\" ] && ln -sf \"$f\" /var/cache/apt/archives/; done; true";
    }

    /** Copies the .debs this host downloaded itself (regular files, not our links) into the cache. */
    int harvest(ContainerState container) {
        try {
            var listing = container.execInContainer("find", "/var/cache/apt/archives", "-maxdepth", "1", "-type", "f", "-name", "*.deb");
            int added = 0;
            for (String path : listing.getStdout().split("\n")) {
                String name = path.substring(path.lastIndexOf('/') + 1);
                if (!DEB_NAME.matcher(name).matches() || Files.exists(dir.resolve(name))) continue;
                // A name of its own, so labs closing at the same time (in this JVM or another) never share one.
                Path tmp = Files.createTempFile(dir, "." + name + ".", ".part");
                container.copyFileFromContainer(path, in -> Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING));
                try {
                    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
                added++;
            }
            return added;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
