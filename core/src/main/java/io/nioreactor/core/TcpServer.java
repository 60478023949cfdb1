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
     * Stops accepting as {@link #close()} does, then lets this server's connections finish: each is
     * served until it is quiet for {@link TcpOptions#drainQuietPeriod()}, then its output ends (FIN)
     * while reading goes on, and it closes once the peer ends its own. So a request that has arrived
     * is answered and no close with unread bytes resets a peer. Those still open after
     * {@code timeout} are reset. Other servers' connections are not touched, and the loops go on.
     *
     * <p>With it a service hands its port over without losing a connection: the new process
     * listens beside this one ({@link TcpOptions#reusePort()}, or the same inherited socket), this
     * server drains, then the old process shuts its loops down. A loop's
     * {@link EventLoop#shutdownGracefully graceful shutdown} drains every connection the same way.
     * A second call returns the same future; its timeout is the first call's.
     *
     * <p>Any thread.
     *
     * @param timeout how long the connections may take to finish before the rest are reset
     * @return a future completed once the listening socket is closed and the last connection of
     *         this server with it
     */
    CompletableFuture<Void> drain(java.time.Duration timeout);

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
