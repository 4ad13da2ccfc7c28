package dev.rigger.runner;

import dev.rigger.core.error.InputException;
import dev.rigger.core.error.SourceLocation;
import dev.rigger.core.secret.Secret;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Asks for a password as ansible-playbook does ({@code -k}, {@code -K}, {@code --ask-vault-pass}):
 * on the terminal without echo. Without a terminal (CI, a pipe) the environment variable named for
 * the flag is used; failing that, one line of standard input, so {@code echo pw | rigger ...} works.
 */
final class Prompt {
    private Prompt() {}

    /**
     * @param flag   the flag asking, named in the error when nothing can be read
     * @param envVar the variable that answers without a terminal
     */
    static Secret password(String prompt, String flag, String envVar, Map<String, String> env) {
        String fromEnv = env.get(envVar);
        if (fromEnv != null) return Secret.of(fromEnv);
        Console console = System.console();
        if (console != null && Main.Streams.in() == System.in) {
            char[] typed = console.readPassword("%s", prompt);
            if (typed != null) return Secret.of(new String(typed));
        } else {
            String line = line(Main.Streams.in());
            if (line != null) return Secret.of(line);
        }
        throw new InputException(SourceLocation.unknown(flag), "no password: no terminal to ask on, " + envVar + " is not set and standard input is empty");
    }

    /** One line, read byte by byte: a buffer would swallow the lines later prompts read. Null at the end of input. */
    private static String line(InputStream in) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') bytes.write(b);
            if (b == -1 && bytes.size() == 0) return null;
        } catch (IOException e) {
            return null;
        }
        return bytes.toString(StandardCharsets.UTF_8).replaceFirst("\r$", "");
    }
}
