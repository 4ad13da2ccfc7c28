package dev.rigger.runner;

import static dev.rigger.runner.Cli.DIR;
import static dev.rigger.runner.Cli.LOCAL;
import static dev.rigger.runner.Cli.rigger;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Variables tagged {@code !secret} are written where they belong and shown nowhere else. */
class SecretsTest {
    private static final String SECRET = "s3cr3t-value";

    @TempDir
    Path workdir;

    @Test
    void secretReachesTheFilesButNotTheDiffsOrEvents() throws Exception {
        Path events = workdir.resolve("events.jsonl");
        Cli run = rigger("play", DIR + "secrets.yml", "-i", LOCAL, "-e", "workdir=" + workdir, "--diff", "-v", "--json", events.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(workdir.resolve("client.conf"))).contains("password=" + SECRET);
        assertThat(Files.readString(workdir.resolve("password"))).isEqualTo(SECRET + "\n");
        assertThat(run.out()).contains("+password=********").doesNotContain(SECRET);
        assertThat(run.err()).doesNotContain(SECRET);
        assertThat(Files.readString(events)).contains("\"status\":\"changed\"").doesNotContain(SECRET);

        // A changed secret still shows only as a redacted line in the diff.
        Files.writeString(workdir.resolve("client.conf"), "host=db1\nuser=app\npassword=old-" + SECRET + "\n");
        Cli again = rigger("play", DIR + "secrets.yml", "-i", LOCAL, "-e", "workdir=" + workdir, "--diff");
        assertThat(again.out()).contains("changed: [web1]").doesNotContain(SECRET);
    }
}
