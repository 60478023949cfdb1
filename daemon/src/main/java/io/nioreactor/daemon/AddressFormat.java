package io.nioreactor.daemon;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** How the daemons print addresses: {@code 127.0.0.1:7007}, {@code [::1]:7007}, or a socket path. */
public final class AddressFormat {

    private AddressFormat() {
    }

    /**
     * @param address the address to print
     * @return its short form
     */
    public static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            String ip = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            int zone = ip.indexOf('%');
            if (zone >= 0) {
                ip = ip.substring(0, zone);
            }
            return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + inet.getPort();
        }
        if (address instanceof UnixDomainSocketAddress) {
            return ((UnixDomainSocketAddress) address).getPath().toString();
        }
        return String.valueOf(address);
    }
}
