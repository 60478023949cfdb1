package io.nioreactor.daemon;

import picocli.CommandLine.ITypeConverter;

/** Parses byte sizes beyond 2 GiB, as {@link SizeConverter} does: {@code 64MiB}, {@code 4g}. */
public final class LargeSizeConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        return SizeConverter.parse(value, 1L << 50, "1 PiB");
    }
}
