package dev.feed.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark report: every figure next to the baseline measured in the same run and their
 * ratio, the machine and the exact parameters, as Markdown for people and JSON for tools.
 */
public final class Report {
    public record Figure(String scenario, String metric, Double value, String unit, String baselineName,
            Double baseline, Double ratio, String note) {
    }

    private final Path dir;
    private final String stamp;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> charts = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();

    /** A side-by-side view (e.g. one column per tier mode) printed under the figures. */
    public record Table(String title, List<String> header, List<List<String>> rows, String note) {
    }

    public Report(Path reportsDir) {
        this.stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        this.dir = reportsDir;
        try {
            Files.createDirectories(chartDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path chartDir() {
        return dir.resolve(stamp);
    }

    public Path chart(String name) {
        charts.add(stamp + "/" + name);
        return chartDir().resolve(name);
    }

    public void table(String title, List<String> header, List<List<String>> rows, String note) {
        tables.add(new Table(title, header, rows, note));
        System.out.println("    " + title + ": " + header);
        rows.forEach(r -> System.out.println("      " + r));
    }

    public void parameter(String key, Object value) {
        parameters.put(key, value);
    }

    public void note(String text) {
        notes.add(text);
        System.out.println("    note: " + text);
    }

    /** A figure compared to its baseline; ratio = value / baseline. */
    public void figure(String scenario, String metric, double value, String unit, String baselineName, Double baseline, String note) {
        Double ratio = baseline == null || baseline == 0 ? null : value / baseline;
        Figure f = new Figure(scenario, metric, value, unit, baselineName, baseline, ratio, note);
        figures.add(f);
        System.out.printf("    %-28s %-40s %12.2f %-8s%s%n", scenario, metric, value, unit,
                baseline == null ? "" : String.format("  baseline %s %.2f, ratio %.3f", baselineName, baseline, ratio));
    }

    /** A tracked figure this run could not measure: value null, and why in the note (never a guess). */
    public void notMeasured(String scenario, String metric, String unit, String why) {
        figures.add(new Figure(scenario, metric, null, unit, null, null, null, "not measured: " + why));
        System.out.printf("    %-28s %-40s not measured: %s%n", scenario, metric, why);
    }

    /** /proc/loadavg as it reads (1, 5 and 15 min averages, runnable/total tasks, last pid): how busy the shared machine was. */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        long mem = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        m.put("memoryGiB", Math.round(mem / (1024.0 * 1024 * 1024)));
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }

    /** Writes {@code <stamp>.md} and {@code <stamp>.json}; returns the Markdown path. */
    public Path write() {
        try {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("timestamp", stamp);
            json.put("machine", machine());
            json.put("parameters", parameters);
            json.put("figures", figures);
            json.put("tables", tables);
            json.put("notes", notes);
            json.put("charts", charts);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(stamp + ".json").toFile(), json);

            StringBuilder md = new StringBuilder();
            md.append("# Benchmark report ").append(stamp).append("\n\n");
            md.append("Machine: ").append(machine()).append("\n\n");
            md.append("Parameters: ").append(parameters).append("\n\n");
            md.append("| scenario | metric | value | unit | baseline | baseline value | ratio | note |\n");
            md.append("|---|---|---:|---|---|---:|---:|---|\n");
            for (Figure f : figures) {
                md.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %s |%n", f.scenario(), f.metric(),
                        f.value() == null ? "not measured" : String.format("%.2f", f.value()), f.unit(),
                        f.baselineName() == null ? "" : f.baselineName(),
                        f.baseline() == null ? "" : String.format("%.2f", f.baseline()),
                        f.ratio() == null ? "" : String.format("%.3f", f.ratio()),
                        f.note() == null ? "" : f.note()));
            }
            for (Table t : tables) {
                md.append("\n## ").append(t.title()).append("\n\n");
                md.append("| ").append(String.join(" | ", t.header())).append(" |\n");
                md.append("|---").append("|---:".repeat(t.header().size() - 1)).append("|\n");
                for (List<String> row : t.rows()) {
                    md.append("| ").append(String.join(" | ", row)).append(" |\n");
                }
                if (t.note() != null) {
                    md.append("\n").append(t.note()).append("\n");
                }
            }
            if (!notes.isEmpty()) {
                md.append("\n## Notes\n\n");
                notes.forEach(n -> md.append("- ").append(n).append('\n'));
            }
            if (!charts.isEmpty()) {
                md.append("\n## Charts\n\n");
                charts.forEach(c -> md.append("![").append(c).append("](").append(c).append(")\n\n"));
            }
            Path out = dir.resolve(stamp + ".md");
            Files.writeString(out, md);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
