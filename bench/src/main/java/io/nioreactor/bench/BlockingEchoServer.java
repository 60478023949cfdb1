package io.nioreactor.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * The classic server: {@code java.net} blocking sockets, one thread per connection (platform
 * threads, or virtual threads). For UDP, one thread receiving and sending.
 */
final class BlockingEchoServer implements EchoServer {

    private final Closeable socket;
    private final InetSocketAddress address;
    private final ExecutorService threads;

    private BlockingEchoServer(Closeable socket, InetSocketAddress address, ExecutorService threads) {
        this.socket = socket;
        this.address = address;
        this.threads = threads;
    }

    static EchoServer tcp(InetSocketAddress bind, ExecutorService threads) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(bind, 1024);
        threads.execute(() -> acceptLoop(server, threads));
        return new BlockingEchoServer(server, (InetSocketAddress) server.getLocalSocketAddress(), threads);
    }

    private static void acceptLoop(ServerSocket server, ExecutorService threads) {
        boolean reportedLimit = false;
        while (!server.isClosed()) {
            Socket socket = null;
            try {
                socket = server.accept();
                socket.setTcpNoDelay(true);
                Socket accepted = socket;
                threads.execute(() -> echo(accepted));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                closeQuietly(socket);
            } catch (OutOfMemoryError | RejectedExecutionException e) {
                // Out of threads or heap: the model's limit. Refuse this connection and keep
                // accepting, as a real server would have to.
                if (!reportedLimit) {
                    System.err.println("blocking echo: cannot serve another connection: " + e);
                    reportedLimit = true;
                }
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            System.err.println("blocking echo: close failed: " + e);
        }
    }

    /** What a thread-per-connection server typically reads with: java.io's default 8 KiB. */
    private static final int BUFFER_SIZE = 8 * 1024;

    private static void echo(Socket socket) {
        byte[] buffer = new byte[BUFFER_SIZE];
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the peer reset or went away: this connection's thread ends
        }
    }

    static EchoServer udp(InetSocketAddress bind, boolean virtual) throws IOException {
        DatagramSocket socket = new DatagramSocket(bind);
        ExecutorService threads = virtual ? Threads.virtual() : Threads.platform();
        threads.execute(() -> {
            byte[] buffer = new byte[65_535];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            while (!socket.isClosed()) {
                try {
                    packet.setLength(buffer.length);
                    socket.receive(packet);
                    socket.send(packet); // back to packet's address: the sender
                } catch (IOException e) {
                    if (socket.isClosed()) {
                        return;
                    }
                }
            }
        });
        return new BlockingEchoServer(socket, (InetSocketAddress) socket.getLocalSocketAddress(), threads);
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
    }
}
