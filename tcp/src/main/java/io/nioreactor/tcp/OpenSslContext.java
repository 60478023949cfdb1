package io.nioreactor.tcp;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} whose engines are Netty's OpenSSL (BoringSSL) engines: the reactor's
 * {@code TlsOptions} takes a context, and JSSE lets a context be backed by any
 * {@link SSLContextSpi}; this one makes each engine with {@link SslContext#newEngine}. Engines of
 * {@link SslProvider#OPENSSL} (not the reference-counted kind) free their native memory once
 * closed or collected, so the reactor needs to know nothing of Netty. Only engines are made: no
 * sockets.
 */
final class OpenSslContext {

    private static final Provider PROVIDER = new Provider("NettyOpenSsl", "1.0",
            "SSLContext over Netty's OpenSSL (BoringSSL) engine, engines only") {
        private static final long serialVersionUID = 1L;
    };

    private OpenSslContext() {
    }

    /**
     * A server context presenting the key and chain of {@code keys}, TLS 1.3 and 1.2.
     *
     * @throws IllegalStateException naming Netty's reason when the native library cannot load here
     * @throws GeneralSecurityException if OpenSSL refuses the keys
     */
    static SSLContext server(KeyManagerFactory keys) throws GeneralSecurityException {
        if (!OpenSsl.isAvailable()) {
            Throwable why = OpenSsl.unavailabilityCause();
            throw new IllegalStateException("OpenSSL's engine cannot load on this machine ("
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "): "
                    + (why == null ? "unknown reason" : why.getMessage()));
        }
        try {
            return new Backed(SslContextBuilder.forServer(keys).sslProvider(SslProvider.OPENSSL)
                    .protocols("TLSv1.3", "TLSv1.2").build());
        } catch (SSLException e) {
            throw new GeneralSecurityException("OpenSSL cannot use the key: " + e.getMessage(), e);
        }
    }

    private static final class Backed extends SSLContext {
        Backed(SslContext netty) {
            super(new Spi(netty), PROVIDER, "TLS");
        }
    }

    private static final class Spi extends SSLContextSpi {
        private final SslContext netty;

        Spi(SslContext netty) {
            this.netty = netty;
        }

        @Override
        protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random)
                throws KeyManagementException {
            throw new KeyManagementException("initialised by Netty's SslContextBuilder");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return netty.newEngine(UnpooledByteBufAllocator.DEFAULT);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return netty.newEngine(UnpooledByteBufAllocator.DEFAULT, host, port);
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return engineCreateSSLEngine().getSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            SSLEngine engine = engineCreateSSLEngine();
            SSLParameters supported = engine.getSSLParameters();
            supported.setProtocols(engine.getSupportedProtocols());
            supported.setCipherSuites(engine.getSupportedCipherSuites());
            return supported;
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw new UnsupportedOperationException("engines only");
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw new UnsupportedOperationException("engines only");
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return netty.sessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return netty.sessionContext();
        }
    }
}
