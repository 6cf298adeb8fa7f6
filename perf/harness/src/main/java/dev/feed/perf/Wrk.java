package dev.feed.perf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A closed-model reference measured with wrk (C, event loop; /usr/bin/wrk from Debian): a fixed
 * number of connections, each sending its next request as soon as the previous answer arrives,
 * with a random token of the same reader set per request. Its latencies are not corrected for
 * coordinated omission (a stall delays the next requests instead of counting against them), so
 * they are only comparable to the open-model figures at rates both reach.
 */
final class Wrk {
    record Result(double rate, double p50Ms, double p99Ms, long requests, long non2xx, String errors, String command) {
    }

    private Wrk() {
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/wrk")) || Shell.which("wrk");
    }

    static Result run(String url, List<String> tokens, int threads, int connections, int seconds) throws Exception {
        Path script = Files.createTempFile("bench-wrk", ".lua");
        StringBuilder lua = new StringBuilder("local tokens = {\n");
        for (String t : tokens) {
            lua.append("  \"").append(t).append("\",\n");
        }
        lua.append("}\n")
                .append("request = function()\n")
                .append("  return wrk.format(\"GET\", nil, {[\"Authorization\"] = \"Bearer \" .. tokens[math.random(#tokens)]}, nil)\n")
                .append("end\n");
        Files.writeString(script, lua);
        List<String> command = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency", "-s", script.toString(), url);
        try {
            String out = Shell.run(command, Map.of());
            Map<String, Double> pct = new LinkedHashMap<>();
            Matcher m = Pattern.compile("^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE).matcher(out);
            while (m.find()) {
                pct.put(m.group(1), toMs(Double.parseDouble(m.group(2)), m.group(3)));
            }
            double rate = find(out, "Requests/sec:\\s+([0-9.]+)");
            long requests = (long) find(out, "([0-9]+) requests in");
            long non2xx = (long) find(out, "Non-2xx or 3xx responses:\\s+([0-9]+)");
            Matcher e = Pattern.compile("Socket errors:(.*)").matcher(out);
            return new Result(rate, pct.getOrDefault("50", 0.0), pct.getOrDefault("99", 0.0), requests, non2xx,
                    e.find() ? e.group(1).strip() : "", String.join(" ", command.subList(0, 5)) + " (random token of " + tokens.size() + " readers)");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static double find(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static double toMs(double v, String unit) {
        return switch (unit) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }
}
