package io.nioreactor.daemon;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code HOST:PORT} ({@code 127.0.0.1:9100}, {@code [::1]:9100}), or a port alone for 127.0.0.1. */
public final class HostPortConverter implements ITypeConverter<InetSocketAddress> {

    @Override
    public InetSocketAddress convert(String value) {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not HOST:PORT (e.g. 127.0.0.1:9100)");
        }
        if (port < 0 || port > 65_535 || host.isEmpty()) {
            throw new TypeConversionException("'" + value + "' is not HOST:PORT (e.g. 127.0.0.1:9100)");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new TypeConversionException("cannot resolve '" + host + "'");
        }
        return address;
    }
}
