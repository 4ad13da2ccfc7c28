package dev.rigger.modules.postgresql;

import dev.rigger.core.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * PostgreSQL's stored password forms, computed and checked in Java with the JDK's crypto, so the
 * clear password never has to reach the server (nor its log, should it log statements).
 *
 * <p>SCRAM-SHA-256 (RFC 5802 and RFC 7677, as PostgreSQL stores it in {@code pg_authid.rolpassword}):
 * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, base64 fields, where
 * SaltedPassword = PBKDF2-HMAC-SHA-256(SASLprep(password), salt, iterations),
 * ClientKey = HMAC(SaltedPassword, "Client Key"), StoredKey = SHA-256(ClientKey) and
 * ServerKey = HMAC(SaltedPassword, "Server Key"). A verifier matches a password when both keys
 * recompute equal from its own salt and iteration count.
 */
final class ScramVerifier {
    private static final Pattern SCRAM = Pattern.compile("SCRAM-SHA-256\\$(\\d+):([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)");
    private static final Pattern MD5 = Pattern.compile("md5[0-9a-f]{32}");
    /** PostgreSQL's default {@code scram_iterations} and salt length. */
    static final int ITERATIONS = 4096;
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ScramVerifier() {
    }

    /** Whether {@code stored} is an old md5 hash ({@code md5} + md5(password + role name)). */
    static boolean isMd5(String stored) {
        return stored != null && MD5.matcher(stored).matches();
    }

    /** Whether the SCRAM verifier {@code stored} was made from {@code password}. False for anything that is not one. */
    static boolean matches(String stored, Secret password) {
        if (stored == null) return false;
        Matcher m = SCRAM.matcher(stored);
        if (!m.matches()) return false;
        Base64.Decoder b64 = Base64.getDecoder();
        try {
            byte[][] keys = keys(password, b64.decode(m.group(2)), Integer.parseInt(m.group(1)));
            return MessageDigest.isEqual(keys[0], b64.decode(m.group(3))) && MessageDigest.isEqual(keys[1], b64.decode(m.group(4)));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether the md5 hash {@code stored} was made from {@code password} for role {@code role}. */
    static boolean md5Matches(String stored, Secret password, String role) {
        if (!isMd5(stored)) return false;
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest((password.reveal() + role).getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(("md5" + HexFormat.of().formatHex(digest)).getBytes(StandardCharsets.US_ASCII),
                    stored.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks MD5", e);
        }
    }

    /** A new verifier for {@code password} with a random salt, as PostgreSQL would make it. */
    static Secret create(Secret password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return create(password, salt, ITERATIONS);
    }

    static Secret create(Secret password, byte[] salt, int iterations) {
        byte[][] keys = keys(password, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder();
        return Secret.of("SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(keys[0]) + ":" + b64.encodeToString(keys[1]));
    }

    /** {StoredKey, ServerKey}. */
    private static byte[][] keys(Secret password, byte[] salt, int iterations) {
        try {
            char[] prepared = saslPrep(password.reveal()).toCharArray();
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(prepared, salt, iterations, 256)).getEncoded();
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            return new byte[][] {storedKey, hmac(salted, "Server Key")};
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks PBKDF2WithHmacSHA256 or HmacSHA256", e);
        }
    }

    private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * SASLprep (RFC 4013) as PostgreSQL applies it (src/common/saslprep.c): non-ASCII spaces become
     * spaces, characters "commonly mapped to nothing" go, then NFKC. ASCII passwords are unchanged.
     * Where PostgreSQL gives up (prohibited or unassigned characters) it uses the raw bytes; so do we
     * for control characters. Only {@link #matches} relies on this for non-ASCII passwords, and a
     * reading that differs from PostgreSQL's only costs idempotence (the password is set again);
     * {@link PostgresqlUser} lets the server make the verifier of a non-ASCII password.
     */
    static String saslPrep(String password) {
        boolean ascii = password.chars().allMatch(c -> c < 0x80);
        if (ascii) return password;
        StringBuilder mapped = new StringBuilder(password.length());
        for (int i = 0; i < password.length(); ) {
            int cp = password.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isSpaceChar(cp) && cp != ' ') mapped.append(' ');
            else if (cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D) || (cp >= 0x200B && cp <= 0x200D)
                    || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF) continue;
            else if (Character.isISOControl(cp)) return password;
            else mapped.appendCodePoint(cp);
        }
        return Normalizer.normalize(mapped, Normalizer.Form.NFKC);
    }
}
