package io.nioreactor.core;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A TLS client over a plain blocking socket, through the JDK's SSLEngine: the test says what is
 * written when (records in one write, a ClientHello held back), which SSLSocket does not let it.
 */
final class EngineClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final SSLEngine engine;
    /** Ciphertext read and not yet unwrapped, position to limit. */
    private ByteBuffer netIn;
    private final ByteBuffer appIn;

    EngineClient(InetSocketAddress server, SSLContext context) throws IOException {
        socket = new Socket(server.getAddress(), server.getPort());
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        engine = context.createSSLEngine("localhost", server.getPort());
        engine.setUseClientMode(true);
        netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    /** The first flight, not sent yet. */
    byte[] clientHello() throws SSLException {
        engine.beginHandshake();
        return wrap(ByteBuffer.allocate(0));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The whole handshake, the client's side of it. */
    void handshake() throws IOException {
        send(clientHello());
        finishHandshake();
    }

    /** Reads, unwraps and answers until the client's side of the handshake is done. */
    void finishHandshake() throws IOException {
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> send(wrap(ByteBuffer.allocate(0)));
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    appIn.clear();
                    unwrap(appIn);
                }
                case NEED_TASK -> runTasks();
                default -> {
                    return; // FINISHED or NOT_HANDSHAKING
                }
            }
        }
    }

    /** Each plaintext in one record of its own (the JDK's engine cuts above 16,367 bytes), all in one array. */
    byte[] records(byte[]... plaintexts) throws SSLException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] plaintext : plaintexts) {
            ByteBuffer data = ByteBuffer.wrap(plaintext);
            ByteBuffer packet = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            SSLEngineResult result = engine.wrap(data, packet);
            if (result.getStatus() != SSLEngineResult.Status.OK || data.hasRemaining()) {
                throw new SSLException("not one record for " + plaintext.length + " bytes: " + result);
            }
            all.write(packet.array(), 0, packet.position());
        }
        return all.toByteArray();
    }

    /** Exactly {@code length} bytes of plaintext, or what the peer sent beyond them in the same record. */
    byte[] readPlaintext(int length) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < length) {
            appIn.clear();
            if (unwrap(appIn).getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new EOFException("close_notify after " + got.size() + " of " + length + " bytes");
            }
            got.write(appIn.array(), 0, appIn.position());
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks(); // a NewSessionTicket
            }
        }
        return got.toByteArray();
    }

    private byte[] wrap(ByteBuffer plaintext) throws SSLException {
        ByteArrayOutputStream wrapped = new ByteArrayOutputStream();
        ByteBuffer packet = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        do {
            packet.clear();
            SSLEngineResult result = engine.wrap(plaintext, packet);
            if (result.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("wrap: " + result);
            }
            wrapped.write(packet.array(), 0, packet.position());
        } while (plaintext.hasRemaining());
        return wrapped.toByteArray();
    }

    private SSLEngineResult unwrap(ByteBuffer into) throws IOException {
        while (true) {
            SSLEngineResult result = engine.unwrap(netIn, into);
            switch (result.getStatus()) {
                case BUFFER_UNDERFLOW -> readMore();
                case OK, CLOSED -> {
                    return result;
                }
                default -> throw new SSLException("unwrap: " + result);
            }
        }
    }

    private void readMore() throws IOException {
        netIn.compact();
        if (!netIn.hasRemaining()) {
            netIn = ByteBuffer.allocate(netIn.capacity() * 2).put(netIn.flip());
        }
        int n = in.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        if (n < 0) {
            throw new EOFException("the server closed the connection");
        }
        netIn.position(netIn.position() + n).flip();
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
