package dev.rigger.core.vault;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The vault passwords of this process, used wherever YAML is read: a file whose text is an
 * Ansible Vault text (group_vars, host_vars, vars_files, role vars, inventories) and every
 * {@code !vault |} value decrypt with them, and everything decrypted becomes a {@link Secret}.
 * The runner sets them from {@code --vault-password-file}, {@code --vault-id} and the like before
 * anything is loaded; Java callers set them with {@link #use}.
 *
 * <pre>{@code
 * Vault.use(List.of(new Vault.Password("default", Secret.of(System.getenv("VAULT_PASS")))));
 * LoadedPlaybook loaded = new PlaybookLoader(ModuleRegistry.load(), options).load(path);
 * }</pre>
 */
public final class Vault {
    /** A password and the vault id label it was given for ({@code default} when none). */
    public record Password(String label, Secret password) {}

    private static volatile List<Password> passwords = List.of();

    private Vault() {}

    /** Replaces the passwords; an empty list means vault texts are refused with a clear error. */
    public static void use(List<Password> list) {
        passwords = List.copyOf(list);
    }

    public static List<Password> passwords() {
        return passwords;
    }

    /**
     * The plaintext of a vault text, as UTF-8 text. A 1.2 text is tried first with the password
     * of its label, then with the others, as Ansible does (vault_id_match off).
     *
     * @param at where the text is, named in the one-line error for a wrong password or a changed text
     */
    public static String decrypt(String text, SourceLocation at) {
        return new String(decryptBytes(text, at).plaintext(), StandardCharsets.UTF_8);
    }

    /** The plaintext and the password that opened it. */
    public record Decrypted(byte[] plaintext, Password password) {}

    /** As {@link #decrypt} for any bytes (ansible-vault encrypts binary files too). */
    public static Decrypted decryptBytes(String text, SourceLocation at) {
        List<Password> available = passwords;
        if (available.isEmpty()) {
            throw new InputException(at, "Ansible Vault encrypted, but no vault password was given"
                    + " (--vault-password-file, --vault-id, --ask-vault-pass or ANSIBLE_VAULT_PASSWORD_FILE)");
        }
        String label;
        try {
            label = VaultFormat.envelope(text).label();
        } catch (VaultFormat.VaultException e) {
            throw new InputException(at, e.getMessage());
        }
        List<Password> order = new ArrayList<>();
        available.stream().filter(p -> p.label().equals(label)).forEach(order::add);
        available.stream().filter(p -> !p.label().equals(label)).forEach(order::add);
        String last = null;
        for (Password p : order) {
            try {
                return new Decrypted(VaultFormat.decrypt(text, p.password().reveal().getBytes(StandardCharsets.UTF_8)), p);
            } catch (VaultFormat.VaultException e) {
                last = e.getMessage();
            }
        }
        throw new InputException(at, "cannot decrypt: " + (order.size() > 1 ? "none of the " + order.size() + " vault passwords fits; " : "") + last);
    }
}
