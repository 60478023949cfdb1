package io.nioreactor.daemon;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses byte sizes: {@code 65536}, {@code 64KiB}, {@code 64k}, {@code 1MiB}, {@code 1m}. */
public final class SizeConverter implements ITypeConverter<Integer> {

    @Override
    public Integer convert(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (text.endsWith("kib") || text.endsWith("kb") || text.endsWith("k")) {
            unit = 1024;
            text = text.substring(0, text.indexOf('k'));
        } else if (text.endsWith("mib") || text.endsWith("mb") || text.endsWith("m")) {
            unit = 1024 * 1024;
            text = text.substring(0, text.indexOf('m'));
        } else if (text.endsWith("b")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            long bytes = Long.parseLong(text.trim()) * unit;
            if (bytes < 0 || bytes > Integer.MAX_VALUE) {
                throw new TypeConversionException("'" + value + "' is out of range (0 to 2 GiB)");
            }
            return (int) bytes;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a size (bytes, or with a KiB or MiB suffix)");
        }
    }
}
