package dev.rigger.core.vault;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Ansible Vault's file format ({@code $ANSIBLE_VAULT;1.1;AES256} and
 * {@code $ANSIBLE_VAULT;1.2;AES256;LABEL}), byte for byte as ansible-vault writes it, with the
 * JDK's crypto only:
 *
 * <ul>
 *   <li>80 bytes from PBKDF2-HMAC-SHA256 of the password with a random 32-byte salt, 10,000
 *       rounds: the AES key, the HMAC key, the CTR start counter;</li>
 *   <li>the plaintext PKCS#7-padded to 16 bytes, then AES-256-CTR;</li>
 *   <li>HMAC-SHA256 of the ciphertext;</li>
 *   <li>body = hex(hex(salt) LF hex(hmac) LF hex(ciphertext)), in lines of 80, after the header
 *       line, ending with a line feed.</li>
 * </ul>
 *
 * <pre>{@code
 * String text = VaultFormat.encrypt("db_password: s3cret\n".getBytes(UTF_8), "pw".getBytes(UTF_8), null);
 * byte[] plain = VaultFormat.decrypt(text, "pw".getBytes(UTF_8));
 * }</pre>
 */
public final class VaultFormat {
    public static final String HEADER = "$ANSIBLE_VAULT";
    private static final int SALT_BYTES = 32;
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 16;
    private static final int ROUNDS = 10_000;
    private static final int LINE = 80;
    private static final SecureRandom RANDOM = new SecureRandom();

    private VaultFormat() {}

    /** Why a vault text could not be read; the message is one line without any secret in it. */
    public static final class VaultException extends Exception {
        VaultException(String message) {
            super(message);
        }
    }

    /** The header line of a vault text, split: version 1.1 or 1.2, and the label of 1.2 (else null). */
    public record Envelope(String version, String label, String body) {}

    /** True when the text is vault-encrypted (its first line is a vault header). */
    public static boolean isVault(String text) {
        return text.stripLeading().startsWith(HEADER + ";");
    }

    /** Splits header and body; leading whitespace (an indented {@code !vault |} block) is allowed. */
    public static Envelope envelope(String text) throws VaultException {
        String t = text.strip();
        int eol = t.indexOf('\n');
        String header = (eol < 0 ? t : t.substring(0, eol)).strip();
        String[] parts = header.split(";");
        if (!parts[0].equals(HEADER) || parts.length < 3) throw new VaultException("not an Ansible Vault text (bad header)");
        String version = parts[1].strip();
        if (!version.equals("1.1") && !version.equals("1.2")) throw new VaultException("unsupported vault format version " + version);
        if (!parts[2].strip().equals("AES256")) throw new VaultException("unsupported vault cipher " + parts[2].strip() + " (only AES256)");
        String label = version.equals("1.2") && parts.length > 3 ? parts[3].strip() : null;
        return new Envelope(version, label, eol < 0 ? "" : t.substring(eol + 1));
    }

    /** The plaintext; throws when the password is wrong or the text was changed (HMAC mismatch). */
    public static byte[] decrypt(String text, byte[] password) throws VaultException {
        Envelope envelope = envelope(text);
        String[] fields;
        try {
            String inner = new String(HexFormat.of().parseHex(envelope.body().replaceAll("\\s", "")), StandardCharsets.US_ASCII);
            fields = inner.split("\n");
            if (fields.length != 3) throw new VaultException("the vault text is damaged (expected salt, hmac and ciphertext)");
            byte[] salt = HexFormat.of().parseHex(fields[0]);
            byte[] mac = HexFormat.of().parseHex(fields[1]);
            byte[] ciphertext = HexFormat.of().parseHex(fields[2]);
            Keys keys = Keys.derive(password, salt);
            if (!MessageDigest.isEqual(mac, keys.hmac(ciphertext))) {
                throw new VaultException("wrong vault password, or the vault text was changed (HMAC mismatch)");
            }
            return unpad(keys.ctr(Cipher.DECRYPT_MODE, ciphertext));
        } catch (IllegalArgumentException e) {
            throw new VaultException("the vault text is damaged (not hexadecimal)");
        }
    }

