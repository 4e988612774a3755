package com.pb.synth.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The autoscale mode's replica counts over time, from {@code replicas.txt} (written once a second by
 * performance-test.sh: "epochMs region desired running ready"): per region the series of desired and
 * ready instances, and the figures of the run (the minimum it started at, the peak, the count at the
 * end, how many scale-outs and scale-ins the rule made).
 */
final class ReplicaTimeline {

    record Sample(double atSeconds, int desired, int running, int ready) {
    }

    private final Map<String, List<Sample>> byRegion = new LinkedHashMap<>();

    static ReplicaTimeline read(Path file, long startMs) throws IOException {
        ReplicaTimeline t = new ReplicaTimeline();
        if (file == null || !Files.exists(file)) {
            return t;
        }
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 5) {
                t.byRegion.computeIfAbsent(f[1], r -> new ArrayList<>()).add(new Sample(
                        (Long.parseLong(f[0]) - startMs) / 1000.0, Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4])));
            }
        }
        return t;
    }

    boolean isEmpty() {
        return byRegion.isEmpty();
    }

    Map<String, List<Sample>> byRegion() {
        return byRegion;
    }

    /** Per region: started at, peak desired, peak ready, desired at the end, scale-outs and scale-ins. */
    Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        byRegion.forEach((region, samples) -> {
            int outs = 0;
            int ins = 0;
            int peak = 0;
            int peakReady = 0;
            for (int i = 0; i < samples.size(); i++) {
                Sample s = samples.get(i);
                peak = Math.max(peak, s.desired());
                peakReady = Math.max(peakReady, s.ready());
                if (i > 0 && s.desired() > samples.get(i - 1).desired()) {
                    outs++;
                } else if (i > 0 && s.desired() < samples.get(i - 1).desired()) {
                    ins++;
                }
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("startedAt", samples.get(0).desired());
            r.put("peakDesired", peak);
            r.put("peakReady", peakReady);
            r.put("desiredAtEnd", samples.get(samples.size() - 1).desired());
            r.put("runningAtEnd", samples.get(samples.size() - 1).running());
            r.put("scaleOuts", outs);
            r.put("scaleIns", ins);
            out.put(region, r);
        });
        return out;
    }

    /**
     * The CI check: each region went up from where it started and came back to it, with the instances
     * really started and stopped (ready at the peak, running back at the start count at the end).
     */
    List<String> cycleFailures() {
        List<String> failures = new ArrayList<>();
        if (byRegion.isEmpty()) {
            failures.add("no replica timeline");
        }
        byRegion.forEach((region, samples) -> {
            Sample first = samples.get(0);
            Sample last = samples.get(samples.size() - 1);
            int peakReady = samples.stream().mapToInt(Sample::ready).max().orElse(0);
            if (peakReady <= first.desired()) {
                failures.add(region + ": never scaled out beyond " + first.desired() + " ready instance(s)");
            }
            if (last.desired() != first.desired() || last.running() != first.desired()) {
                failures.add(region + ": " + last.running() + " instance(s) running (" + last.desired()
                        + " desired) at the end, not back to " + first.desired());
            }
        });
        return failures;
    }
}
