package dev.rigger.core.transport;

import com.jcraft.jsch.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes JSch's own log to slf4j ({@code com.jcraft.jsch}). JSch reports every handshake step at
 * INFO, which is noise in a playbook run, so INFO goes to DEBUG.
 */
final class JschLog implements Logger {

    static final JschLog INSTANCE = new JschLog();
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger("com.jcraft.jsch");

    @Override
    public boolean isEnabled(int level) {
        return level >= WARN ? LOG.isWarnEnabled() : LOG.isDebugEnabled();
    }

    @Override
    public void log(int level, String message) {
        if (level >= ERROR) {
            LOG.error(message);
        } else if (level == WARN) {
            LOG.warn(message);
        } else {
            LOG.debug(message);
        }
    }
}
