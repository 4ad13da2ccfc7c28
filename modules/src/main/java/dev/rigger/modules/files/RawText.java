package dev.rigger.modules.files;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * Bytes as text without losing any: valid UTF-8 decodes as usual, and each byte that is not part of
 * valid UTF-8 becomes the lone surrogate {@code U+DC80..U+DCFF} (Python's {@code surrogateescape},
 * which Ansible's template module uses too), which {@link #encode} turns back into that byte. A
 * template in Latin-1 or with a stray byte thus renders byte for byte, where a plain UTF-8 decode
 * would silently write U+FFFD into the host's file.
 */
final class RawText {

    private static final char ESCAPE_BASE = '\uDC00';

    private RawText() {
    }

    static String decode(byte[] bytes) {
        CharsetDecoder decoder = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isUnderflow()) break;
            // Malformed or unmappable: escape the offending bytes one by one and go on after them.
            for (int i = 0; i < result.length(); i++) out.put((char) (ESCAPE_BASE + (in.get() & 0xff)));
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    static byte[] encode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 16);
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '\uDC80' && c <= '\uDCFF' && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)))) {
                out.writeBytes(text.substring(start, i).getBytes(UTF_8));
                out.write(c - ESCAPE_BASE);
                start = i + 1;
            }
        }
        out.writeBytes(text.substring(start).getBytes(UTF_8));
        return out.toByteArray();
    }
}
