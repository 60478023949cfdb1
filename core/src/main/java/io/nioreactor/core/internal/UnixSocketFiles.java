package io.nioreactor.core.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The socket file of a Unix domain listener: a file left by an earlier run is replaced only
 * when nothing listens on it, and never when it is not a socket.
 */
final class UnixSocketFiles {

    private UnixSocketFiles() {
    }

    static void prepareBind(UnixDomainSocketAddress address) throws IOException {
        Path path = address.getPath();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attributes.isOther()) {
            throw new BindException("the path exists and is not a socket");
        }
        if (somethingListensOn(address)) {
            throw new BindException("Address already in use");
        }
        Files.deleteIfExists(path);
    }

    static void delete(UnixDomainSocketAddress address) throws IOException {
        Files.deleteIfExists(address.getPath());
    }

    /** A non-blocking connect: refused at once when the file is stale; never blocks the loop. */
    private static boolean somethingListensOn(UnixDomainSocketAddress address) throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            probe.connect(address);
            return true; // connected, or pending because a listener's backlog is full
        } catch (ConnectException e) {
            return false;
        }
    }
}
