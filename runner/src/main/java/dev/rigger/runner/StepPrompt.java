package dev.rigger.runner;

import dev.rigger.core.executor.TaskGate;
import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code --step}: before each task, ansible-playbook's question on the terminal. {@code y} runs
 * the task, {@code c} runs it and every later one without asking, anything else (Enter too) skips
 * it, as Ansible's default is No.
 */
final class StepPrompt implements TaskGate {
    private final Console console;
    private final PrintStream out;
    private boolean continuing;

    StepPrompt(Console console, PrintStream out) {
        this.console = console;
        this.out = out;
    }

    /** The question needs a terminal, and the one standard input is read from (as {@link Prompt}). */
    static boolean hasTerminal() {
        return System.console() != null && Main.Streams.in() == System.in;
    }

    /** Synchronized: under the free strategy every host's walk asks, one question at a time. */
    @Override
    public synchronized boolean allows(String task, String location) {
        if (continuing) return true;
        out.flush();
        String answer = console.readLine("%nPerform task: TASK: %s (N)o/(y)es/(c)ontinue: ", task);
        String a = answer == null ? "" : answer.strip().toLowerCase(Locale.ROOT);
        if (a.equals("c") || a.equals("continue")) continuing = true;
        return continuing || a.equals("y") || a.equals("yes");
    }
}
