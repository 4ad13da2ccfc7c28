package dev.rigger.core.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Every quoted value is fed to a real /bin/sh, which must give back the exact original bytes. */
class ShellQuoteTest {

    private static final List<String> HOSTILE = List.of(
            "'", "''", "\"", "$(id)", "`id`", "${HOME}", "$1", "$@", "$$", "\\", "\\'", "'\\''", "*", "?", "[a-z]",
            "~", "-n", "-e", "--", "-", "\n", "\r\n", "\t", " ", "  ", ";", "&&", "|", "&", ">", "<", "<<EOF", "!",
            "#", "%s", "%", "{", "}", "(", ")", "ü", "€", "😀", "\u202e", "\u00a0", "a", "Z", "0", "=", "\u0001");

    @Property(tries = 400)
    void printfOfTheQuotedWordGivesTheExactBytes(@ForAll("hostile") String value) throws Exception {
        byte[] printed = sh("printf '%s' " + ShellQuote.quote(value));
        assertThat(printed).isEqualTo(value.getBytes(UTF_8));
    }

    @Property(tries = 100)
    void quoteAllKeepsEveryArgumentSeparate(@ForAll("hostileLists") List<String> values) throws Exception {
        byte[] printed = sh("set -- " + ShellQuote.quoteAll(values) + "\nprintf '%s\\001' $#\nfor a in \"$@\"; do printf '%s\\001' \"$a\"; done");
        // The count catches a value split into two words even when the concatenation looks equal.
        StringBuilder expected = new StringBuilder().append(values.size()).append('\u0001');
        values.forEach(v -> expected.append(v).append('\u0001'));
        assertThat(new String(printed, UTF_8)).isEqualTo(expected.toString());
    }

    @Property(tries = 100)
    void nulIsRejectedAnywhereInTheValue(@ForAll("hostile") String before, @ForAll("hostile") String after) {
        assertThatThrownBy(() -> ShellQuote.quote(before + '\0' + after))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void emptyStringIsAnEmptyWordNotNothing() throws Exception {
        assertThat(ShellQuote.quote("")).isEqualTo("''");
        assertThat(new String(sh("set -- " + ShellQuote.quoteAll(List.of("", "x", "")) + "; echo $#"), UTF_8))
                .isEqualTo("3\n");
    }

    @Example
    void singleQuoteIsClosedEscapedReopened() {
        assertThat(ShellQuote.quote("it's")).isEqualTo("'it'\\''s'");
    }

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> fragments = Arbitraries.of(HOSTILE).list().ofMaxSize(12).map(l -> String.join("", l));
        Arbitrary<String> anyText = Arbitraries.strings().ofMaxLength(30).excludeChars('\0')
                .filter(s -> s.chars().noneMatch(c -> Character.isSurrogate((char) c)));
        return Arbitraries.oneOf(fragments, anyText);
    }

    @Provide
    Arbitrary<List<String>> hostileLists() {
        return hostile().list().ofMaxSize(6);
    }

    /** Runs {@code script} through /bin/sh's stdin (as the transports do) and returns its stdout. */
    private static byte[] sh(String script) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("/bin/sh", "-s").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(script.getBytes(UTF_8));
        }
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit of: %s", script).isZero();
        return out;
    }
}
