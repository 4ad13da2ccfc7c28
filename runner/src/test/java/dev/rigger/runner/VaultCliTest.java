package dev.rigger.runner;

import static dev.rigger.runner.Cli.DIR;
import static dev.rigger.runner.Cli.rigger;
import static dev.rigger.runner.Cli.riggerWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ansible Vault from the command line. The files under cli/vault were made by the real
 * ansible-vault (ansible-core 2.14.18, Debian bookworm) with the password in pass.txt
 * ({@code rigger-vault-test}), in src/test/resources/cli/vault:
 *
 * <pre>
 * ansible-vault encrypt --vault-password-file pass.txt inventory/group_vars/all/vault.yml
 * ansible-vault encrypt_string --vault-password-file pass.txt 'api-token-from-vault' --name api_token > inventory/host_vars/web1.yml
 * ansible-vault encrypt --vault-id prod@pass.txt vars/secret.yml
 * </pre>
 *
 * The other direction (ansible-vault reading what {@code rigger vault} writes) is proven without
 * Ansible by core's VaultFormatTest (same bytes for the same salt) and, where ansible-vault is
 * installed, by running it here.
 */
class VaultCliTest {
    private static final String VAULT = DIR + "vault/";
    private static final String PASS = VAULT + "pass.txt";
    private static final String SECRETS = "db-pass-from-vault api-token-from-vault file-secret-from-vault\n";

