package dev.rigger.modules.apt;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * An OpenPGP public key (or keyring) as apt reads it from a {@code signed-by} file: binary packets,
 * or the same ASCII-armored in a file ending in {@code .asc}. Converting between the two here means
 * the target needs no {@code gpg} (Debian's minimal install has none). The primary keys'
 * fingerprints and user IDs name the key in plans.
 */
final class OpenPgpKey {
    private static final String BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
    private static final String END = "-----END PGP PUBLIC KEY BLOCK-----";
    private static final int TAG_SECRET_KEY = 5;
    private static final int TAG_PUBLIC_KEY = 6;
    private static final int TAG_USER_ID = 13;

    private final byte[] binary;
    private final byte[] armored;
    private final List<String> fingerprints;
    private final List<String> userIds;

    private OpenPgpKey(byte[] binary, byte[] armored, List<String> fingerprints, List<String> userIds) {
        this.binary = binary;
        this.armored = armored;
        this.fingerprints = List.copyOf(fingerprints);
        this.userIds = List.copyOf(userIds);
    }

    /**
     * Reads a public key, armored or binary.
     *
     * @throws IllegalArgumentException naming what is wrong: not OpenPGP, a secret key, a bad armor checksum
     */
    static OpenPgpKey parse(byte[] raw) {
        byte[] binary;
        byte[] armored = null;
        if (isArmored(raw)) {
            armored = raw.clone();
            binary = dearmor(new String(raw, US_ASCII));
        } else {
            binary = raw.clone();
        }
        List<String> fingerprints = new ArrayList<>();
        List<String> userIds = new ArrayList<>();
        readPackets(binary, fingerprints, userIds);
        return new OpenPgpKey(binary, armored, fingerprints, userIds);
    }

    static boolean isArmored(byte[] raw) {
        String head = new String(raw, 0, Math.min(raw.length, 200), US_ASCII).stripLeading();
        return head.startsWith("-----BEGIN PGP");
    }

    /** The bytes to store at {@code path}: armored for {@code .asc} (what apt expects there), binary otherwise. */
    byte[] forKeyring(String path) {
        if (path.endsWith(".asc")) return armored != null ? armored.clone() : armor(binary).getBytes(US_ASCII);
        return binary.clone();
    }

    /** Upper-case hex fingerprints of the primary keys, in order. */
    List<String> fingerprints() {
        return fingerprints;
    }

    List<String> userIds() {
        return userIds;
    }

    /** "FINGERPRINT (first user id)" for each primary key, as plans show a key. */
    String describe() {
        String who = userIds.isEmpty() ? "" : " (" + userIds.get(0) + ")";
        return fingerprints.isEmpty() ? "(no primary key)" : String.join(", ", fingerprints) + who;
    }

    static byte[] dearmor(String text) {
        List<String> lines = text.lines().map(String::strip).toList();
        int begin = lines.indexOf(BEGIN);
        if (begin < 0) throw new IllegalArgumentException("the armored text is not a PGP PUBLIC KEY BLOCK");
        int i = begin + 1;
        // Armor headers ("Version: ...", "Comment: ...") run until the first blank line.
        int blank = i;
        while (blank < lines.size() && !lines.get(blank).isEmpty() && lines.get(blank).contains(": ")) blank++;
        if (blank < lines.size() && lines.get(blank).isEmpty()) i = blank + 1;
        StringBuilder body = new StringBuilder();
        String checksum = null;
        boolean ended = false;
        for (; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.equals(END)) {
                ended = true;
                break;
            }
            if (line.startsWith("=") && line.length() == 5) checksum = line.substring(1);
            else body.append(line);
        }
        if (!ended) throw new IllegalArgumentException("the armored key has no " + END + " line");
        byte[] data;
        try {
            data = Base64.getDecoder().decode(body.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the armored key's base64 is damaged: " + e.getMessage());
        }
        if (checksum != null) {
            byte[] expected = Base64.getDecoder().decode(checksum);
            int want = ((expected[0] & 0xff) << 16) | ((expected[1] & 0xff) << 8) | (expected[2] & 0xff);
            if (want != crc24(data)) throw new IllegalArgumentException("the armored key's checksum does not match (damaged in transit?)");
        }
        return data;
    }

    static String armor(byte[] binary) {
        int crc = crc24(binary);
        byte[] crcBytes = {(byte) (crc >> 16), (byte) (crc >> 8), (byte) crc};
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(binary);
        return BEGIN + "\n\n" + body + "\n=" + Base64.getEncoder().encodeToString(crcBytes) + "\n" + END + "\n";
    }

    /** CRC-24 of RFC 4880 section 6.1. */
    static int crc24(byte[] data) {
        int crc = 0xB704CE;
        for (byte b : data) {
            crc ^= (b & 0xff) << 16;
            for (int i = 0; i < 8; i++) {
                crc <<= 1;
                if ((crc & 0x1000000) != 0) crc ^= 0x1864CFB;
            }
        }
        return crc & 0xFFFFFF;
    }

    private static void readPackets(byte[] data, List<String> fingerprints, List<String> userIds) {
        int pos = 0;
        boolean any = false;
        while (pos < data.length) {
            int header = data[pos] & 0xff;
            if ((header & 0x80) == 0) throw new IllegalArgumentException("not an OpenPGP key (byte " + pos + " is not a packet header)");
            int tag;
            long length;
            pos++;
            if ((header & 0x40) != 0) {
                tag = header & 0x3f;
                if (pos >= data.length) throw truncated();
                int first = data[pos++] & 0xff;
                if (first < 192) {
                    length = first;
                } else if (first < 224) {
                    if (pos >= data.length) throw truncated();
                    length = ((first - 192L) << 8) + (data[pos++] & 0xff) + 192;
                } else if (first == 255) {
                    if (pos + 4 > data.length) throw truncated();
                    length = ((long) (data[pos] & 0xff) << 24) | ((data[pos + 1] & 0xff) << 16) | ((data[pos + 2] & 0xff) << 8) | (data[pos + 3] & 0xff);
                    pos += 4;
                } else {
                    throw new IllegalArgumentException("not a key file: it holds a partial-length (streamed) packet");
                }
            } else {
                tag = (header >> 2) & 0x0f;
                int lengthType = header & 3;
                if (lengthType == 3) {
                    length = data.length - pos;
                } else {
                    int n = 1 << lengthType;
                    if (pos + n > data.length) throw truncated();
                    length = 0;
                    for (int k = 0; k < n; k++) length = (length << 8) | (data[pos + k] & 0xff);
                    pos += n;
                }
            }
            if (length > data.length - pos) throw truncated();
            int len = (int) length;
            if (tag == TAG_SECRET_KEY) throw new IllegalArgumentException("this is a SECRET key; apt needs the public key (gpg --export, not --export-secret-keys)");
            if (tag == TAG_PUBLIC_KEY) fingerprints.add(fingerprint(data, pos, len));
            if (tag == TAG_USER_ID) userIds.add(new String(data, pos, len, UTF_8));
            any = true;
            pos += len;
        }
        if (!any || fingerprints.isEmpty()) throw new IllegalArgumentException("not an OpenPGP public key: it holds no public key packet");
    }

    /** v4: SHA-1 over 0x99, a 2-byte length and the key packet body; v6: SHA-256 with 0x9B and a 4-byte length. */
    private static String fingerprint(byte[] data, int pos, int len) {
        int version = len > 0 ? data[pos] & 0xff : 0;
        try {
            MessageDigest md;
            if (version == 6) {
                md = MessageDigest.getInstance("SHA-256");
                md.update(new byte[] {(byte) 0x9B, (byte) (len >> 24), (byte) (len >> 16), (byte) (len >> 8), (byte) len});
            } else if (version == 4) {
                md = MessageDigest.getInstance("SHA-1");
                md.update(new byte[] {(byte) 0x99, (byte) (len >> 8), (byte) len});
            } else {
                return "(v" + version + " key)";
            }
            md.update(data, pos, len);
            return HexFormat.of().withUpperCase().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static IllegalArgumentException truncated() {
        return new IllegalArgumentException("not an OpenPGP key, or a truncated one (a packet runs past the end)");
    }

    /** Binary packets, for tests. */
    byte[] binary() {
        return binary.clone();
    }
}
