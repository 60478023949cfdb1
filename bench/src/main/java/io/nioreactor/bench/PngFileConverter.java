package io.nioreactor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A chart's file: {@code .png} only, in a folder that exists and may be written, refused before anything runs rather than after a long comparison. */
final class PngFileConverter implements ITypeConverter<Path> {

    @Override
    public Path convert(String value) {
        if (!value.toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new TypeConversionException(value + ": the chart is drawn as PNG only, name it FILE.png"
                    + " (JFreeChart writes SVG only through JFreeSVG, which the bench does not carry)");
        }
        Path file = Path.of(value);
        Path folder = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder) || !Files.isWritable(folder)) {
            throw new TypeConversionException(value + ": cannot write there (" + folder
                    + (Files.isDirectory(folder) ? " is not writable)" : " does not exist)"));
        }
        return file;
    }
}
