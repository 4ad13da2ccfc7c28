package dev.rigger.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Against files written by the real ansible-vault (ansible-core 2.14.18, Debian bookworm), made in
 * src/test/resources/vault with the password in pass.txt ({@code rigger-vault-test}):
 *
 * <pre>
 * cp vars.plain.yml vars.vault.yml && ansible-vault encrypt --vault-password-file pass.txt vars.vault.yml
 * cp vars.plain.yml vars.labelled.vault.yml && ansible-vault encrypt --vault-id prod@pass.txt vars.labelled.vault.yml
 * ansible-vault encrypt_string --vault-password-file pass.txt 'inline-secret-value' --name api_token > inline.yml
 * (tampered.vault.yml: vars.vault.yml with the last hex digit of line 6 changed)
 * </pre>
 *
 * Ansible to Rigger: Rigger decrypts them. Rigger to Ansible: encrypting the same plaintext with
 * the salt ansible-vault chose gives the very same bytes, so ansible-vault reads what Rigger writes.
 */
class VaultFormatTest {
    private static final Path DIR = Path.of("src/test/resources/vault");
    private static final byte[] PASSWORD = "rigger-vault-test".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @ValueSource(strings = {"vars.vault.yml", "vars.labelled.vault.yml"})
    void decryptsWhatAnsibleVaultWrote(String file) throws Exception {
        byte[] plain = VaultFormat.decrypt(read(file), PASSWORD);
        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(read("vars.plain.yml"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vars.vault.yml", "vars.labelled.vault.yml"})
    void writesTheSameBytesAsAnsibleVaultForTheSameSalt(String file) throws Exception {
        String ansible = read(file);
        VaultFormat.Envelope envelope = VaultFormat.envelope(ansible);
        String inner = new String(HexFormat.of().parseHex(envelope.body().replaceAll("\\s", "")), StandardCharsets.US_ASCII);
        byte[] salt = HexFormat.of().parseHex(inner.split("\n")[0]);

        String rigger = VaultFormat.encrypt(read("vars.plain.yml").getBytes(StandardCharsets.UTF_8), PASSWORD, envelope.label(), salt);

        assertThat(rigger).isEqualTo(ansible);
    }

    @Test
    void labelDefaultWritesFormat11AndOtherLabelsFormat12() throws Exception {
        byte[] plain = "x: 1\n".getBytes(StandardCharsets.UTF_8);
        assertThat(VaultFormat.encrypt(plain, PASSWORD, "default")).startsWith("$ANSIBLE_VAULT;1.1;AES256\n");
        String labelled = VaultFormat.encrypt(plain, PASSWORD, "prod");
        assertThat(labelled).startsWith("$ANSIBLE_VAULT;1.2;AES256;prod\n");
        assertThat(VaultFormat.envelope(labelled).label()).isEqualTo("prod");
        assertThat(VaultFormat.decrypt(labelled, PASSWORD)).isEqualTo(plain);
        // Lines of 80 hex digits, as ansible-vault writes them.
        assertThat(labelled.lines().skip(1).filter(l -> l.length() != 80).count()).isLessThanOrEqualTo(1);
    }

    @Test
    void decryptsAnIndentedInlineValue() throws Exception {
        String block = read("inline.yml").substring(read("inline.yml").indexOf('\n') + 1);
        assertThat(new String(VaultFormat.decrypt(block, PASSWORD), StandardCharsets.UTF_8)).isEqualTo("inline-secret-value");
    }

    @Test
    void aWrongPasswordOrAChangedTextIsRefused() throws Exception {
        assertThatThrownBy(() -> VaultFormat.decrypt(read("vars.vault.yml"), "wrong".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(VaultFormat.VaultException.class).hasMessageContaining("wrong vault password");
        assertThatThrownBy(() -> VaultFormat.decrypt(read("tampered.vault.yml"), PASSWORD))
                .isInstanceOf(VaultFormat.VaultException.class).hasMessageContaining("HMAC mismatch");
        assertThatThrownBy(() -> VaultFormat.decrypt("$ANSIBLE_VAULT;1.1;AES256\nzz\n", PASSWORD))
                .isInstanceOf(VaultFormat.VaultException.class).hasMessageContaining("not hexadecimal");
        assertThatThrownBy(() -> VaultFormat.decrypt("$ANSIBLE_VAULT;1.0;AES\n00\n", PASSWORD))
                .isInstanceOf(VaultFormat.VaultException.class).hasMessageContaining("version 1.0");
    }

    private static String read(String file) throws Exception {
        return Files.readString(DIR.resolve(file));
    }
}
