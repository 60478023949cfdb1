package io.nioreactor.core.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;

/** Socket address helpers: the protocol family of an address and its short display form. */
public final class Addresses {

    private Addresses() {
    }

    /**
     * The family a channel must be opened with to bind or connect to {@code address}.
     *
     * @param address an {@link InetSocketAddress} (resolved) or a {@link UnixDomainSocketAddress}
     * @return the protocol family
     * @throws IllegalArgumentException for an unresolved or unsupported address
     */
    public static ProtocolFamily familyOf(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            return StandardProtocolFamily.UNIX;
        }
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            if (inet.isUnresolved()) {
                throw new IllegalArgumentException("address is unresolved: " + inet);
            }
            return inet.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        }
        throw new IllegalArgumentException("unsupported address type: " + address);
    }

    /**
     * A short form for messages: {@code 127.0.0.1:7007}, {@code [::1]:7007}, or the socket
     * file's path.
     *
     * @param address any socket address, or {@code null}
     * @return the display form
     */
    public static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            if (host.indexOf(':') >= 0) {
                int zone = host.indexOf('%');
                host = "[" + (zone >= 0 ? host.substring(0, zone) : host) + "]";
            }
            return host + ":" + inet.getPort();
        }
        if (address instanceof UnixDomainSocketAddress) {
            return ((UnixDomainSocketAddress) address).getPath().toString();
        }
        return String.valueOf(address);
    }

    /**
     * The failure of a bind, for the caller: {@code "cannot listen on 127.0.0.1:7007: Address
     * already in use"}, still a {@link BindException} when it was one, with the cause kept.
     */
    static IOException bindFailure(String what, SocketAddress address, IOException e) {
        String message = what + describe(address) + ": " + e.getMessage();
        IOException failure = e instanceof BindException ? new BindException(message) : new IOException(message);
        failure.initCause(e);
        return failure;
    }
}
