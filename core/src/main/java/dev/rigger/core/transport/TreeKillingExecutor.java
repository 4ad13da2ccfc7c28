package dev.rigger.core.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;

/**
 * A commons-exec executor whose watchdog kills the whole process tree, not only the shell. A
 * timed-out script's children (a {@code sleep}, a stuck {@code apt-get}) would otherwise keep the
 * stdout pipe open, so the exec would not return until they finished on their own.
 */
final class TreeKillingExecutor extends DefaultExecutor {

    @Override
    protected Process launch(CommandLine command, Map<String, String> env, Path dir) throws IOException {
        return new TreeKillingProcess(super.launch(command, env, dir));
    }

    /** Delegates everything; {@link #destroy()} takes the descendants down first. */
    private static final class TreeKillingProcess extends Process {
        private final Process process;

        TreeKillingProcess(Process process) {
            this.process = process;
        }

        @Override
        public void destroy() {
            // Children first: once the shell is gone they are re-parented and no longer found.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        @Override
        public OutputStream getOutputStream() {
            return process.getOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return process.getInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return process.getErrorStream();
        }

        @Override
        public int waitFor() throws InterruptedException {
            return process.waitFor();
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            return process.waitFor(timeout, unit);
        }

        @Override
        public int exitValue() {
            return process.exitValue();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public ProcessHandle toHandle() {
            return process.toHandle();
        }
    }
}
