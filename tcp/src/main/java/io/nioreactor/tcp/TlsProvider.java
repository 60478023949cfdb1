package io.nioreactor.tcp;

import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Whose {@code SSLEngine} serves the daemon's TLS ({@code --tls-provider}). The reactor takes any
 * {@link SSLContext}; the daemon offers two.
 */
public enum TlsProvider {

    /** The JDK's own engine (SunJSSE): the default, nothing native. */
    JDK("the JDK's engine") {
        @Override
        public SSLContext serverContext(KeyManagerFactory keys) throws GeneralSecurityException {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        }
    },

    /**
     * Netty's engine on BoringSSL ({@code netty-tcnative-boringssl-static}, Linux x86-64 and
     * AArch64): 1.8 (RSA 2048) to 4 (EC P-256) times the JDK's full handshakes per second on one
     * core; no faster once connected (a little more server CPU per message). Its memory is native, outside the
     * reactor's budget.
     */
    OPENSSL("OpenSSL's engine (BoringSSL, through Netty)") {
        @Override
        public SSLContext serverContext(KeyManagerFactory keys) throws GeneralSecurityException {
            return OpenSslContext.server(keys); // its own class: the JDK path never loads Netty
        }
    };

    private final String description;

    TlsProvider(String description) {
        this.description = description;
    }

    /** @return what serves the TLS, as the start log says it */
    public String description() {
        return description;
    }

    /**
     * A server context presenting the key and chain of {@code keys}.
     *
     * @param keys the server's key and chain ({@link KeyMaterial})
     * @return an initialised context for {@code TlsOptions.server}
     * @throws GeneralSecurityException if the keys cannot be used
     * @throws IllegalStateException    with the reason when this provider cannot run on this machine
     */
    public abstract SSLContext serverContext(KeyManagerFactory keys) throws GeneralSecurityException;
}
