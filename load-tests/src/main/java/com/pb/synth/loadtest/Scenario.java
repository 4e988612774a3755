package com.pb.synth.loadtest;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A scenario file (load-tests/scenarios/NAME.properties) with command-line overrides. Every
 * parameter and its default is listed at the top of each scenario file and in the README.
 */
public record Scenario(String name, Mode mode, int warmup, int warmupSeconds, int trades, double rate, int keys, int durationSeconds,
                       double zipf, int correctPercent, int cancelPercent, double stepStart, double stepIncrement,
                       int stepSeconds, double stepMax, double compression, Double p50Max, Double p95Max,
                       Double p99Max, Double p999Max, List<String> regions, long seed, double poisonPercent,
                       double duplicatePercent, String chaos, int burstStart, int burstSeconds, double burstRate,
                       long history, int historyHot, boolean reads, double readsRate, boolean correctFirst) {

    /** How the generator offers load. */
    public enum Mode {
        /**
         * Open model at a fixed rate: sends on schedule whatever the service does; with {@code burst.seconds},
         * at {@code burst.rate} from {@code burst.start} for that long.
         */
        OPEN,
        /** One trade at a time: the next is sent when the previous one's captured event is seen. */
        SEQUENTIAL,
        /** The whole set as fast as the generator can: measures how fast the service drains it. */
        DRAIN,
        /** Open model, rate stepped up until consumer lag stops being bounded. */
        STEP,
        /** The source document's trading day: three regions, 8x peaks 3-5 PM local, time compressed. */
        DAY
    }

    public static Scenario load(Path file, Map<String, String> overrides) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        overrides.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                p.setProperty(k, v);
            }
        });
        double rate = d(p, "rate", 0);
        int duration = i(p, "duration", 0);
        int trades = i(p, "trades", 0);
        int burstStart = i(p, "burst.start", 0);
        int burstSeconds = i(p, "burst.seconds", 0);
        double burstRate = d(p, "burst.rate", 0);
        if (burstSeconds > 0 && burstStart + burstSeconds > duration) {
            throw new IllegalArgumentException("the burst (" + burstStart + " s + " + burstSeconds
                    + " s) must end within the duration (" + duration + " s)");
        }
        if (trades == 0 && rate > 0 && duration > 0) {
            trades = (int) Math.round(rate * (duration - burstSeconds) + burstRate * burstSeconds);
        }
        return new Scenario(p.getProperty("name", file.getFileName().toString().replace(".properties", "")),
                Mode.valueOf(p.getProperty("mode", "OPEN").toUpperCase()), i(p, "warmup", 0), i(p, "warmup.seconds", 0), trades, rate, i(p, "keys", 1000), duration,
                d(p, "zipf", 1.0), i(p, "correct.percent", 7), i(p, "cancel.percent", 3), d(p, "step.start", 5000),
                d(p, "step.increment", 5000), i(p, "step.seconds", 20), d(p, "step.max", 60000),
                d(p, "compression", 0), opt(p, "assert.p50.ms"), opt(p, "assert.p95.ms"), opt(p, "assert.p99.ms"),
                opt(p, "assert.p999.ms"), List.of(p.getProperty("regions", "us").split(",")),
                Long.parseLong(p.getProperty("seed", "20261124")), d(p, "poison.percent", 0),
                d(p, "duplicate.percent", 0), p.getProperty("chaos", "none").trim(), burstStart, burstSeconds, burstRate,
                Long.parseLong(p.getProperty("history", "0").trim()), i(p, "history.hot", 0),
                Boolean.parseBoolean(p.getProperty("reads", "false").trim()), d(p, "reads.rate", 0),
                Boolean.parseBoolean(p.getProperty("correct.first", "false").trim()));
    }

    private static int i(Properties p, String key, int def) {
        return Integer.parseInt(p.getProperty(key, Integer.toString(def)).trim());
    }

    private static double d(Properties p, String key, double def) {
        return Double.parseDouble(p.getProperty(key, Double.toString(def)).trim());
    }

    private static Double opt(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? null : Double.valueOf(v.trim());
    }
}
