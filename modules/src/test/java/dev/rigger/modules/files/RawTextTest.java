package dev.rigger.modules.files;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rigger.core.module.Plan;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Templates keep every byte outside their tags: invalid UTF-8, CRLF, NUL, no last newline. */
class RawTextTest {

    @Test
    void anyBytesSurviveDecodeAndEncode() {
        Random random = new Random(5);
        for (int n = 0; n < 2000; n++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            assertThat(RawText.encode(RawText.decode(bytes))).as("case %d", n).isEqualTo(bytes);
        }
    }

    @Test
    void validUtf8DecodesAsUsual() {
        String text = "grüße 🚀 \r\n";
        assertThat(RawText.decode(text.getBytes(UTF_8))).isEqualTo(text);
        assertThat(RawText.encode(text)).isEqualTo(text.getBytes(UTF_8));
    }

    @Test
    void aTemplateWithOddBytesRendersByteForByte() {
        ByteArrayOutputStream source = new ByteArrayOutputStream();
        source.writeBytes("# caf\u00e9 in Latin-1: caf".getBytes(UTF_8));
        source.write(0xe9);
        source.writeBytes("\r\nname={{ name }}\r\n\u00ff\u00fe".getBytes(UTF_8));
        source.write(0xff);
        source.writeBytes("no newline at the end".getBytes(UTF_8));
        TestContext ctx = new TestContext().withVar("name", "gr\u00fc\u00df").withFile("templates", "t.mustache", source.toByteArray());

        Plan plan = TemplateFile.of("t.mustache", "/etc/t").build().plan(States.missing("/etc/t"), ctx);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("# caf\u00e9 in Latin-1: caf".getBytes(UTF_8));
        expected.write(0xe9);
        expected.writeBytes("\r\nname=gr\u00fc\u00df\r\n\u00ff\u00fe".getBytes(UTF_8));
        expected.write(0xff);
        expected.writeBytes("no newline at the end".getBytes(UTF_8));
        assertThat(plan.applyInput().readAll()).isEqualTo(expected.toByteArray());
    }
}
