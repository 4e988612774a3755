package com.pb.synth.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The service processes' samples, once a second per instance ({@code epochMs pid rssKiB cpuMs}
 * lines; cpuMs is the user + system CPU the process has used since it started, from
 * {@code /proc/PID/stat}): the largest RSS per second, and the CPU all instances used in a window.
 */
final class ProcessSamples {

    private record Sample(long atMs, long rssKiB, long cpuMs) {
    }

    private final Map<Long, List<Sample>> byPid;

    private ProcessSamples(Map<Long, List<Sample>> byPid) {
        this.byPid = byPid;
    }

    static ProcessSamples read(String file) throws IOException {
        Map<Long, List<Sample>> byPid = new LinkedHashMap<>();
        if (file != null && Files.exists(Path.of(file))) {
            for (String l : Files.readAllLines(Path.of(file))) {
                String[] f = l.trim().split("\\s+");
                if (f.length >= 3) {
                    byPid.computeIfAbsent(Long.parseLong(f[1]), p -> new ArrayList<>()).add(new Sample(Long.parseLong(f[0]),
                            Long.parseLong(f[2]), f.length >= 4 ? Long.parseLong(f[3]) : -1));
                }
            }
        }
        return new ProcessSamples(byPid);
    }

    /** Elapsed ms since startMs (whole seconds) → the largest instance's RSS in KiB. */
    Map<Long, Long> rssBySecond(long startMs) {
        Map<Long, Long> bySecond = new TreeMap<>();
        for (List<Sample> samples : byPid.values()) {
            for (Sample s : samples) {
                long at = s.atMs() - startMs;
                if (at >= 0) {
                    bySecond.merge(at / 1000 * 1000, s.rssKiB(), Math::max);
                }
            }
        }
        return bySecond;
    }

    /**
     * CPU milliseconds all instances used between fromMs and toMs, each instance's counter read at
     * both ends by linear interpolation between its samples (an instance started inside the window
     * counts from its first sample, one that ended inside it up to its last); -1 without CPU samples.
     */
    long cpuMs(long fromMs, long toMs) {
        long total = 0;
        boolean any = false;
        for (List<Sample> samples : byPid.values()) {
            if (samples.isEmpty() || samples.get(0).cpuMs() < 0) {
                continue;
            }
            any = true;
            total += Math.max(0, at(samples, toMs) - at(samples, fromMs));
        }
        return any ? total : -1;
    }

    /** An instance's CPU counter at a time, interpolated, clamped to its first and last samples. */
    static long at(List<Sample> samples, long ms) {
        Sample before = null;
        for (Sample s : samples) {
            if (s.atMs() >= ms) {
                if (before == null || s.atMs() == before.atMs()) {
                    return s.cpuMs();
                }
                double f = (double) (ms - before.atMs()) / (s.atMs() - before.atMs());
                return Math.round(before.cpuMs() + f * (s.cpuMs() - before.cpuMs()));
            }
            before = s;
        }
        return samples.get(samples.size() - 1).cpuMs();
    }
}
