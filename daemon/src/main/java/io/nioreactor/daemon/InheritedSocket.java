package io.nioreactor.daemon;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A socket the daemon was started with as its standard input: socket activation, by a systemd
 * socket unit ({@code StandardInput=socket}), inetd ({@code wait}) or
 * {@code systemd-socket-activate --inetd}. The socket belongs to whoever made it and outlives the
 * daemon, so a restart refuses no connection: they wait in its queue for the next process.
 *
 * <p>It is served automatically, without a flag: a listening socket on standard input is what
 * every socket activator hands over and there is nothing else a daemon could do with it, and an
 * address given as well ({@code --host}, {@code --port}, {@code --unix}) is refused, so the two
 * are never silently mixed. The JDK's traps, each handled where it bites:
 * <ul>
 *   <li>the activator may hand the same socket as standard <em>output</em> too (inetd,
 *       {@code systemd-socket-activate --inetd}, and systemd's {@code StandardOutput=inherit}, its
 *       default with {@code StandardInput=socket}): the console log would be written to a listening
 *       socket and lost, so {@link #moveConsoleOffTheSocket()} sends it to standard error instead;</li>
 *   <li>closing {@link System#inheritedChannel()} points file descriptors 0, 1 and 2 at
 *       {@code /dev/null}, silencing the rest of the log: the core never closes that channel
 *       (its listener stops watching it; the process's exit closes it);</li>
 *   <li>the socket's options and backlog are its maker's (a socket unit's {@code Backlog=}, say);
 *       a Unix domain socket's file is its maker's too, and stays when the daemon stops.</li>
 * </ul>
 */
public final class InheritedSocket {

    private final Channel channel;

    private InheritedSocket(Channel channel) {
        this.channel = channel;
    }

    /**
     * What the process was given as standard input.
     *
     * @return the socket, or {@code null} if standard input is no socket (a file, a pipe, a terminal)
     * @throws IOException if the JDK cannot tell
     */
    public static InheritedSocket ofStandardInput() throws IOException {
        Channel inherited = System.inheritedChannel();
        return inherited == null ? null : new InheritedSocket(inherited);
    }

    /** @return the listening stream socket (TCP or Unix domain), or {@code null} if it is another kind */
    public ServerSocketChannel listening() {
        return channel instanceof ServerSocketChannel ? (ServerSocketChannel) channel : null;
    }

    /** @return the datagram socket, or {@code null} if it is another kind */
    public DatagramChannel datagram() {
        return channel instanceof DatagramChannel ? (DatagramChannel) channel : null;
    }

    /** @return what kind of socket it is, for a message: "a listening stream socket", ... */
    public String kind() {
        if (channel instanceof ServerSocketChannel) {
            return "a listening stream socket";
        }
        if (channel instanceof DatagramChannel) {
            return "a datagram socket";
        }
        if (channel instanceof SocketChannel) {
            return "a connected socket (inetd's 'nowait', or a socket unit's Accept=yes: use Accept=no)";
        }
        return "a socket of another kind (" + channel + ")";
    }

    /** @return "unix" for a Unix domain socket, else {@code ip} */
    public String transport(String ip) {
        try {
            SocketAddress local = channel instanceof ServerSocketChannel
                    ? ((ServerSocketChannel) channel).getLocalAddress()
                    : channel instanceof DatagramChannel ? ((DatagramChannel) channel).getLocalAddress() : null;
            return local instanceof UnixDomainSocketAddress ? "unix" : ip;
        } catch (IOException e) {
            return ip;
        }
    }

    /**
     * When standard output is this socket, prints the console to standard error instead (or,
     * should that be the socket too, nowhere: a listening socket takes no bytes anyway). Linux
     * only: elsewhere nothing is changed. Call it before the first line is logged.
     *
     * @return what was done, for the log: {@code null} if nothing was
     */
    public static String moveConsoleOffTheSocket() {
        String in = link(0);
        if (in == null || !in.startsWith("socket:") || !in.equals(link(1))) {
            return null;
        }
        if (in.equals(link(2))) {
            PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
            System.setOut(nowhere);
            System.setErr(nowhere);
            return null; // nobody could read it
        }
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        return "standard output is the inherited socket: the console log goes to standard error";
    }

    /** @return what /proc/self/fd/N links to ("socket:[1234]", a path), or {@code null} */
    private static String link(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }
}
