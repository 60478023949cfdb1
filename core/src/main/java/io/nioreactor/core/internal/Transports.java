package io.nioreactor.core.internal;

import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TlsOptions;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Which transport a stream connection gets, plain TCP or TLS over it: the one place that knows
 * both, so that the listener, the dialer and the connection know neither.
 */
final class Transports {

    private Transports() {
    }

    /**
     * The transports of a listener's accepted connections.
     *
     * @throws IllegalArgumentException if the options carry client-side TLS settings
     */
    static Transport.Factory accepted(TcpOptions options) {
        TlsOptions tls = options.tls();
        if (tls == null) {
            return PlainTransport.FACTORY;
        }
        if (tls.isClient()) {
            throw new IllegalArgumentException("listening needs TlsOptions.server(...), not TlsOptions.client(...)");
        }
        return TlsTransport.server(tls);
    }

    /**
     * The transport of a connection dialed to {@code address}: TLS checks the server's name
     * against the host dialed.
     *
     * @throws IllegalArgumentException if the options carry server-side TLS settings
     */
    static Transport.Factory dialed(TcpOptions options, SocketAddress address) {
        TlsOptions tls = options.tls();
        if (tls == null) {
            return PlainTransport.FACTORY;
        }
        if (!tls.isClient()) {
            throw new IllegalArgumentException("connecting needs TlsOptions.client(...), not TlsOptions.server(...)");
        }
        InetSocketAddress peer = address instanceof InetSocketAddress ? (InetSocketAddress) address : null;
        return TlsTransport.client(tls, peer == null ? null : peer.getHostString(), peer == null ? -1 : peer.getPort());
    }
}
