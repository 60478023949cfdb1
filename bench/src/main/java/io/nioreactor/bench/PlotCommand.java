package io.nioreactor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bench plot RESULTS.json FILE.png}: draws a saved {@code compare --json} again, without running it. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Draws the chart of a saved comparison (compare --json FILE) into a PNG, as compare --plot does.")
final class PlotCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RESULTS.json", description = "What compare --json wrote.")
    private Path results;

    @Parameters(index = "1", paramLabel = "FILE.png", converter = PngFileConverter.class, description = "The chart to write.")
    private Path png;

    @Override
    public Integer call() throws Exception {
        new ComparePlot(CompareReport.fromJson(Files.readString(results))).writePng(png);
        System.out.println("chart written to " + png);
        return 0;
    }
}
