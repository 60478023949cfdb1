package io.nioreactor.daemon;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the Implementation-Version of the running jar's manifest. */
public final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"nioreactor " + (version != null ? version : "(development build)")};
    }
}
