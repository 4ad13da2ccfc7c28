package dev.rigger.core.transport;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.Proxy;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SocketFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * ProxyJump: the target's SSH connection runs inside a direct-tcpip channel of the jump host's
 * session, so the target never needs to be reachable from here and no local port is opened. The
 * target's host key is still checked under its own address.
 */
final class JumpProxy implements Proxy {

    private final Session jump;
    private Channel tunnel;
    private InputStream in;
    private OutputStream out;

    JumpProxy(Session jump) {
        this.jump = jump;
    }

    @Override
    public void connect(SocketFactory ignored, String host, int port, int timeout) throws Exception {
        tunnel = jump.getStreamForwarder(host, port);
        // Streams first: the target's banner arrives as soon as the channel opens.
        in = tunnel.getInputStream();
        out = tunnel.getOutputStream();
        tunnel.connect(timeout);
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    @Override
    public Socket getSocket() {
        return null;
    }

    @Override
    public void close() {
        if (tunnel != null) {
            tunnel.disconnect();
        }
    }
}
