package dev.rigger.runner;

import static dev.rigger.runner.Cli.DIR;
import static dev.rigger.runner.Cli.LOCAL;
import static dev.rigger.runner.Cli.rigger;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret never shows, whatever carries it: each test runs one path through the CLI with
 * {@code -v --diff --json} and counts the secret's text in everything the run printed (stdout,
 * stderr, the JSON events). The tasks do reach the secret (files hold it), so the count is zero
 * because of redaction, not because nothing ran.
 */
class SecretLeaksTest {
    private static final String SECRET = "s3cr3t-Leak-42";
    private static final String LEAKS = DIR + "secrets/leaks.yml";

    @TempDir
    Path workdir;

    @Test
    void commandAndShellShowTheirCommandLineMasked() throws IOException {
        Output run = play(LEAKS, LOCAL, "--tags", "command");
        assertThat(run.exitCode).as(run.all()).isZero();
        assertThat(Files.readString(workdir.resolve("url.txt"))).isEqualTo("postgres://app:" + SECRET + "@db1/app\n");
        assertThat(run.out).contains("run: echo ********", "postgres://app:********@db1/app");
        run.assertNoSecret();
    }

    @Test
    void failMessage() throws IOException {
        Output run = play(LEAKS, LOCAL, "--tags", "fail");
        assertThat(run.exitCode).as(run.all()).isEqualTo(2);
        assertThat(run.out).contains("cannot log in with ********");
        run.assertNoSecret();
    }

    @Test
    void assertMessage() throws IOException {
        Output run = play(LEAKS, LOCAL, "--tags", "assert");
        assertThat(run.exitCode).as(run.all()).isEqualTo(2);
        assertThat(run.out).contains("postgres://app:********@db1/app is too short");
        run.assertNoSecret();
    }

    @Test
    void debugOfASecretAndOfTextBuiltFromOne() throws IOException {
        Output run = play(LEAKS, LOCAL, "--tags", "debug");
        assertThat(run.exitCode).as(run.all()).isZero();
        assertThat(run.out).contains("pw: ********", "url: postgres://app:********@db1/app");
        run.assertNoSecret();
    }

    @Test
    void setFactKeepsTheSecretASecret() throws IOException {
        Output run = play(LEAKS, LOCAL, "--tags", "set_fact");
        assertThat(run.exitCode).as(run.all()).isZero();
        assertThat(run.out).contains("dsn: postgres://app:********@db1/app", "plain is ********");
        run.assertNoSecret();
    }

    @Test
    void registeredOutputAndErrorOutputOfACommand() throws IOException {
        Output run = play(LEAKS, LOCAL, "--tags", "register");
        assertThat(run.exitCode).as(run.all()).isEqualTo(2);
        assertThat(Files.readString(workdir.resolve("pw.txt"))).isEqualTo(SECRET + "\n");
        assertThat(run.out).contains("the file says ********", "non-zero return code 3: ********");
        run.assertNoSecret();
    }

    @Test
    void argumentsOfOtherModulesInChangeLinesAndDiffs() throws IOException {
        Output run = play(LEAKS, LOCAL, "--tags", "args");
        assertThat(run.exitCode).as(run.all()).isZero();
        assertThat(workdir.resolve(SECRET + ".txt")).exists();
        assertThat(run.out).contains("create " + workdir + "/********.txt");
        assertThat(Files.readString(workdir.resolve("conf.txt"))).isEqualTo("password=" + SECRET + "\n");
        run.assertNoSecret();
    }

    @Test
    void errorMessagesAboutASecretArgument() throws IOException {
        Output run = play(LEAKS, LOCAL, "--tags", "error");
        assertThat(run.exitCode).as(run.all()).isZero();
        assertThat(run.out).contains("...ignoring");
        run.assertNoSecret();
    }

    @Test
    void loadTimeErrorAboutAConstantSecret() throws IOException {
        Output run = play(DIR + "secrets/load-error.yml", LOCAL);
        assertThat(run.exitCode).as(run.all()).isEqualTo(2);
        assertThat(run.err).contains("got '********'");
        run.assertNoSecret();

        Output module = play(DIR + "secrets/load-error-module.yml", LOCAL);
        assertThat(module.exitCode).as(module.all()).isEqualTo(2);
        assertThat(module.err).contains("'dest' must be an absolute path, got '********'");
        module.assertNoSecret();
    }

    @Test
    void inventoryConnectionPasswordsAreSecretsInTasks() throws IOException {
        Output run = play(DIR + "secrets/passwords.yml", DIR + "secrets/inventory-passwords.yml");
        assertThat(run.exitCode).as(run.all()).isZero();
        assertThat(Files.readString(workdir.resolve("become.txt"))).isEqualTo(SECRET + "\n");
        assertThat(run.out).contains("run: echo ******** ********", "ansible_ssh_pass: ********", "sudo with ********");
        run.assertNoSecret();
    }

    @Test
    void noLogHidesResultArgumentsAndOutputInEveryReporter() throws IOException {
        String token = "visible-Token-77";
        Output run = play(DIR + "secrets/no-log.yml", LOCAL);
        assertThat(run.exitCode).as(run.all()).isEqualTo(2);
        assertThat(Files.readString(workdir.resolve("token.txt"))).isEqualTo(token + "\n");
        String hidden = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
        assertThat(run.out).contains("changed: [web1] => " + hidden, "...ignoring", "fatal: [web1]: FAILED! => " + hidden);
        assertThat(run.json).contains(hidden);
        assertThat(run.all()).as("%s in:%n%s", token, run.all()).doesNotContain(token);
    }

    private Output play(String playbook, String inventory, String... more) throws IOException {
        Path events = workdir.resolve("events.jsonl");
        List<String> args = new ArrayList<>(List.of("play", playbook, "-i", inventory, "-e", "workdir=" + workdir,
                "-v", "--diff", "--json", events.toString()));
        args.addAll(List.of(more));
        Cli run = rigger(args.toArray(String[]::new));
        String json = Files.exists(events) ? Files.readString(events) : "";
        return new Output(run.exitCode(), run.out(), run.err(), json);
    }

    private record Output(int exitCode, String out, String err, String json) {
        String all() {
            return "--- stdout\n" + out + "--- stderr\n" + err + "--- json\n" + json;
        }

        void assertNoSecret() {
            String all = all();
            int count = 0;
            for (int i = all.indexOf(SECRET); i >= 0; i = all.indexOf(SECRET, i + 1)) count++;
            assertThat(count).as("occurrences of the secret in:%n%s", all).isZero();
        }
    }
}
