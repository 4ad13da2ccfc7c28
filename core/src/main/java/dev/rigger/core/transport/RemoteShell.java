package dev.rigger.core.transport;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.rigger.core.secret.Secret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The wire protocol shared by every transport: how one {@link ExecRequest} becomes a fixed command
 * line plus the bytes sent on that command's stdin, and how the raw outcome becomes an
 * {@link ExecResult}.
 *
 * <p>The script always travels on stdin. Without stdin bytes it goes to {@code sh -s}, wrapped in a
 * brace group, so the shell parses all of it before running any of it, and the group's stdin is
 * {@code /dev/null}: a {@code cat} or {@code read} inside the script cannot swallow the rest of the
 * script. With stdin bytes, the command is {@code sh -c 'eval "$(head -c N)"'}: the shell reads
 * exactly the script's N bytes, and the script then reads the request's bytes, raw, from the same
 * stream. Nothing is encoded and nothing is held whole on either side, so a file of any size
 * streams through (GNU {@code head} reads no byte past N; a shell reading the script itself would
 * read ahead into the data).
 *
 * <p>With a time limit, the shell runs under {@code timeout}, which leads its own process group
 * and signals all of it when the limit passes (TERM, then KILL 5 s later). Closing the SSH channel
 * alone would leave the script's children (a {@code sleep}, a stuck {@code apt-get}) running.
 *
 * <p>The shell gets a per-exec tag as its last argument ({@code sh -s}: the payload's first command
 * drops it again; {@code sh -c}: it becomes {@code $0}), so the script's processes can be found on the host and stopped from another exec
 * ({@link #stopCommand}) when the controller is interrupted.
 *
 * <p>become runs the same shell through sudo or su. A become password is the first line of
 * stdin, read by the {@code read} builtin, so it never appears in argv. The payload's first command
 * writes a per-exec marker to stderr as the target user; if it is missing, the script never ran
 * and sudo's or su's complaint becomes a {@link TransportException.Kind#BECOME_FAILED}. Whatever
 * the become tool wrote to stderr before the marker (su's "Password:" prompt) is its own, not the
 * script's, and is dropped.
 */
final class RemoteShell {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_SUDO_MESSAGE = 400;
    /** How long {@code timeout} waits after TERM before it sends KILL. */
    static final Duration KILL_AFTER = Duration.ofSeconds(5);
    /** {@code timeout}'s exit codes when it had to signal the command: TERM worked, or KILL was needed. */
    private static final int TIMED_OUT = 124;
    private static final int TIMED_OUT_KILLED = 128 + 9;

    private RemoteShell() {
    }

    /**
     * What to run for one request: the command line for the remote login shell (or a local
     * {@code /bin/sh -c}) and the bytes for its stdin. {@link #toString()} shows only the command
     * line: the stdin may hold a password and file contents.
     */
    public static final class Invocation {
        private final String commandLine;
        private final byte[] prefix;
        private final Stdin content;
        private final String becomeUser;
        private final BecomeMethod becomeMethod;
        private final String becomeMarker;
        private final Secret becomePassword;
        private final Duration limit;
        private final String tag;

        private Invocation(String commandLine, byte[] prefix, Stdin content, String becomeUser, BecomeMethod becomeMethod,
                String becomeMarker, Secret becomePassword, Duration limit, String tag) {
            this.tag = tag;
            this.becomeMethod = becomeMethod;
            this.commandLine = commandLine;
            this.prefix = prefix;
            this.content = content;
            this.becomeUser = becomeUser;
            this.becomeMarker = becomeMarker;
            this.becomePassword = becomePassword;
            this.limit = limit;
        }

        public String commandLine() {
            return commandLine;
        }

        /** The word in the script's command line that {@link #stopCommand} looks for. */
        String tag() {
            return tag;
        }

        /**
         * A new stream of everything the command reads on stdin: the become password line if any,
         * the script, then the request's bytes from their source.
         */
        InputStream openStdin() throws IOException {
            InputStream head = new ByteArrayInputStream(prefix);
            return content == null ? head : new SequenceInputStream(head, content.open());
        }

        /** All of stdin in memory: for tests. */
        byte[] stdin() {
            try (InputStream in = openStdin()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            long size = prefix.length + (content == null ? 0 : content.size());
            return "Invocation[" + commandLine + ", " + size + " bytes on stdin]";
        }
    }

    /**
     * Prepares {@code request} for a shell logged in as {@code loginUser}. sudo or su is used only
     * when the request asks for a different user; {@code becomePassword} (may be null) is then sent
     * as the first stdin line and only forwarded to sudo or su when it asks for one. With a {@code limit}
     * (may be null) the target itself stops the script and all its children when it runs longer.
     */
    public static Invocation prepare(ExecRequest request, String loginUser, Secret becomePassword, Duration limit) {
        String nonce = nonce();
        String user = request.becomeUser();
        boolean become = user != null && !user.equals(loginUser);
        String marker = become ? "RIGGER_BECOME_OK_" + nonce : null;
        Stdin content = request.input();
        byte[] payload = payload(request.script(), content != null, marker);
        String tag = "rigger-" + nonce;
        String sh = content == null ? "sh -s"
                : "sh -c " + ShellQuote.quote("eval \"$(head -c " + payload.length + ")\"");
        String shell = (limit == null ? sh
                : "timeout -s TERM -k " + KILL_AFTER.toSeconds() + " " + wholeSeconds(limit) + " " + sh) + " " + tag;
        if (!become) {
            return new Invocation(shell, payload, content, null, null, null, null, limit, tag);
        }
        BecomeMethod method = request.becomeMethod();
        String quotedUser = ShellQuote.quote(user);
        if (becomePassword == null) {
            String commandLine = method == BecomeMethod.SU ? su(quotedUser, shell) + " </dev/null"
                    : "sudo -n -H -u " + quotedUser + " -- " + shell;
            return new Invocation(commandLine, payload, content, user, method, marker, null, limit, tag);
        }
        String password = becomePassword.reveal();
        if (password.indexOf('\n') >= 0 || password.indexOf('\0') >= 0) {
            // It travels as one line to `read`; saying which character is wrong is enough.
            throw new IllegalArgumentException("the become password contains a line break or NUL");
        }
        byte[] line = (password + "\n").getBytes(UTF_8);
        byte[] stdin = new byte[line.length + payload.length];
        System.arraycopy(line, 0, stdin, 0, line.length);
        System.arraycopy(payload, 0, stdin, line.length, payload.length);
        String commandLine = method == BecomeMethod.SU ? suWithPassword(quotedUser, shell) : passwordBootstrap(quotedUser, shell);
        return new Invocation(commandLine, stdin, content, user, method, marker, becomePassword, limit, tag);
    }

    /**
     * A command line that sends TERM to the scripts with these tags: to {@code timeout}, which
     * passes it to its whole process group, and to {@code sh}. The bracket keeps the pattern from
     * matching the command line of {@code pkill} itself. A become script can only be stopped when
     * the login user may signal it (root logins).
     */
    static String stopCommand(java.util.Collection<String> tags) {
        StringBuilder command = new StringBuilder();
        for (String tag : tags) {
            if (command.length() > 0) command.append("; ");
            command.append("pkill -TERM -f '[").append(tag.charAt(0)).append(']').append(tag.substring(1)).append('\'');
        }
        return command.toString();
    }

    /**
     * Turns the raw outcome into a result, removing the become marker from stderr.
     *
     * @throws TransportException BECOME_FAILED when the script never started because sudo refused;
     *                            TIMEOUT when the target stopped it at its limit
     */
    public static ExecResult finish(Invocation invocation, String host, int exitCode, byte[] stdout,
            byte[] stderr, Duration duration) {
        if (invocation.limit != null && (exitCode == TIMED_OUT || exitCode == TIMED_OUT_KILLED)
                && duration.compareTo(invocation.limit) >= 0) {
            throw new TransportException(TransportException.Kind.TIMEOUT, host, "script did not finish within "
                    + invocation.limit.toMillis() + " ms and was stopped with all its processes");
        }
        String err = new String(stderr, UTF_8);
        if (invocation.becomeMarker != null) {
            String markerLine = invocation.becomeMarker + "\n";
            int at = err.indexOf(markerLine);
            if (at < 0) {
                throw new TransportException(TransportException.Kind.BECOME_FAILED, host,
                        becomeFailure(invocation, err, exitCode));
            }
            err = err.substring(at + markerLine.length());
        }
        return new ExecResult(exitCode, new String(stdout, UTF_8), err, duration);
    }

    /**
     * The command line for become with a password. The password is the first stdin line; the rest
     * of stdin is the payload. Passwordless sudo is tried first so the password is only ever sent
     * when sudo wants it. The password is checked on its own before the payload follows: a wrong
     * one would otherwise make sudo read the script's lines as further password attempts.
     */
    private static String passwordBootstrap(String user, String shell) {
        return "IFS= read -r p\n"
                + "if sudo -n -k -u " + user + " -- true </dev/null 2>/dev/null; then"
                + " exec sudo -n -H -u " + user + " -- " + shell + "; fi\n"
                + "printf '%s\\n' \"$p\" | sudo -S -k -p '' -u " + user + " -- true || exit 1\n"
                + "{ printf '%s\\n' \"$p\"; exec cat; } | sudo -S -k -p '' -H -u " + user + " -- " + shell + "\n";
    }

    /**
     * {@code su USER -c 'SHELL <&3'}, with the payload on fd 3 (a copy of stdin made before su
     * starts): su's own stdin carries at most the password. PAM reads the password with one
     * {@code read()} of up to 512 bytes, so a payload on the same pipe could be swallowed with it.
     * Without a password su's stdin is {@code /dev/null}: su then fails at once unless the login
     * user needs none (root). su runs the target user's login shell for {@code -c}, as under
     * Ansible; the command is plain enough for any Bourne-style shell.
     */
    private static String su(String user, String shell) {
        return "su " + user + " -c " + ShellQuote.quote(shell + " <&3 3<&-") + " 3<&0";
    }

    /**
     * su with the password: the first stdin line goes to su alone, through a pipe from the
     * {@code printf} builtin (never argv); the rest of stdin, the payload, is fd 3 of su's command.
     */
    private static String suWithPassword(String user, String shell) {
        return "IFS= read -r p\n"
                + "exec 3<&0\n"
                + "printf '%s\\n' \"$p\" | su " + user + " -c " + ShellQuote.quote(shell + " <&3 3<&-") + "\n";
    }

    /** {@code timeout} takes whole seconds everywhere (busybox too); never round down to zero. */
    private static long wholeSeconds(Duration limit) {
        return Math.max(1, (limit.toMillis() + 999) / 1000);
    }

    /**
     * The script as the shell reads it. Without stdin bytes, {@code sh -s} gets a tag argument to
     * drop and the script's stdin is closed; with them, the script reads them on its stdin.
     */
    private static byte[] payload(String script, boolean withStdin, String marker) {
        StringBuilder text = new StringBuilder(script.length() + 128);
        if (!withStdin) {
            text.append("set --\n"); // the tag argument is no business of the script
        }
        if (marker != null) {
            text.append("printf '%s\\n' ").append(marker).append(" >&2\n");
        }
        text.append("{\n").append(script).append(withStdin ? "\n}\n" : "\n} </dev/null\n");
        return text.toString().getBytes(UTF_8);
    }

    private static String becomeFailure(Invocation invocation, String stderr, int exitCode) {
        String said = stderr.strip();
        if (invocation.becomePassword != null) {
            // sudo does not echo the password; this guards against a target that does.
            said = said.replace(invocation.becomePassword.reveal(), Secret.REDACTED);
        }
        String lower = said.toLowerCase(Locale.ROOT);
        String user = "'" + invocation.becomeUser + "'";
        String reason;
        if (invocation.becomeMethod == BecomeMethod.SU) {
            reason = suFailure(invocation, user, lower, exitCode);
            // su's prompt, written before it failed, is noise in the message.
            said = said.replaceFirst("^Password: ?", "");
        } else if (lower.contains("a password is required")) {
            reason = "sudo to " + user + " needs a password and no become password is set";
        } else if (lower.contains("incorrect password") || lower.contains("sorry, try again")) {
            reason = "sudo to " + user + " rejected the become password";
        } else if (lower.contains("unknown user")) {
            reason = "sudo: no such user " + user;
        } else if (lower.contains("not in the sudoers") || lower.contains("not allowed")) {
            reason = "the login user may not sudo to " + user;
        } else if (lower.contains("sudo: not found") || lower.contains("sudo: command not found")) {
            reason = "sudo is not installed";
        } else {
            reason = "sudo to " + user + " failed before the script started (exit " + exitCode + ")";
        }
        if (said.length() > MAX_SUDO_MESSAGE) {
            said = said.substring(0, MAX_SUDO_MESSAGE) + "...";
        }
        return said.isEmpty() ? reason : reason + ": " + said.replace('\n', ' ');
    }

    private static String suFailure(Invocation invocation, String user, String said, int exitCode) {
        if (said.contains("authentication failure")) {
            return invocation.becomePassword == null
                    ? "su to " + user + " needs a password and no become password is set"
                    : "su to " + user + " rejected the become password";
        }
        if (said.contains("does not exist")) return "su: no such user " + user;
        if (said.contains("su: not found") || said.contains("su: command not found")) return "su is not installed";
        return "su to " + user + " failed before the script started (exit " + exitCode + ")";
    }

    private static String nonce() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
