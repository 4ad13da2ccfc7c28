package dev.rigger.runner;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.vault.Vault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/**
 * The vault flags of ansible-playbook and ansible-vault, and how each source gives a password, as
 * Ansible reads them: a file's text without surrounding white space; an executable file is run and
 * its output without trailing line breaks is the password (a script named {@code *-client} gets
 * {@code --vault-id LABEL}); {@code prompt} asks without echo.
 */
final class VaultPasswords {
    static final String ENV_PROMPT = "RIGGER_VAULT_PASSWORD";
    static final String DEFAULT = "default";

    @Option(names = {"--vault-password-file", "--vault-pass-file"}, paramLabel = "FILE",
            description = "Vault password file, or a script printing the password; repeatable.")
    List<String> files = new ArrayList<>();

    @Option(names = "--vault-id", paramLabel = "[LABEL@]SOURCE",
            description = "A vault password with its label; SOURCE is a file, a script or 'prompt'; repeatable.")
    List<String> ids = new ArrayList<>();

    @Option(names = {"-J", "--ask-vault-pass", "--ask-vault-password"},
            description = "Ask for the vault password (without a terminal: env " + ENV_PROMPT + ").")
    boolean ask;

    /**
     * The passwords in Ansible's order: {@code vault_identity_list} ids, {@code --vault-id}s, then
     * {@code --vault-password-file}s (else {@code vault_password_file} / ANSIBLE_VAULT_PASSWORD_FILE),
     * then the prompt.
     */
    List<Vault.Password> read(AnsibleConfig config, Map<String, String> env) {
        List<Vault.Password> out = new ArrayList<>();
        List<String> allIds = new ArrayList<>(config.list("ANSIBLE_VAULT_IDENTITY_LIST", "defaults", "vault_identity_list", ","));
        allIds.addAll(ids);
        for (String id : allIds) {
            int at = id.indexOf('@');
            String label = at < 0 ? DEFAULT : id.substring(0, at);
            String source = at < 0 ? id : id.substring(at + 1);
            out.add(new Vault.Password(label, source.equals("prompt") ? ask("Vault password (" + label + "): ", "--vault-id " + id, env)
                    : fromFile(AnsibleConfig.expandUser(source, env), label, "--vault-id " + id)));
        }
        if (!files.isEmpty()) {
            for (String f : files) out.add(new Vault.Password(DEFAULT, fromFile(AnsibleConfig.expandUser(f, env), DEFAULT, "--vault-password-file " + f)));
        } else {
            config.get("ANSIBLE_VAULT_PASSWORD_FILE", "defaults", "vault_password_file").ifPresent(v -> out.add(new Vault.Password(DEFAULT,
                    fromFile(AnsibleConfig.expandUser(v.text(), env), DEFAULT, v.at().toString()))));
        }
        boolean askByConfig = config.bool("ANSIBLE_ASK_VAULT_PASS", "defaults", "ask_vault_pass").orElse(false);
        if (ask || askByConfig) out.add(new Vault.Password(DEFAULT, ask("Vault password: ", "--ask-vault-pass", env)));
        return out;
    }

    private static Secret ask(String prompt, String flag, Map<String, String> env) {
        Secret s = Prompt.password(prompt, flag, ENV_PROMPT, env);
        if (s.reveal().isEmpty()) throw new InputException(SourceLocation.unknown(flag), "the vault password is empty");
        return s;
    }

    /** @param origin names the flag or setting in errors */
    static Secret fromFile(Path file, String label, String origin) {
        SourceLocation at = SourceLocation.unknown(origin);
        if (!Files.isRegularFile(file)) throw new InputException(at, "vault password file " + file + " not found");
        String password;
        if (Files.isExecutable(file)) {
            password = run(file, label, at).replaceAll("[\r\n]+$", "").replaceAll("^[\r\n]+", "");
        } else {
            try {
                password = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new InputException(at, "cannot read vault password file " + file + ": " + e.getMessage());
            }
        }
        if (password.isEmpty()) throw new InputException(at, "vault password file " + file + " gives an empty password");
        return Secret.of(password);
    }

    /** Runs a password script; its stderr goes to ours, so the script can prompt, as under Ansible. */
    private static String run(Path script, String label, SourceLocation at) {
        List<String> command = new ArrayList<>(List.of(script.toAbsolutePath().toString()));
        String name = script.getFileName().toString();
        if (name.endsWith("-client") || name.replaceFirst("\\.[^.]*$", "").endsWith("-client")) command.addAll(List.of("--vault-id", label));
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new InputException(at, "vault password script " + script + " did not finish within 60 s");
            }
            if (p.exitValue() != 0) throw new InputException(at, "vault password script " + script + " exited with " + p.exitValue());
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException(at, "cannot run vault password script " + script + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InputException(at, "interrupted while running vault password script " + script);
        }
    }
}