    @TempDir
    Path workdir;

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("ANSIBLE_VAULT_PASSWORD_FILE");
        env.remove("ANSIBLE_CONFIG");
        for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
        return env;
    }

    private Cli play(Map<String, String> env, String stdin, String... flags) {
        List<String> args = new java.util.ArrayList<>(List.of("play", VAULT + "play.yml", "-i", VAULT + "inventory", "-e", "workdir=" + workdir));
        args.addAll(List.of(flags));
        return riggerWith(env, stdin, args.toArray(String[]::new));
    }

    @Test
    void vaultedVarsFromEveryPlaceReachTheHostButNeverTheOutput() throws Exception {
        Path events = workdir.resolve("events.jsonl");
        Cli run = play(env(), "", "--vault-password-file", PASS, "-v", "--json", events.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(Files.readString(workdir.resolve("secrets"))).isEqualTo(SECRETS);
        assertThat(run.out()).contains("token is ********");
        for (String secret : SECRETS.strip().split(" ")) {
            assertThat(run.out() + run.err() + Files.readString(events)).doesNotContain(secret);
        }
    }

    @Test
    void everyPasswordSourceWorks() {
        Path cfg = workdir.resolve("ansible.cfg");
        writeConfig(cfg, "[defaults]\nvault_password_file = " + Path.of(PASS).toAbsolutePath() + "\n");
        Map<String, Cli> runs = Map.of(
                "script", play(env(), "", "--vault-password-file", VAULT + "pass-script.sh"),
                "vault-id", play(env(), "", "--vault-id", "prod@" + PASS),
                "env", play(env("ANSIBLE_VAULT_PASSWORD_FILE", PASS), ""),
                "ansible.cfg", play(env("ANSIBLE_CONFIG", cfg.toString()), ""),
                "ask on stdin", play(env(), "rigger-vault-test\n", "--ask-vault-pass"),
                "ask by env", play(env(VaultPasswords.ENV_PROMPT, "rigger-vault-test"), "", "-J"),
                "prompt id", play(env(), "rigger-vault-test\n", "--vault-id", "prod@prompt"));
        runs.forEach((source, run) -> assertThat(run.exitCode()).as(source + ": " + run.err()).isZero());
    }

    @Test
    void aWrongPasswordIsOneLineNamingTheFileBeforeAnyHostIsContacted() {
        Path wrong = workdir.resolve("wrong.txt");
        writeConfig(wrong, "not-the-password\n");
        // The playbook loads first (its vars_files), before the inventory: no host is known yet, none contacted.
        Cli run = play(env(), "", "--vault-password-file", wrong.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("error: " + VAULT + "vars/secret.yml:1:1: "
                + "cannot decrypt: wrong vault password, or the vault text was changed (HMAC mismatch)");
        assertThat(run.out()).doesNotContain("TASK");
    }

    @Test
    void withoutAPasswordTheFileIsNamed() {
        Cli run = play(env(), "");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: " + VAULT + "vars/secret.yml:1:1: Ansible Vault encrypted, but no vault password was given");
    }

    @Test
    void decryptAndViewReadAnsibleVaultFiles() throws Exception {
        Path copy = workdir.resolve("secret.yml");
        Files.copy(Path.of(VAULT + "vars/secret.yml"), copy);

        Cli view = rigger("vault", "view", "--vault-id", "prod@" + PASS, copy.toString());
        assertThat(view.exitCode()).as(view.err()).isZero();
        assertThat(view.out()).isEqualTo("file_secret: file-secret-from-vault\n");

        Cli decrypt = rigger("vault", "decrypt", "--vault-password-file", PASS, copy.toString());
        assertThat(decrypt.exitCode()).as(decrypt.err()).isZero();
        assertThat(Files.readString(copy)).isEqualTo("file_secret: file-secret-from-vault\n");
    }

    @Test
    void encryptThenDecryptGivesTheSameBytes() throws Exception {
        Path file = workdir.resolve("data.bin");
        byte[] original = {0, 1, 2, (byte) 0xff, '\n', 'x'};
        Files.write(file, original);

        assertThat(rigger("vault", "encrypt", "--vault-id", "staging@" + PASS, file.toString()).exitCode()).isZero();
        String encrypted = Files.readString(file);
        assertThat(encrypted).startsWith("$ANSIBLE_VAULT;1.2;AES256;staging\n").endsWith("\n");
        assertThat(rigger("vault", "encrypt", "--vault-password-file", PASS, file.toString()).err()).contains("already encrypted");

        assertThat(rigger("vault", "decrypt", "--vault-password-file", PASS, file.toString()).exitCode()).isZero();
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
    }

    @Test
    void encryptStringWritesWhatAnsibleVaultWritesAndRiggerReadsIt() throws Exception {
        Cli string = rigger("vault", "encrypt_string", "--vault-password-file", PASS, "--name", "token", "hello-vault");
        assertThat(string.exitCode()).as(string.err()).isZero();
        assertThat(string.out()).startsWith("token: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n          ").doesNotEndWith("\n");

        // Pasted into a vars file, the value loads as a secret.
        Path vars = workdir.resolve("vars.yml");
        Files.writeString(vars, string.out() + "\n");
        Path playbook = workdir.resolve("play.yml");
        Files.writeString(playbook, "- hosts: web1\n  gather_facts: false\n  vars_files: [vars.yml]\n  tasks:\n"
                + "    - copy: {content: \"{{ token }}\", dest: \"" + workdir.resolve("out") + "\"}\n");
        Cli run = rigger("play", playbook.toString(), "-i", Cli.LOCAL, "--vault-password-file", PASS);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(workdir.resolve("out"))).isEqualTo("hello-vault");
    }

    @Test
    void editEncryptsTheEditedTextAgainWithTheSameLabel() throws Exception {
        Path copy = workdir.resolve("secret.yml");
        Files.copy(Path.of(VAULT + "vars/secret.yml"), copy);
        Path editor = workdir.resolve("editor.sh");
        Files.writeString(editor, "#!/bin/sh\nsed -i 's/file-secret-from-vault/edited-secret/' \"$1\"\n");
        editor.toFile().setExecutable(true);

        Cli edit = riggerWith(env("EDITOR", editor.toString()), "", "vault", "edit", "--vault-password-file", PASS, copy.toString());

        assertThat(edit.exitCode()).as(edit.err()).isZero();
        assertThat(Files.readString(copy)).startsWith("$ANSIBLE_VAULT;1.2;AES256;prod\n");
        assertThat(rigger("vault", "view", "--vault-password-file", PASS, copy.toString()).out()).isEqualTo("file_secret: edited-secret\n");
    }

    @Test
    void createEncryptsWhatTheEditorWroteAndNeverOverwrites() throws Exception {
        Path file = workdir.resolve("new.yml");
        Path editor = workdir.resolve("editor.sh");
        Files.writeString(editor, "#!/bin/sh\nprintf 'created: in the editor\\n' > \"$1\"\n");
        editor.toFile().setExecutable(true);

        Cli create = riggerWith(env("EDITOR", editor.toString()), "", "vault", "create", "--vault-password-file", PASS, file.toString());

        assertThat(create.exitCode()).as(create.err()).isZero();
        assertThat(Files.readString(file)).startsWith("$ANSIBLE_VAULT;1.1;AES256\n");
        assertThat(rigger("vault", "view", "--vault-password-file", PASS, file.toString()).out()).isEqualTo("created: in the editor\n");
        Cli again = riggerWith(env("EDITOR", editor.toString()), "", "vault", "create", "--vault-password-file", PASS, file.toString());
        assertThat(again.errLines()).containsExactly("error: " + file + ": file already exists (rigger vault edit changes it)");
        assertThat(again.exitCode()).isEqualTo(2);

        Path empty = workdir.resolve("empty.yml");
        Cli nothing = riggerWith(env("EDITOR", "true"), "", "vault", "create", "--vault-password-file", PASS, empty.toString());
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(empty).doesNotExist();
    }

    @Test
    void rekeyEncryptsAnsibleVaultFilesAgainWithTheNewPasswordAndLabel() throws Exception {
        Path copy = workdir.resolve("secret.yml");
        Files.copy(Path.of(VAULT + "vars/secret.yml"), copy);
        Path other = workdir.resolve("other.yml");
        Files.copy(Path.of(VAULT + "inventory/group_vars/all/vault.yml"), other);
        Path newPass = workdir.resolve("new-pass.txt");
        Files.writeString(newPass, "the-new-password\n");
        String plain = rigger("vault", "view", "--vault-password-file", PASS, copy.toString()).out();

        Cli rekey = rigger("vault", "rekey", "--vault-password-file", PASS, "--new-vault-id", "next@" + newPass, copy.toString(), other.toString());

        assertThat(rekey.exitCode()).as(rekey.err()).isZero();
        assertThat(Files.readString(copy)).startsWith("$ANSIBLE_VAULT;1.2;AES256;next\n");
        assertThat(rigger("vault", "view", "--vault-password-file", newPass.toString(), copy.toString()).out()).isEqualTo(plain);
        assertThat(rigger("vault", "view", "--vault-password-file", PASS, copy.toString()).exitCode()).isEqualTo(2);
        assertThat(rigger("vault", "view", "--vault-password-file", newPass.toString(), other.toString()).exitCode()).isZero();

        // Asked (here: answered by the environment), the new password gets the default label: format 1.1.
        Cli asked = riggerWith(env(VaultCommand.ENV_NEW_PASSWORD, "third-password"), "", "vault", "rekey",
                "--vault-password-file", newPass.toString(), copy.toString());
        assertThat(asked.exitCode()).as(asked.err()).isZero();
        assertThat(Files.readString(copy)).startsWith("$ANSIBLE_VAULT;1.1;AES256\n");
        assertThat(riggerWith(env(VaultPasswords.ENV_PROMPT, "third-password"), "", "vault", "view", "-J", copy.toString()).out()).isEqualTo(plain);

        // A wrong old password changes no file.
        String before = Files.readString(copy);
        Cli wrong = rigger("vault", "rekey", "--vault-password-file", PASS, "--new-vault-password-file", newPass.toString(), copy.toString());
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(Files.readString(copy)).isEqualTo(before);
    }

    /** Only where Ansible is installed (not in CI): ansible-vault rekeys what Rigger created, and Rigger what ansible-vault rekeyed. */
    @Test
    void ansibleVaultAndRiggerRekeyEachOthersFiles() throws Exception {
        assumeTrue(onPath("ansible-vault"), "ansible-vault is not installed (apt-get install ansible-core)");
        Path file = workdir.resolve("both.yml");
        Path newPass = workdir.resolve("new-pass.txt");
        Files.writeString(newPass, "the-new-password\n");
        Path editor = workdir.resolve("editor.sh");
        Files.writeString(editor, "#!/bin/sh\nprintf 'made: by rigger vault create\\n' > \"$1\"\n");
        editor.toFile().setExecutable(true);
        assertThat(riggerWith(env("EDITOR", editor.toString()), "", "vault", "create", "--vault-password-file", PASS, file.toString()).exitCode()).isZero();

        ansibleVault("rekey", "--vault-password-file", PASS, "--new-vault-password-file", newPass.toString(), file.toString());
        assertThat(rigger("vault", "view", "--vault-password-file", newPass.toString(), file.toString()).out()).isEqualTo("made: by rigger vault create\n");

        assertThat(rigger("vault", "rekey", "--vault-password-file", newPass.toString(), "--new-vault-id", "prod@" + PASS, file.toString()).exitCode()).isZero();
        assertThat(ansibleVault("view", "--vault-id", "prod@" + PASS, file.toString())).isEqualTo("made: by rigger vault create\n");
    }

    /** Only where Ansible is installed (not in CI): the real ansible-vault reads what Rigger wrote. */
    @Test
    void ansibleVaultDecryptsWhatRiggerWrote() throws Exception {
        assumeTrue(onPath("ansible-vault"), "ansible-vault is not installed (apt-get install ansible-core)");
        Path file = workdir.resolve("plain.yml");
        Files.writeString(file, "written: by rigger\n");
        assertThat(rigger("vault", "encrypt", "--vault-id", "prod@" + PASS, file.toString()).exitCode()).isZero();
        assertThat(ansibleVault("view", "--vault-password-file", PASS, file.toString())).isEqualTo("written: by rigger\n");

        Cli string = rigger("vault", "encrypt_string", "--vault-password-file", PASS, "--name", "x", "inline by rigger");
        Path vars = workdir.resolve("x.yml");
        Files.writeString(vars, string.out() + "\n");
        // ansible (not just ansible-vault) reads !vault values; ansible's debug of the var shows the plaintext.
        String shown = run(List.of("ansible", "localhost", "-m", "debug", "-a", "var=x", "-e", "@" + vars, "--vault-password-file", PASS));
        assertThat(shown).contains("\"x\": \"inline by rigger\"");
    }

    private String ansibleVault(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("ansible-vault"));
        command.addAll(List.of(args));
        return run(command);
    }

    private String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    private static void writeConfig(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
