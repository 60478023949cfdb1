/**
 * nioreactor core: a single-threaded, non-blocking {@code java.nio} Selector reactor.
 *
 * <p>Start with {@link io.nioreactor.core.EventLoop}, or {@link io.nioreactor.core.EventLoopGroup} for one loop per core.
 */
module io.nioreactor.core {
    requires org.slf4j;
    requires jdk.management; // the direct-memory limit behind LoopOptions' default budget

    exports io.nioreactor.core;
}
