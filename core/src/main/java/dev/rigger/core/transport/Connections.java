package dev.rigger.core.transport;

/** Opens the {@link Connection} that {@link ConnectionSettings#type()} asks for. */
public final class Connections {

    private Connections() {
    }

    /**
     * @throws TransportException UNREACHABLE when an SSH host cannot be connected to or logged in to
     */
    public static Connection open(ConnectionSettings settings) {
        return switch (settings.type()) {
            case SSH -> SshConnection.open(settings);
            case LOCAL -> new LocalConnection(settings);
        };
    }
}
