package io.nioreactor.udp;

import io.nioreactor.core.DatagramHandler;
import io.nioreactor.core.UdpEndpoint;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * Sends each datagram back to its sender byte for byte, the empty datagram included.
 *
 * <p>A UDP echo can be abused: a forged source address turns it into a reflector, and two
 * echo-like services (echo and chargen, port 7 and 19) pointed at each other loop forever.
 * So by default it does not answer datagrams from privileged source ports (below 1024),
 * where such services live, and it can cap the datagrams answered per second per source
 * address. What it refuses is counted.
 *
 * <p>Loop thread only; the counters may be read from any thread. A group gives each loop a
 * handler of its own, all sharing one rate limiter, so the limit holds per source address.
 */
public final class UdpEchoHandler implements DatagramHandler {

    /** Sources tracked by the rate limiter at most; beyond, new sources are limited. */
    static final int MAX_TRACKED_SOURCES = 65_536;

    private final boolean allowPrivilegedSourcePorts;
    private final SharedRateLimiter rateLimiter;
    private volatile long refused;
    private volatile long rateLimited;

    /**
     * @param allowPrivilegedSourcePorts answer senders whose port is below 1024 too
     * @param rateLimitPerSecond         datagrams answered per second per source address; 0 = no limit
     */
    public UdpEchoHandler(boolean allowPrivilegedSourcePorts, int rateLimitPerSecond) {
        this(allowPrivilegedSourcePorts, rateLimiter(rateLimitPerSecond));
    }

    /**
     * One of the handlers of a group's loops, sharing {@code rateLimiter} with the others.
     *
     * @param allowPrivilegedSourcePorts answer senders whose port is below 1024 too
     * @param rateLimiter                the group's limiter, or {@code null} for no limit
     */
    UdpEchoHandler(boolean allowPrivilegedSourcePorts, SharedRateLimiter rateLimiter) {
        this.allowPrivilegedSourcePorts = allowPrivilegedSourcePorts;
        this.rateLimiter = rateLimiter;
    }

    /**
     * @param rateLimitPerSecond datagrams answered per second per source address; 0 = no limit
     * @return a limiter that the handlers of every loop can share, or {@code null} for no limit
     */
    static SharedRateLimiter rateLimiter(int rateLimitPerSecond) {
        return rateLimitPerSecond > 0
                ? new SharedRateLimiter(rateLimitPerSecond, MAX_TRACKED_SOURCES, System::nanoTime) : null;
    }

    @Override
    public void onDatagram(UdpEndpoint endpoint, ByteBuffer data, SocketAddress sender) {
        InetSocketAddress source = (InetSocketAddress) sender;
        if (source.getPort() < 1024 && !allowPrivilegedSourcePorts) {
            refused++; // single writer: the loop thread
            return;
        }
        if (rateLimiter != null && !rateLimiter.tryAcquire(source.getAddress())) {
            rateLimited++;
            return;
        }
        endpoint.send(data, sender);
    }

    /** @return datagrams not answered because their source port was privileged */
    public long refused() {
        return refused;
    }

    /** @return datagrams not answered because their source was over the rate limit */
    public long rateLimited() {
        return rateLimited;
    }
}
