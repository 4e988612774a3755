package com.pb.synth.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * compare.sh's verdict: each run's throughput, CPU per 1,000 trades, p99 and checks, side A's and
 * side B's medians, and the ratios B/A. Exits 1 when a run failed or left no summary.
 * {@code Compare --a summary.json[,summary.json…] --b summary.json[,…]} ("failed:LOG" for a run that left none).
 */
public final class Compare {

    /** One run's figures; NaN where the run has none. */
    record Run(String source, boolean passed, double sustained, double cpuPer1000, double p99, String failures,
               double afterSend) {
    }

    private Compare() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        List<Run> runsA = runs(a.getOrDefault("a", ""));
        List<Run> runsB = runs(a.getOrDefault("b", ""));
        System.out.println(table(runsA, runsB));
        boolean passed = runsA.stream().allMatch(Run::passed) && runsB.stream().allMatch(Run::passed)
                && !runsA.isEmpty() && !runsB.isEmpty();
        System.exit(passed ? 0 : 1);
    }

    static List<Run> runs(String list) throws IOException {
        List<Run> runs = new ArrayList<>();
        for (String source : list.split(",")) {
            if (source.isBlank()) {
                continue;
            }
            if (source.startsWith("failed:")) {
                runs.add(new Run(source.substring(7), false, Double.NaN, Double.NaN, Double.NaN, "no summary: see the log",
                        Double.NaN));
                continue;
            }
            JsonNode s = new ObjectMapper().readTree(Path.of(source).toFile());
            runs.add(new Run(source, s.path("passed").asBoolean(false), s.path("sustainedPerSecond").asDouble(Double.NaN),
                    s.has("serviceCpuSecondsPer1000Trades") ? s.get("serviceCpuSecondsPer1000Trades").asDouble() : Double.NaN,
                    s.path("latencyMs").path("p99").asDouble(Double.NaN), s.path("failures").toString(),
                    s.path("drainAfterSendPerSecond").asDouble(Double.NaN)));
        }
        return runs;
    }

    static String table(List<Run> a, List<Run> b) {
        StringBuilder out = new StringBuilder(String.format("%-5s %12s %14s %14s %9s  %s%n", "run", "trades/s", "after send/s",
                "cpu-s/1000", "p99 ms", "checks"));
        append(out, "A", a);
        append(out, "B", b);
        double sa = median(a, Run::sustained), sb = median(b, Run::sustained);
        double ca = median(a, Run::cpuPer1000), cb = median(b, Run::cpuPer1000);
        double da = median(a, Run::afterSend), db = median(b, Run::afterSend);
        out.append(String.format("median A: %.0f trades/s, %.3f cpu-s/1000; B: %.0f trades/s, %.3f cpu-s/1000%n", sa, ca, sb, cb));
        out.append(String.format("ratio B/A: throughput %.3f, cpu per trade %.3f%s%n", sb / sa, cb / ca,
                Double.isNaN(da) || Double.isNaN(db) ? "" : String.format(", drain after the send %.3f", db / da)));
        return out.toString();
    }

    private static void append(StringBuilder out, String side, List<Run> runs) {
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            out.append(String.format("%-5s %12.0f %14.0f %14.3f %9.0f  %s  %s%n", side + (i + 1), r.sustained(), r.afterSend(),
                    r.cpuPer1000(), r.p99(), r.passed() ? "passed" : "FAILED " + r.failures(), r.source()));
        }
    }

    /** The median of the runs' figure (NaN runs left out; NaN when none has it). */
    static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> figure) {
        double[] v = runs.stream().mapToDouble(figure).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