    /** Encrypts with a fresh random salt; a label makes it format 1.2 ({@code default} stays 1.1, as in Ansible). */
    public static String encrypt(byte[] plaintext, byte[] password, String label) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return encrypt(plaintext, password, label, salt);
    }

    /** With a given salt: the same bytes ansible-vault writes for that salt (what the tests compare). */
    static String encrypt(byte[] plaintext, byte[] password, String label, byte[] salt) {
        Keys keys = Keys.derive(password, salt);
        byte[] ciphertext = keys.ctr(Cipher.ENCRYPT_MODE, pad(plaintext));
        HexFormat hex = HexFormat.of();
        String inner = hex.formatHex(salt) + "\n" + hex.formatHex(keys.hmac(ciphertext)) + "\n" + hex.formatHex(ciphertext);
        String body = hex.formatHex(inner.getBytes(StandardCharsets.US_ASCII));
        boolean labelled = label != null && !label.equals("default");
        StringBuilder out = new StringBuilder(HEADER).append(labelled ? ";1.2;AES256;" + label : ";1.1;AES256");
        for (int i = 0; i < body.length(); i += LINE) out.append('\n').append(body, i, Math.min(body.length(), i + LINE));
        return out.append('\n').toString();
    }

    /** The three keys PBKDF2 gives: AES key, HMAC key, CTR start counter. */
    private record Keys(byte[] cipher, byte[] mac, byte[] iv) {
        static Keys derive(byte[] password, byte[] salt) {
            try {
                byte[] derived = pbkdf2(password, salt, ROUNDS, KEY_BYTES * 2 + IV_BYTES);
                return new Keys(Arrays.copyOfRange(derived, 0, KEY_BYTES), Arrays.copyOfRange(derived, KEY_BYTES, KEY_BYTES * 2),
                        Arrays.copyOfRange(derived, KEY_BYTES * 2, KEY_BYTES * 2 + IV_BYTES));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks HmacSHA256", e);
            }
        }

        byte[] ctr(int mode, byte[] data) {
            try {
                Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
                aes.init(mode, new SecretKeySpec(cipher, "AES"), new IvParameterSpec(iv));
                return aes.doFinal(data);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks AES/CTR", e);
            }
        }

        byte[] hmac(byte[] data) {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(mac, "HmacSHA256"));
                return m.doFinal(data);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks HmacSHA256", e);
            }
        }
    }

    /**
     * PBKDF2-HMAC-SHA256 over the password's raw bytes (RFC 8018). The JDK's PBKDF2 SecretKeyFactory
     * takes a char[] and re-encodes it, which would change a password file's bytes; HMAC over the
     * bytes themselves is what Python's cryptography does.
     */
    private static byte[] pbkdf2(byte[] password, byte[] salt, int rounds, int length) throws GeneralSecurityException {
        Mac prf = Mac.getInstance("HmacSHA256");
        // SecretKeySpec refuses an empty key; HMAC pads short keys with zero bytes, so one zero byte is the same key.
        prf.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA256"));
        byte[] out = new byte[length];
        int blocks = (length + 31) / 32;
        for (int b = 1; b <= blocks; b++) {
            prf.update(salt);
            prf.update(new byte[] {(byte) (b >>> 24), (byte) (b >>> 16), (byte) (b >>> 8), (byte) b});
            byte[] u = prf.doFinal();
            byte[] t = u.clone();
            for (int r = 1; r < rounds; r++) {
                u = prf.doFinal(u);
                for (int i = 0; i < t.length; i++) t[i] ^= u[i];
            }
            System.arraycopy(t, 0, out, (b - 1) * 32, Math.min(32, length - (b - 1) * 32));
        }
        return out;
    }

    private static byte[] pad(byte[] data) {
        int n = 16 - data.length % 16;
        byte[] out = Arrays.copyOf(data, data.length + n);
        Arrays.fill(out, data.length, out.length, (byte) n);
        return out;
    }

    private static byte[] unpad(byte[] data) throws VaultException {
        int n = data.length == 0 ? 0 : data[data.length - 1] & 0xff;
        if (n < 1 || n > 16 || n > data.length) throw new VaultException("wrong vault password, or the vault text was changed (bad padding)");
        return Arrays.copyOf(data, data.length - n);
    }
}
