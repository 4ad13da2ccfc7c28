package dev.rigger.core.module;

import dev.rigger.core.transport.ShellQuote;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Background jobs on a host, for {@code async: N} with {@code poll: 0} and the {@code async_status}
 * module that reads them. A job is a task's apply script saved under {@code $HOME/.rigger_async}
 * (mode 0700, as the user the task runs as) and run detached with a time limit; it leaves
 * {@code JID.out}, {@code JID.err} and finally {@code JID.rc}: the script's exit code, or
 * {@code timeout N} when it was stopped at its limit of N seconds.
 *
 * <p>A task whose plan has nothing to change starts no job: its id ends in {@link #NO_CHANGE}, and
 * {@code async_status} reports such a job finished and unchanged without asking the host.
 */
public final class AsyncJobs {
    /** The end of the id of a job that was never started because there was nothing to do. */
    public static final String NO_CHANGE = ".nochange";
    private static final Pattern ID = Pattern.compile("j[0-9]+(\\.nochange)?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private AsyncJobs() {}

    /** A new job id, Ansible-like ({@code j} and digits). */
    public static String newId() {
        return "j" + (100_000_000_000L + Math.floorMod(RANDOM.nextLong(), 900_000_000_000L));
    }

    public static boolean isId(String jid) {
        return ID.matcher(jid).matches();
    }

    /** The file name stem of a job on the host, as shell text. */
    private static String stem(String jid) {
        if (!isId(jid)) throw new IllegalArgumentException("not a job id: " + jid);
        return "\"$HOME/.rigger_async/\"" + ShellQuote.quote(jid);
    }

    /**
     * Saves {@code script} as the job and starts it detached, stopped after {@code seconds} (TERM,
     * then KILL 5 s later); prints nothing. The script travels inside this one (a here-document
     * whose end marker holds the job id), so it never appears in argv. {@code timeout} exits 124
     * when TERM stopped the script and 137 when KILL was needed; 137 counts as the limit only once
     * the limit has passed (a script killed otherwise also ends with 137).
     */
    public static String launch(String jid, String script, int seconds) {
        String marker = "RIGGER_ASYNC_" + jid.replace('.', '_');
        return "umask 077\nmkdir -p \"$HOME/.rigger_async\"\n"
                + "j=" + stem(jid) + "\n"
                + "cat > \"$j.sh\" <<'" + marker + "'\n" + script + (script.endsWith("\n") ? "" : "\n") + marker + "\n"
                + "nohup sh -c 's=$(date +%s); timeout -k 5 \"$2\" sh \"$1.sh\" > \"$1.out\" 2> \"$1.err\" < /dev/null; rc=$?;"
                + " if [ $rc -eq 124 ] || { [ $rc -eq 137 ] && [ $(($(date +%s) - s)) -ge \"$2\" ]; }; then rc=\"timeout $2\"; fi;"
                + " echo \"$rc\" > \"$1.rc.part\"; mv \"$1.rc.part\" \"$1.rc\"; rm -f \"$1.sh\"' _ \"$j\" " + seconds
                + " < /dev/null > /dev/null 2>&1 &\n";
    }

    /**
     * Prints the job's state: {@code missing}, {@code running}, or {@code rc=N} then
     * {@code out=BASE64} and {@code err=BASE64} lines.
     */
    public static String status(String jid) {
        return "j=" + stem(jid) + "\n"
                + "if [ -f \"$j.rc\" ]; then printf 'rc=%s\\nout=' \"$(cat \"$j.rc\")\"; base64 -w0 < \"$j.out\";"
                + " printf '\\nerr='; base64 -w0 < \"$j.err\"; echo\n"
                + "elif [ -f \"$j.sh\" ] || [ -f \"$j.out\" ]; then echo running\n"
                + "else echo missing; fi\n";
    }

    /** Removes the job's files. */
    public static String cleanup(String jid) {
        return "j=" + stem(jid) + "\nrm -f \"$j.sh\" \"$j.out\" \"$j.err\" \"$j.rc\" \"$j.rc.part\"\n";
    }
}
