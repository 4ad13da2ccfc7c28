package dev.rigger.testing;

import dev.rigger.testing.internal.LabEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;

/**
 * The lab's base image: Debian bookworm with systemd and sshd, built from the recipe shipped in
 * this jar ({@code image/Dockerfile} + {@code image/provision.sh}). The image carries the recipe's
 * hash as a label, so a changed recipe is rebuilt and an unchanged one is reused (a cold build
 * takes about a minute; no registry is needed, see build-image.sh).
 */
final class LabImage {
    private static final String RESOURCE_DIR = "/dev/rigger/lab/image/";
    static final String RECIPE_LABEL = "dev.rigger.lab.recipe";
    private static final Object BUILD_LOCK = new Object();

    private LabImage() {}

    public static String name() {
        return resource("IMAGE").trim();
    }

    /** First 16 hex digits of sha256(Dockerfile ‖ provision.sh), as scripts/setup-host computes it. */
    public static String recipeHash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(resource("Dockerfile").getBytes(StandardCharsets.UTF_8));
            sha.update(resource("provision.sh").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns the image name, building the image first when it is missing or outdated. Lab tests
     * run in several JVMs at once (docs/lab.md, Speed), so the build is locked across processes
     * too: the first JVM builds, the others wait and then find the image.
     */
    public static String ensure() {
        synchronized (BUILD_LOCK) {
            String image = name();
            String hash = recipeHash();
            if (hash.equals(labelOf(image))) return image;
            Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "rigger-lab-image.lock");
            try (FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock held = lock.lock()) {
                if (hash.equals(labelOf(image))) return image; // built by another JVM while we waited
                build(image, hash);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + lockFile, e);
            }
            if (!hash.equals(labelOf(image))) {
                LabEnvironment.unavailable("lab image " + image + " could not be built (see build output above)");
            }
            return image;
        }
    }

    private static String labelOf(String image) {
        try {
            var inspect = DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            var labels = inspect.getConfig() == null ? null : inspect.getConfig().getLabels();
            return labels == null ? null : labels.get(RECIPE_LABEL);
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return null;
        }
    }

    private static void build(String image, String hash) {
        try {
            Path dir = Files.createTempDirectory("rigger-lab-image");
            for (String file : List.of("Dockerfile", "provision.sh", "build-image.sh")) {
                Files.writeString(dir.resolve(file), resource(file));
            }
            Process p = new ProcessBuilder("sh", dir.resolve("build-image.sh").toString(), image, hash)
                    .inheritIO().start();
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                LabEnvironment.unavailable("building lab image " + image + " took over 20 minutes");
            }
            if (p.exitValue() != 0) {
                LabEnvironment.unavailable("building lab image " + image + " failed (exit " + p.exitValue()
                        + "; it needs root, a Docker engine and debootstrap when no registry is reachable)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the lab image", e);
        }
    }

    private static String resource(String file) {
        try (InputStream in = LabImage.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) throw new IllegalStateException("lab image recipe file missing from jar: " + file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
