package dev.ergon.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the wrk HTTP load generator (Debian package {@code wrk}) and reads its report. */
final class Wrk {
    private Wrk() {}

    record Result(long requests, double rate, long p50, long p99) {}

    static boolean available() {
        try {
            Process p = new ProcessBuilder("wrk", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            p.waitFor();
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String postScript(String path, String body) {
        return "wrk.method = \"POST\"\nwrk.path = \"" + path + "\"\nwrk.body = [[" + body + "]]\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n";
    }

    static String randomGetScript(String prefix, int max, String suffix) {
        return "request = function()\n  return wrk.format(\"GET\", \"" + prefix + "\" .. math.random(" + max + ") .. \""
                + suffix + "\")\nend\n";
    }

    static Result run(URI uri, Path script, int connections, int seconds) throws IOException, InterruptedException {
        int threads = Math.min(2, connections);
        Process p = new ProcessBuilder(List.of(
                        "wrk",
                        "-t" + threads,
                        "-c" + connections,
                        "-d" + seconds + "s",
                        "--latency",
                        "-s",
                        script.toString(),
                        uri.toString()))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("wrk failed:\n" + out);
        }
        if (out.contains("Non-2xx")) {
            throw new IOException("the server answered requests with errors:\n" + out);
        }
        Matcher total = Pattern.compile("(\\d+) requests in").matcher(out);
        Matcher rate = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
        if (!total.find() || !rate.find()) {
            throw new IOException("cannot read wrk's report:\n" + out);
        }
        return new Result(
                Long.parseLong(total.group(1)),
                Double.parseDouble(rate.group(1)),
                latency(out, "50%"),
                latency(out, "99%"));
    }

    /** A latency line such as {@code 99%   14.15ms}, in nanoseconds. */
    private static long latency(String out, String pct) throws IOException {
        Matcher m =
                Pattern.compile(Pattern.quote(pct) + "\\s+([\\d.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            throw new IOException("no " + pct + " latency in wrk's report:\n" + out);
        }
        double v = Double.parseDouble(m.group(1));
        return (long)
                switch (m.group(2)) {
                    case "us" -> v * 1e3;
                    case "ms" -> v * 1e6;
                    default -> v * 1e9;
                };
    }
}
