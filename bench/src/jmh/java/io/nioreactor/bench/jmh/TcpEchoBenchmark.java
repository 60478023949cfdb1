package io.nioreactor.bench.jmh;

import io.nioreactor.core.EventLoop;
import io.nioreactor.core.TcpOptions;
import io.nioreactor.tcp.EchoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The TCP read and write path of the reactor: one echo round trip over loopback, the client a
 * plain blocking channel with direct buffers (it allocates nothing), so {@code -prof gc}'s
 * bytes per operation are the server loop's: read, handler, direct write.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TcpEchoBenchmark {

    @Param({"64", "16384"})
    public int size;

    private EventLoop loop;
    private SocketChannel client;
    private ByteBuffer out;
    private ByteBuffer in;

    @Setup
    public void start() throws IOException {
        loop = EventLoop.start("jmh-echo");
        InetSocketAddress address = (InetSocketAddress) loop.listenTcp(new InetSocketAddress("127.0.0.1", 0),
                TcpOptions.defaults(), c -> EchoHandler.INSTANCE).join().localAddress();
        client = SocketChannel.open(address);
        out = ByteBuffer.allocateDirect(size);
        in = ByteBuffer.allocateDirect(size);
    }

    @TearDown
    public void stop() throws IOException {
        client.close();
        loop.shutdownGracefully(Duration.ofSeconds(1)).join();
    }

    @Benchmark
    public int roundTrip() throws IOException {
        out.clear();
        while (out.hasRemaining()) {
            client.write(out);
        }
        in.clear();
        while (in.hasRemaining()) {
            if (client.read(in) < 0) {
                throw new IOException("closed");
            }
        }
        return in.get(0);
    }
}
