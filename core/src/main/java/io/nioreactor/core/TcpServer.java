package io.nioreactor.core;

import java.net.SocketAddress;
import java.net.SocketOption;
import java.util.concurrent.CompletableFuture;

/**
 * A listening TCP (or Unix domain stream) socket that accepts connections on its loop.
 *
 * <p>Obtained from {@link EventLoop#listenTcp}.
 */
public interface TcpServer {

    /**
     * The address this server is bound to: the real port when port 0 was asked, or the
     * {@link java.net.UnixDomainSocketAddress} of its socket file.
     *
     * <p>May be called from any thread.
     *
     * @return the bound address
     */
    SocketAddress localAddress();

    /**
     * Stops accepting and closes the listening socket (and removes its socket file for a Unix
     * domain socket). Connections already accepted stay open, and so do those the kernel had
     * queued for it (their handshake done, not yet accepted): they are accepted and served first,
     * where closing the socket would have reset them. The way to hand a port over without loss:
     * a new process listens beside this one ({@link TcpOptions#reusePort()}), this server closes,
     * its connections finish, then its loops shut down. Calling it twice is harmless.
     *
     * <p>May be called from any thread.
     *
     * @return a future completed once the socket is closed
     */
    CompletableFuture<Void> close();

    /**
     * Tells whether the server still accepts connections.
     *
     * <p>May be called from any thread.
     *
     * @return {@code true} until {@link #close()} or loop shutdown
     */
    boolean isOpen();

    /**
     * The number of connections accepted by this server that are still open.
     *
     * <p>May be called from any thread; off the loop it is a recent snapshot.
     *
     * @return the open connection count
     */
    int openConnections();

    /**
     * Reads a socket option of the listening socket (a group's: its first loop's), as the kernel has it now: to check what an option set
     * through the options took (the kernel may round or double a buffer size).
     *
     * <p>Any thread.
     *
     * @param <T>    the option's value type
     * @param option the option
     * @return its value
     * @throws java.io.IOException if the socket is closed or the option cannot be read
     * @throws UnsupportedOperationException if the socket does not support the option
     */
    <T> T option(SocketOption<T> option) throws java.io.IOException;
}
