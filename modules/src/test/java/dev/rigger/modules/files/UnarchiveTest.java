package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.executor.RunEvent.HostResult;
import dev.rigger.core.executor.Status;
import dev.rigger.core.module.Args;
import dev.rigger.core.module.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** unarchive through the executor on this machine (local connection, GNU tar): unpack, idempotence, guards, refusals. */
class UnarchiveTest {
    @TempDir
    Path dir;

    private static Module<?> unarchive(Map<String, Object> args) {
        return new Unarchive.Type().create(Args.of("unarchive", args));
    }

    private Path archive() throws IOException, InterruptedException {
        Path tree = Files.createDirectories(dir.resolve("build/app-1.0/bin"));
        Files.writeString(tree.resolve("run"), "#!/bin/sh\necho run\n");
        Files.writeString(tree.getParent().resolve("README"), "app\n");
        Path tgz = dir.resolve("app-1.0.tar.gz");
        Process tar = new ProcessBuilder("tar", "-czf", tgz.toString(), "-C", dir.resolve("build").toString(), "app-1.0").start();
        assertThat(tar.waitFor()).isZero();
        return tgz;
    }

    @Test
    void unpacksOnceAndAgainOnlyWhenTheTreeDiffers() throws Exception {
        Path tgz = archive();
        Path dest = Files.createDirectories(dir.resolve("opt"));
        Module<?> task = unarchive(Map.of("src", tgz.toString(), "dest", dest.toString(), "remote_src", true,
                "extra_opts", List.of("--strip-components=1")));

        HostResult first = Runs.local().runOne(task);
        assertThat(first.status()).as(first.message()).isEqualTo(Status.CHANGED);
        assertThat(first.execs()).isEqualTo(2);
        assertThat(Files.readString(dest.resolve("bin/run"))).isEqualTo("#!/bin/sh\necho run\n");

        HostResult second = Runs.local().runOne(task);
        assertThat(second.status()).isEqualTo(Status.OK);
        assertThat(second.execs()).isEqualTo(1);

        Files.writeString(dest.resolve("README"), "edited\n");
        assertThat(Runs.local().runOne(task).status()).isEqualTo(Status.CHANGED);
        assertThat(Files.readString(dest.resolve("README"))).isEqualTo("app\n");
        Files.delete(dest.resolve("bin/run"));
        assertThat(Runs.local().runOne(task).status()).isEqualTo(Status.CHANGED);
        assertThat(dest.resolve("bin/run")).exists();
    }

    @Test
    void createsSkipsAndMissingPathsFailWithAnsiblesMessages() throws Exception {
        Path tgz = archive();
        HostResult skipped = Runs.local().runOne(unarchive(Map.of("src", "/nonexistent.tar", "dest", "/nonexistent",
                "remote_src", true, "creates", tgz.toString())));
        assertThat(skipped.status()).isEqualTo(Status.OK);
        assertThat(skipped.registered()).containsEntry("msg", "skipped, since " + tgz + " exists");

        HostResult noSrc = Runs.local().runOne(unarchive(Map.of("src", dir.resolve("none.tar").toString(), "dest", dir.toString(), "remote_src", true)));
        assertThat(noSrc.status()).isEqualTo(Status.FAILED);
        assertThat(noSrc.message()).isEqualTo("Source '" + dir.resolve("none.tar") + "' does not exist");
        HostResult noDest = Runs.local().runOne(unarchive(Map.of("src", tgz.toString(), "dest", dir.resolve("nowhere").toString(), "remote_src", true)));
        assertThat(noDest.message()).isEqualTo("Destination '" + dir.resolve("nowhere") + "' is not a directory");
    }

    @Test
    void whatItCannotDoIsRefusedNamingTheAlternative() {
        assertThatThrownBy(() -> unarchive(Map.of("src", "files/app.tar.gz", "dest", "/opt")))
                .isInstanceOf(InputException.class).hasMessageContaining("copy the archive to the host first (copy:), then unarchive it with remote_src: yes");
        assertThatThrownBy(() -> unarchive(Map.of("src", "/tmp/a.zip", "dest", "/opt", "remote_src", true)))
                .isInstanceOf(InputException.class).hasMessageContaining("zip archives are not supported");
        assertThatThrownBy(() -> unarchive(Map.of("src", "https://x/a.tgz", "dest", "/opt", "remote_src", true)))
                .isInstanceOf(InputException.class).hasMessageContaining("fetch 'https://x/a.tgz' with get_url first");
        assertThatThrownBy(() -> unarchive(Map.of("src", "/tmp/a.tgz", "dest", "/opt", "remote_src", true, "owner", "app")))
                .isInstanceOf(InputException.class).hasMessageContaining("set it afterwards with a file task");
        assertThat(unarchive(Map.of("src", "/tmp/a.tgz", "dest", "/opt", "copy", false))).isInstanceOf(Unarchive.class);
    }
}
