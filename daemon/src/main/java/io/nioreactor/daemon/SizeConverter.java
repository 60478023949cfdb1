package io.nioreactor.daemon;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses byte sizes up to 2 GiB: {@code 65536}, {@code 64KiB}, {@code 64k}, {@code 1MiB}, {@code 1m}. */
public final class SizeConverter implements ITypeConverter<Integer> {

    @Override
    public Integer convert(String value) {
        return (int) parse(value, Integer.MAX_VALUE, "2 GiB");
    }

    /**
     * Parses a size with an optional {@code KiB}, {@code MiB} or {@code GiB} suffix ({@code k},
     * {@code m}, {@code g} and {@code KB}, {@code MB}, {@code GB} too, all powers of 1024).
     *
     * @param value    the text
     * @param max      the largest size accepted
     * @param maxLabel how to name {@code max} in the error
     * @return the size in bytes
     * @throws TypeConversionException naming the value when it is not a size or out of range
     */
    static long parse(String value, long max, String maxLabel) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (text.endsWith("kib") || text.endsWith("kb") || text.endsWith("k")) {
            unit = 1024;
            text = text.substring(0, text.indexOf('k'));
        } else if (text.endsWith("mib") || text.endsWith("mb") || text.endsWith("m")) {
            unit = 1024 * 1024;
            text = text.substring(0, text.indexOf('m'));
        } else if (text.endsWith("gib") || text.endsWith("gb") || text.endsWith("g")) {
            unit = 1024 * 1024 * 1024;
            text = text.substring(0, text.indexOf('g'));
        } else if (text.endsWith("b")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            long number = Long.parseLong(text.trim());
            if (number < 0 || number > max / unit) {
                throw new TypeConversionException("'" + value + "' is out of range (0 to " + maxLabel + ")");
            }
            return number * unit;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a size (bytes, or with a KiB, MiB or GiB suffix)");
        }
    }
}
