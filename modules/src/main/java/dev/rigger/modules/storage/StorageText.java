package dev.rigger.modules.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Small text helpers shared by the storage modules. */
final class StorageText {
    private StorageText() {}

    /**
     * The parameter an {@link IllegalArgumentException} from a record's constructor names
     * ({@code "iqn: ..."} → {@code iqn}), so the YAML error points at that argument.
     */
    static String parameterOf(IllegalArgumentException e, String fallback) {
        String m = e.getMessage();
        int colon = m == null ? -1 : m.indexOf(':');
        return colon > 0 && m.substring(0, colon).matches("[a-z_]+") ? m.substring(0, colon) : fallback;
    }

    /**
     * SHA-256 in hex, as {@code sha256sum} prints it. Probes compare files that hold a secret by
     * this digest, so the secret itself never travels back in a probe's output.
     */
    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
