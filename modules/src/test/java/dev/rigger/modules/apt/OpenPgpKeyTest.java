package dev.rigger.modules.apt;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Keys made by gpg 2.2 on bookworm ({@code --export} and {@code --armor --export}); gpg's fingerprint is the oracle. */
class OpenPgpKeyTest {
    private static final String GPG_FINGERPRINT = "12FF3467F8A666254785F34ED091568C53E39420";

    @Test
    void readsTheFingerprintGpgPrintsFromBothForms() {
        OpenPgpKey armored = OpenPgpKey.parse(Fixtures.bytes("test-key.asc"));
        OpenPgpKey binary = OpenPgpKey.parse(Fixtures.bytes("test-key.gpg"));
        assertThat(armored.fingerprints()).containsExactly(GPG_FINGERPRINT);
        assertThat(binary.fingerprints()).containsExactly(GPG_FINGERPRINT);
        assertThat(armored.userIds()).containsExactly("Rigger Test <test@rigger.invalid>");
        assertThat(armored.describe()).isEqualTo(GPG_FINGERPRINT + " (Rigger Test <test@rigger.invalid>)");
    }

    @Test
    void dearmoringGivesGpgsBinaryExport() {
        assertThat(OpenPgpKey.parse(Fixtures.bytes("test-key.asc")).binary()).isEqualTo(Fixtures.bytes("test-key.gpg"));
    }

    @Test
    void theKeyringFormatFollowsTheFileName() {
        OpenPgpKey armored = OpenPgpKey.parse(Fixtures.bytes("test-key.asc"));
        assertThat(armored.forKeyring("/etc/apt/keyrings/x.asc")).as("kept as given").isEqualTo(Fixtures.bytes("test-key.asc"));
        assertThat(armored.forKeyring("/etc/apt/keyrings/x.gpg")).isEqualTo(Fixtures.bytes("test-key.gpg"));
        OpenPgpKey binary = OpenPgpKey.parse(Fixtures.bytes("test-key.gpg"));
        byte[] asc = binary.forKeyring("/etc/apt/keyrings/x.asc");
        assertThat(new String(asc, US_ASCII)).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n").endsWith("-----END PGP PUBLIC KEY BLOCK-----\n");
        assertThat(OpenPgpKey.parse(asc).binary()).isEqualTo(Fixtures.bytes("test-key.gpg"));
    }

    @Test
    void ourArmorCarriesTheSameChecksumGpgWrote() {
        String gpgArmor = new String(Fixtures.bytes("test-key.asc"), US_ASCII);
        String crcLine = gpgArmor.lines().filter(l -> l.startsWith("=") && l.length() == 5).findFirst().orElseThrow();
        assertThat(OpenPgpKey.armor(Fixtures.bytes("test-key.gpg"))).contains("\n" + crcLine + "\n");
    }

    @Test
    void differentKeysHaveDifferentFingerprints() {
        assertThat(OpenPgpKey.parse(Fixtures.bytes("other-key.asc")).fingerprints()).doesNotContain(GPG_FINGERPRINT).hasSize(1);
    }

    @Test
    void aDamagedArmorIsCaughtByItsChecksum() {
        String text = new String(Fixtures.bytes("test-key.asc"), US_ASCII);
        String[] lines = text.split("\n");
        int body = 2;
        char[] chars = lines[body].toCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        lines[body] = new String(chars);
        byte[] damaged = String.join("\n", lines).getBytes(US_ASCII);
        assertThatThrownBy(() -> OpenPgpKey.parse(damaged)).hasMessageContaining("checksum does not match");
    }

    @Test
    void aSecretKeyIsRefusedWithTheReason() {
        assertThatThrownBy(() -> OpenPgpKey.parse(Fixtures.bytes("test-secret-key.gpg")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SECRET key");
    }

    @Test
    void somethingElseIsNotAKey() {
        assertThatThrownBy(() -> OpenPgpKey.parse("<html><body>404 Not Found</body></html>".getBytes(US_ASCII)))
                .hasMessageContaining("not an OpenPGP key");
        byte[] gpg = Fixtures.bytes("test-key.gpg");
        byte[] truncated = java.util.Arrays.copyOf(gpg, gpg.length - 10);
        assertThatThrownBy(() -> OpenPgpKey.parse(truncated)).hasMessageContaining("truncated");
        assertThatThrownBy(() -> OpenPgpKey.parse("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEaw==\n".getBytes(US_ASCII)))
                .hasMessageContaining("no -----END");
    }

    @Test
    void crc24MatchesTheRfcAlgorithmOnAKnownValue() {
        // RFC 4880's CRC-24 of the empty input is its initial value.
        assertThat(OpenPgpKey.crc24(new byte[0])).isEqualTo(0xB704CE);
    }
}
