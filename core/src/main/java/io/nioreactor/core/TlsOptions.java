package io.nioreactor.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * TLS for a TCP server or client, with the JDK's own {@link SSLEngine}; immutable, made with
 * {@link #server} or {@link #client} and given to {@link TcpOptions.Builder#tls}.
 *
 * <p>The engine runs on the loop: a handler reads and writes plaintext, and
 * {@link ConnectionHandler#onOpen} comes once the handshake has completed (a connection whose
 * handshake fails never reaches the handler). The handshake's slow steps (the engine's
 * delegated tasks: certificate checks, key exchange) run on {@link #delegatedTaskExecutor()},
 * never on the loop. The core reads no key files: bring an {@link SSLContext} that holds the
 * keys and the trust.
 */
public final class TlsOptions {

    /** Whether a server asks for the client's certificate. */
    public enum ClientAuth {
        /** It does not ask. */
        NONE,
        /** It asks; a client without one is served all the same. */
        WANT,
        /** It asks; a client without a trusted one fails the handshake. */
        NEED
    }

    private static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final boolean client;
    private final SSLContext context;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final List<String> applicationProtocols;
    private final ClientAuth clientAuth;
    private final String serverName;
    private final boolean verifyHostname;
    private final Duration handshakeTimeout;
    private final Executor delegatedTaskExecutor;

    private TlsOptions(Builder b) {
        this.client = b.client;
        this.context = b.context;
        this.protocols = List.copyOf(b.protocols);
        this.cipherSuites = b.cipherSuites == null ? null : List.copyOf(b.cipherSuites);
        this.applicationProtocols = List.copyOf(b.applicationProtocols);
        this.clientAuth = b.clientAuth;
        this.serverName = b.serverName;
        this.verifyHostname = b.verifyHostname;
        this.handshakeTimeout = b.handshakeTimeout;
        this.delegatedTaskExecutor = b.delegatedTaskExecutor != null ? b.delegatedTaskExecutor : DefaultTaskExecutor.INSTANCE;
    }

    /**
     * A builder for the server side of TLS: {@code context} holds the server's key and
     * certificate chain (and, for client authentication, the trusted client issuers).
     *
     * @param context an initialised context
     * @return a new builder: TLS 1.3 and 1.2, the JDK's cipher suites, no client authentication,
     *         a 10 s handshake timeout
     */
    public static Builder server(SSLContext context) {
        return new Builder(false, context);
    }

    /**
     * A builder for the client side of TLS: {@code context} holds the trusted issuers (and a
     * client key for client authentication). The server's certificate is verified, including
     * its host name ({@code HTTPS} endpoint identification), against {@link Builder#serverName}
     * or else the host of the address dialed.
     *
     * @param context an initialised context; {@code SSLContext.getDefault()} trusts the JDK's CAs
     * @return a new builder: TLS 1.3 and 1.2, the JDK's cipher suites, host name verification
     *         on, a 10 s handshake timeout
     */
    public static Builder client(SSLContext context) {
        return new Builder(true, context);
    }

    /** {@return whether this is the client side} */
    public boolean isClient() {
        return client;
    }

    /** {@return the context engines are made from} */
    public SSLContext context() {
        return context;
    }

    /** {@return the protocols enabled, such as {@code TLSv1.3}} */
    public List<String> protocols() {
        return protocols;
    }

    /** {@return the cipher suites enabled, or {@code null} for the JDK's defaults} */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** {@return the ALPN protocols offered (client) or accepted in order of preference (server); empty: no ALPN} */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** {@return whether a server asks for client certificates} */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** {@return the SNI host name a client sends and verifies, or {@code null} for the host dialed} */
    public String serverName() {
        return serverName;
    }

    /** {@return whether a client verifies the server's host name against its certificate} */
    public boolean verifyHostname() {
        return verifyHostname;
    }

    /** {@return how long a handshake may take, from the connection to {@code onOpen}} */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** {@return where the engine's delegated tasks run} */
    public Executor delegatedTaskExecutor() {
        return delegatedTaskExecutor;
    }

    /**
     * A new engine configured by these options.
     *
     * @param peerHost the host dialed (client side; used for SNI and host name verification when
     *                 no {@link Builder#serverName} is set), or {@code null}
     * @param peerPort the port, or -1
     * @return an engine in client or server mode
     */
    public SSLEngine newEngine(String peerHost, int peerPort) {
        String host = serverName != null ? serverName : peerHost;
        SSLEngine engine = client && host != null ? context.createSSLEngine(host, peerPort) : context.createSSLEngine();
        engine.setUseClientMode(client);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols.toArray(String[]::new));
        if (cipherSuites != null) {
            parameters.setCipherSuites(cipherSuites.toArray(String[]::new));
        }
        if (!applicationProtocols.isEmpty()) {
            parameters.setApplicationProtocols(applicationProtocols.toArray(String[]::new));
        }
        if (client) {
            if (verifyHostname) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (host != null && isHostName(host)) {
                try {
                    parameters.setServerNames(List.of(new SNIHostName(host)));
                } catch (IllegalArgumentException notADnsName) {
                    // "my_host", "example.com.": no SNI sent; the host name is still verified
                }
            }
        } else {
            parameters.setNeedClientAuth(clientAuth == ClientAuth.NEED);
            if (clientAuth == ClientAuth.WANT) {
                parameters.setWantClientAuth(true);
            }
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** SNI carries host names only, not IP literals. */
    private static boolean isHostName(String host) {
        return !host.isEmpty() && !host.contains(":") && !host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    @Override
    public String toString() {
        return "TlsOptions[" + (client ? "client" : "server") + ", protocols=" + protocols
                + ", cipherSuites=" + (cipherSuites == null ? "JDK defaults" : cipherSuites)
                + ", applicationProtocols=" + applicationProtocols + ", clientAuth=" + clientAuth
                + ", serverName=" + serverName + ", verifyHostname=" + verifyHostname
                + ", handshakeTimeout=" + handshakeTimeout + "]";
    }

    /** Builds {@link TlsOptions}. Not thread-safe; each setter checks its value at once. */
    public static final class Builder {
        private final boolean client;
        private final SSLContext context;
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private List<String> cipherSuites;
        private List<String> applicationProtocols = List.of();
        private ClientAuth clientAuth = ClientAuth.NONE;
        private String serverName;
        private boolean verifyHostname = true;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Executor delegatedTaskExecutor;

        private Builder(boolean client, SSLContext context) {
            this.client = client;
            this.context = Objects.requireNonNull(context, "context");
        }

        /**
         * Sets the protocols to enable (default {@code TLSv1.3}, {@code TLSv1.2}).
         *
         * @param protocols names the JDK knows, such as {@code TLSv1.2}
         * @return this builder
         * @throws IllegalArgumentException if none is given or the JDK does not support one
         */
        public Builder protocols(String... protocols) {
            this.protocols = supported("protocols", protocols, context.getSupportedSSLParameters().getProtocols());
            return this;
        }

        /**
         * Sets the cipher suites to enable (default: the JDK's).
         *
         * @param suites names the JDK knows, such as {@code TLS_AES_128_GCM_SHA256}
         * @return this builder
         * @throws IllegalArgumentException if none is given or the JDK does not support one
         */
        public Builder cipherSuites(String... suites) {
            this.cipherSuites = supported("cipherSuites", suites, context.getSupportedSSLParameters().getCipherSuites());
            return this;
        }

        /**
         * Sets the ALPN protocols: offered by a client, chosen by a server in this order of
         * preference among the client's (a client offering none of them fails the handshake).
         *
         * @param protocols such as {@code h2}, {@code http/1.1}
         * @return this builder
         */
        public Builder applicationProtocols(String... protocols) {
            for (String protocol : protocols) {
                if (protocol == null || protocol.isEmpty()) {
                    throw new IllegalArgumentException("applicationProtocols: an empty name");
                }
            }
            this.applicationProtocols = List.of(protocols);
            return this;
        }

        /**
         * Sets whether a server asks for client certificates (server side only).
         *
         * @param auth none, want or need
         * @return this builder
         */
        public Builder clientAuth(ClientAuth auth) {
            if (client) {
                throw new IllegalStateException("clientAuth is for the server side");
            }
            this.clientAuth = Objects.requireNonNull(auth, "auth");
            return this;
        }

        /**
         * Sets the host name a client sends as SNI and verifies the certificate against (client
         * side only); default: the host of the address dialed.
         *
         * @param hostName a DNS name
         * @return this builder
         */
        public Builder serverName(String hostName) {
            if (!client) {
                throw new IllegalStateException("serverName is for the client side");
            }
            this.serverName = new SNIHostName(hostName).getAsciiName(); // checks the name
            return this;
        }

        /**
         * Sets whether a client verifies the server's host name (client side; default on). Off
         * only for tests: the certificate chain is still verified, but any trusted certificate
         * is then accepted for any host.
         *
         * @param on whether to verify it
         * @return this builder
         */
        public Builder verifyHostname(boolean on) {
            if (!client) {
                throw new IllegalStateException("verifyHostname is for the client side");
            }
            this.verifyHostname = on;
            return this;
        }

        /**
         * Sets how long a handshake may take (default 10 s): past it the connection is closed,
         * counted as timed out, and never reaches the handler.
         *
         * @param timeout more than zero
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Checks.positive("handshakeTimeout", timeout);
            return this;
        }

        /**
         * Sets where the engine's delegated tasks run (default: a small shared pool of daemon
         * threads, as many as the machine has cores, named {@code nioreactor-tls-N}). Never
         * give a direct executor ({@code Runnable::run}): the tasks would block the loop.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder delegatedTaskExecutor(Executor executor) {
            this.delegatedTaskExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** {@return the options} */
        public TlsOptions build() {
            return new TlsOptions(this);
        }

        private static List<String> supported(String what, String[] asked, String[] supported) {
            if (asked.length == 0) {
                throw new IllegalArgumentException(what + ": none given");
            }
            List<String> known = Arrays.asList(supported);
            List<String> chosen = new ArrayList<>();
            for (String name : asked) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException(what + ": " + name + " is not supported by this JDK; it has " + known);
                }
                chosen.add(name);
            }
            return chosen;
        }
    }

    /** The default home of delegated tasks: daemon threads, as many as cores, idle ones let go after a minute. */
    private static final class DefaultTaskExecutor {
        static final Executor INSTANCE = create();

        private static Executor create() {
            int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
            AtomicInteger count = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), task -> {
                        Thread thread = new Thread(task, "nioreactor-tls-" + count.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }
}
