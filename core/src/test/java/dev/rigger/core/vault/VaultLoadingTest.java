package dev.rigger.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.error.InputException;
import dev.rigger.core.inventory.InventoryLoader;
import dev.rigger.core.secret.Secret;
import dev.rigger.core.internal.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Vault files and {@code !vault} values where YAML is read, made by ansible-vault (see
 * {@link VaultFormatTest} for the version; same password). In src/test/resources/vault/inventory:
 *
 * <pre>
 * ansible-vault encrypt --vault-password-file ../pass.txt group_vars/all/vault.yml
 * ansible-vault encrypt --vault-id prod@../pass.txt host_vars/web1.yml
 * ansible-vault encrypt_string --vault-password-file ../pass.txt 'inline-host-secret' --name '      api_token'   (into hosts.yml)
 * </pre>
 */
class VaultLoadingTest {
    private static final Path DIR = Path.of("src/test/resources/vault");
    private static final Secret PASSWORD = Secret.of("rigger-vault-test");

    @AfterEach
    void forgetPasswords() {
        Vault.use(List.of());
    }

    @Test
    void inventoryVaultFilesAndInlineValuesDecryptToSecrets() {
        Vault.use(List.of(new Vault.Password("default", PASSWORD)));

        Map<String, Object> vars = InventoryLoader.load(DIR.resolve("inventory/hosts.yml")).varsOf("web1");

        assertThat(vars.get("api_token")).isEqualTo(Secret.of("inline-host-secret"));
        assertThat(vars.get("vault_db_password")).isEqualTo(Secret.of("group-vault-pass"));
        // A label-1.2 file decrypts with a password given without that label, as in Ansible.
        assertThat(vars.get("host_secret")).isEqualTo(Secret.of("only-web1"));
        // Numbers keep their type, as under Ansible; only strings become secrets.
        assertThat(vars.get("vault_port")).isEqualTo(6379);
        assertThat(vars.get("plain_var")).isEqualTo("visible");
        assertThat(vars.get("api_token").toString()).isEqualTo(Secret.REDACTED);
    }

    @Test
    void theLabelledPasswordIsTriedFirst() {
        Vault.use(List.of(new Vault.Password("default", Secret.of("other")), new Vault.Password("prod", PASSWORD)));
        assertThat(YamlReader.read(DIR.resolve("vars.labelled.vault.yml")).orElseThrow().asMapping().require("db_password").toJava())
                .isEqualTo(Secret.of("S3cret-of-vault"));
    }

    @Test
    void aWrongPasswordIsOneLineNamingTheFile() {
        Vault.use(List.of(new Vault.Password("default", Secret.of("wrong"))));
        assertThatThrownBy(() -> InventoryLoader.load(DIR.resolve("inventory/hosts.yml")))
                .isInstanceOf(InputException.class)
                .hasMessage(DIR.resolve("inventory/hosts.yml") + ":5:18: cannot decrypt: wrong vault password, or the vault text was changed (HMAC mismatch)");
    }

    @Test
    void aTamperedFileIsOneLineNamingTheFile() {
        Vault.use(List.of(new Vault.Password("default", PASSWORD)));
        Path file = DIR.resolve("tampered.vault.yml");
        assertThatThrownBy(() -> YamlReader.read(file))
                .isInstanceOf(InputException.class)
                .hasMessage(file + ":1:1: cannot decrypt: wrong vault password, or the vault text was changed (HMAC mismatch)");
    }

    @Test
    void withoutAPasswordTheFileIsNamed() throws Exception {
        Path file = DIR.resolve("vars.vault.yml");
        assertThatThrownBy(() -> YamlReader.parse(Files.readString(file), file.toString()))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(file + ":1:1: Ansible Vault encrypted, but no vault password was given");
    }
}
