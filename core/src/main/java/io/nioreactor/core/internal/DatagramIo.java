package io.nioreactor.core.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The two calls a {@link UdpChannel} makes on its socket. In production they go straight to the
 * {@link DatagramChannel}; a test puts a seam here to make the kernel's rare answers happen on
 * loopback (a full send buffer), which no socket option can provoke. Loop thread only.
 */
interface DatagramIo {

    /** As {@link DatagramChannel#receive}: the sender, or {@code null} when nothing is waiting. */
    SocketAddress receive(ByteBuffer dst) throws IOException;

    /** As {@link DatagramChannel#send}: the bytes sent, 0 when the send buffer is full. */
    int send(ByteBuffer src, SocketAddress target) throws IOException;

    /** The production calls: the channel's own. */
    static DatagramIo of(DatagramChannel channel) {
        return new DatagramIo() {
            @Override
            public SocketAddress receive(ByteBuffer dst) throws IOException {
                return channel.receive(dst);
            }

            @Override
            public int send(ByteBuffer src, SocketAddress target) throws IOException {
                return channel.send(src, target);
            }
        };
    }
}
