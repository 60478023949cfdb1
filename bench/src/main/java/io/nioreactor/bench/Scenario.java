package io.nioreactor.bench;

import java.util.List;
import java.util.Locale;

/**
 * One workload of the comparison.
 *
 * @param name        the short name used by {@code --scenarios}
 * @param proto       "tcp", "udp", or "tls" (TCP with TLS)
 * @param streams     connections or sockets; for the idle scenario, idle connections
 * @param depth       messages in flight per stream
 * @param size        bytes per message
 */
record Scenario(String name, String proto, int streams, int depth, int size) {

    static final String IDLE = "idle";

    /** The default scenarios; {@code idleConnections} sizes the idle one. */
    static List<Scenario> defaults(int idleConnections) {
        return List.of(
                new Scenario("pingpong", "tcp", 1, 1, 64),
                new Scenario("pipelined", "tcp", 64, 16, 64),
                new Scenario("many", "tcp", 1000, 1, 64),
                new Scenario("bulk", "tcp", 16, 4, 16 * 1024),
                new Scenario("udp", "udp", 16, 8, 512),
                new Scenario(IDLE, "tcp", idleConnections, 0, 0));
    }

    /** The same load over TLS. */
    Scenario overTls() {
        return new Scenario(name, "tls", streams, depth, size);
    }

    boolean idle() {
        return name.equals(IDLE);
    }

    String title() {
        if (idle()) {
            return String.format(Locale.ROOT, "%s: %,d idle %sconnections, server memory per connection", name, streams,
                    proto.equals("tls") ? "TLS " : "");
        }
        return String.format(Locale.ROOT, "%s: %s %d %s x depth %d x %d B", name, proto, streams,
                proto.equals("udp") ? "sockets" : "connections", depth, size);
    }
}
