package io.nioreactor.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Plain TCP (or a Unix domain stream): the handler's bytes are the socket's. Reads go into the
 * loop's one direct read buffer, and writes to the outbound buffer, which sends them at once
 * when nothing is queued. Loop thread only.
 */
final class PlainTransport implements Transport {

    /** Plain transports for a listener or dialer. */
    static final Transport.Factory FACTORY = (loop, endpoint, outbound, owner) ->
            new PlainTransport(loop.resources(), endpoint, outbound);

    private final LoopResources resources;
    private final SocketEndpoint endpoint;
    private final OutboundBuffer outbound;
    /** The last read filled its buffer: the socket may hold more. */
    private boolean filled;

    PlainTransport(LoopResources resources, SocketEndpoint endpoint, OutboundBuffer outbound) {
        this.resources = resources;
        this.endpoint = endpoint;
        this.outbound = outbound;
    }

    @Override
    public boolean start() {
        return true;
    }

    @Override
    public int read() throws IOException {
        ByteBuffer buffer = resources.readBuffer();
        buffer.clear().limit(resources.readSize());
        int room = buffer.remaining();
        int n = endpoint.read(buffer);
        if (n > 0) {
            buffer.flip();
        }
        filled = n == room; // else the socket is most likely drained: no read that returns 0
        return n;
    }

    @Override
    public ByteBuffer inbound() {
        return resources.readBuffer();
    }

    @Override
    public boolean moreToRead() {
        return filled;
    }

    @Override
    public boolean readSuspended() {
        return false;
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public void readBurstEnded() {
        // nothing is kept: the socket keeps what was not read
    }

    @Override
    public boolean write(ByteBuffer data, boolean later) throws IOException {
        if (later) {
            outbound.writeLater(data);
        } else {
            outbound.write(data);
        }
        return true;
    }

    @Override
    public boolean write(ByteBuffer[] data) throws IOException {
        outbound.write(data);
        return true;
    }

    @Override
    public void sendFile(OutboundQueue.FileRegion region) throws IOException {
        outbound.sendFile(region);
    }

    @Override
    public void onFlushed() {
        // nothing held above the queue
    }

    @Override
    public void endOutput() {
        // the FIN follows the queue
    }

    @Override
    public boolean outputEnded() {
        return true;
    }

    @Override
    public boolean failing(IOException cause) {
        return false; // no word for the peer: the close says it
    }

    @Override
    public void closed(Throwable cause) {
        // holds nothing
    }

    @Override
    public Throwable openingFailure(Throwable cause) {
        return cause;
    }
}
