package com.pb.synth.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Writes summary.json and index.html (SVG charts, no scripts) and prints the one-line result. */
final class Report {

    private Report() {
    }

    record Series(String name, String color, List<double[]> points) {
    }

    static boolean write(Path dir, LoadTest t, TradeMix mix, Verifier.Result db, int measuredFrom, long sendStart,
                         long sendEnd)
            throws IOException {
        Scenario s = t.scenario();
        CaptureWatcher w = t.watcher();
        Histogram h = w.overall();
        long sent = t.sent();
        long distinct = w.distinct();
        long measured = sent - measuredFrom;
        long measuredCaptured = Math.max(0, distinct - measuredFrom);
        double sendSeconds = Math.max(0.001, (sendEnd - sendStart) / 1000.0);
        double captureSeconds = Math.max(0.001, (Math.max(w.lastCaptureMs(), sendStart) - sendStart) / 1000.0);
        double offered = switch (s.mode()) {
            case OPEN -> s.rate();
            case STEP -> t.steps().stream().mapToDouble(m -> (double) m.get("offered")).max().orElse(0);
            default -> measured / sendSeconds;
        };
        double sustained = s.mode() == Scenario.Mode.STEP
                ? t.steps().stream().filter(m -> (boolean) m.get("bounded"))
                        .mapToDouble(m -> (double) m.get("offered")).max().orElse(0)
                : measuredCaptured / captureSeconds;
        long lost = Math.max(sent - distinct, sent - db.storedVersions());
        long duplicated = w.duplicated();
        long reordered = w.reordered();
        double p50 = h.getValueAtPercentile(50), p95 = h.getValueAtPercentile(95), p99 = h.getValueAtPercentile(99),
                p999 = h.getValueAtPercentile(99.9);
        List<String> failures = new ArrayList<>();
        if (lost > 0) failures.add(lost + " lost");
        if (duplicated > 0) failures.add(duplicated + " applied twice");
        if (reordered > 0) failures.add(reordered + " out of key order");
        if (db.positionMismatches() + db.missingPositions() > 0) {
            failures.add((db.positionMismatches() + db.missingPositions()) + " positions wrong (" + db.firstMismatch() + ")");
        }
        if (db.exceptions() > 0) failures.add(db.exceptions() + " exceptions opened");
        if (w.poisonInDlq() != t.poisonSent()) {
            failures.add((t.poisonSent() - w.poisonInDlq()) + " of " + t.poisonSent() + " poison records not on the DLQ");
        }
        if (t.lagAtEnd() != 0) failures.add("consumer lag " + t.lagAtEnd() + " at the end, not 0");
        if (t.locksLeft() > 0) failures.add(t.locksLeft() + " partition locks left in Redis");
        ReplicaTimeline replicas = ReplicaTimeline.read(
                t.args().containsKey("out") ? Path.of(t.args().get("out"), "replicas.txt") : null, t.startMs());
        if ("cycle".equals(t.args().get("autoscale-expect"))) {
            failures.addAll(replicas.cycleFailures());
        }
        List<Disruption.Gap> longGaps = new ArrayList<>();
        Disruption.Gap[] gaps = Disruption.gaps(w, mix, measuredFrom, (int) sent, t.startMs(), longGaps);
        List<Disruption.Event> events = Disruption.events(
                t.args().containsKey("out") ? Path.of(t.args().get("out"), "events.txt") : null, t.startMs());
        List<LagSampler.Assignment> assignments = t.lagSampler().assignments();
        check(failures, "p50", p50, s.p50Max());
        check(failures, "p95", p95, s.p95Max());
        check(failures, "p99", p99, s.p99Max());
        check(failures, "p99.9", p999, s.p999Max());

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("scenario", s.name());
        summary.put("run", t.run());
        summary.put("mode", s.mode().name());
        summary.put("regions", s.regions());
        summary.put("instances", t.args().getOrDefault("instances", "1"));
        summary.put("keys", mix.keys().size());
        summary.put("warmupTrades", measuredFrom);
        summary.put("sent", sent);
        summary.put("captured", distinct);
        summary.put("offeredPerSecond", round(offered));
        summary.put("sustainedPerSecond", round(sustained));
        summary.put("sendSeconds", round(sendSeconds));
        summary.put("captureSeconds", round(captureSeconds));
        if (s.mode() == Scenario.Mode.DRAIN && w.lastCaptureMs() > sendEnd) {
            // the backlog left once the generator stopped sending: captured with only the watcher beside it
            long after = w.capturedAfter(measuredFrom, (int) sent, sendEnd);
            summary.put("drainAfterSendPerSecond", round(after / ((w.lastCaptureMs() - sendEnd) / 1000.0)));
        }
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", p50);
        latency.put("p95", p95);
        latency.put("p99", p99);
        latency.put("p999", p999);
        latency.put("max", h.getMaxValue());
        latency.put("mean", round(h.getMean()));
        summary.put("latencyMs", latency);
        summary.put("lost", lost);
        summary.put("duplicated", duplicated);
        summary.put("reordered", reordered);
        summary.put("duplicateEventsRepublished", w.duplicateEvents());
        summary.put("appliedTwiceAtSeconds", w.duplicates());
        summary.put("unrecognisedEvents", w.otherEvents());
        summary.put("storedVersions", db.storedVersions());
        summary.put("positionMismatches", db.positionMismatches() + db.missingPositions());
        summary.put("exceptions", db.exceptions());
        summary.put("poisonSent", t.poisonSent());
        summary.put("poisonOnDlq", w.poisonInDlq());
        summary.put("duplicatesSent", t.duplicatesSent());
        summary.put("lagAtEnd", t.lagAtEnd());
        summary.put("locksLeftInRedis", t.locksLeft());
        summary.put("longestGroupGapMs", gaps[0].ms());
        summary.put("longestGroupGapEndedAtSeconds", gaps[0].endedAtSeconds());
        summary.put("longestPartitionGapMs", gaps[1].ms());
        summary.put("longestPartitionGapWhere", gaps[1].where() + " at " + gaps[1].endedAtSeconds() + " s");
        summary.put("chaos", s.chaos());
        summary.put("events", Disruption.perEvent(events, assignments, w.capturedPerSecond(), longGaps, t.startMs()));
        summary.put("assignmentChanges", assignments.size());
        summary.put("steps", t.steps());
        if (t.history() != null) {
            Map<String, Object> history = new LinkedHashMap<>();
            history.put("versions", t.history().versions());
            history.put("hotKey", t.history().hotKey());
            history.put("hotKeyVersions", s.historyHot());
            history.put("insertSeconds", round(t.history().millis() / 1000.0));
            summary.put("history", history);
        }
        if (t.reads() != null) {
            summary.put("reads", t.reads().summary());
        }
        if (!replicas.isEmpty()) {
            summary.put("autoscale", replicas.summary());
        }
        summary.put("maxLag", t.lagSampler().samples().stream().mapToLong(x -> x[1]).max().orElse(0));
        ProcessSamples processes = ProcessSamples.read(t.args().get("rss-file"));
        Map<Long, Long> rss = processes.rssBySecond(t.startMs());
        summary.put("maxServiceRssMiB", rss.values().stream().mapToLong(v -> v).max().orElse(0) / 1024);
        // the instances' CPU over the measured capture window, per 1,000 trades captured in it
        long cpuMs = processes.cpuMs(sendStart, Math.max(w.lastCaptureMs(), sendStart));
        if (cpuMs >= 0) {
            summary.put("serviceCpuSeconds", round(cpuMs / 1000.0));
            summary.put("serviceCpuSecondsPer1000Trades", measuredCaptured == 0 ? 0
                    : Math.round(cpuMs / (double) measuredCaptured * 1000.0) / 1000.0);
        }
        LotQueue.Drained lots = t.lotQueue();
        if (lots != null) {
            // booked behind capture: the changes still queued at the last capture, and the books' catch-up
            Map<String, Object> booking = new LinkedHashMap<>();
            booking.put("queuedAfterCapture", lots.queuedAtEnd());
            long lastCapture = Math.max(w.lastCaptureMs(), sendStart);
            booking.put("caughtUpAfterMs", lots.emptyAtMs() < 0 ? -1 : Math.max(0, lots.emptyAtMs() - lastCapture));
            long bookingCpuMs = lots.emptyAtMs() < 0 ? -1 : processes.cpuMs(lastCapture, lots.emptyAtMs());
            if (bookingCpuMs >= 0 && cpuMs >= 0) {
                booking.put("serviceCpuSeconds", round(bookingCpuMs / 1000.0));
                booking.put("serviceCpuSecondsPer1000TradesWithBooking", measuredCaptured == 0 ? 0
                        : Math.round((cpuMs + bookingCpuMs) / (double) measuredCaptured * 1000.0) / 1000.0);
            }
            summary.put("lotBooking", booking);
        }
        summary.put("passed", failures.isEmpty());
        summary.put("failures", failures);

        List<double[]> offeredSeries = new ArrayList<>(), capturedSeries = new ArrayList<>(),
                p50s = new ArrayList<>(), p99s = new ArrayList<>(), p999s = new ArrayList<>();
        for (int i = 0; i < t.offeredPerSecond().size(); i++) {
            offeredSeries.add(new double[] {i, t.offeredPerSecond().get(i)[0]});
        }
        for (int i = 0; i < w.capturedPerSecond().size(); i++) {
            capturedSeries.add(new double[] {i, w.capturedPerSecond().get(i)[0]});
            Histogram sec = w.perSecond().get(i);
            if (sec.getTotalCount() > 0) {
                p50s.add(new double[] {i, sec.getValueAtPercentile(50)});
                p99s.add(new double[] {i, sec.getValueAtPercentile(99)});
                p999s.add(new double[] {i, sec.getValueAtPercentile(99.9)});
            }
        }
        List<double[]> lagSeries = t.lagSampler().samples().stream().map(x -> new double[] {x[0] / 1000.0, x[1]}).toList();
        List<double[]> rssSeries = rss.entrySet().stream().map(e -> new double[] {e.getKey() / 1000.0, e.getValue() / 1024.0}).toList();
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("offeredPerSecond", offeredSeries);
        series.put("capturedPerSecond", capturedSeries);
        series.put("latencyP50Ms", p50s);
        series.put("latencyP99Ms", p99s);
        series.put("latencyP999Ms", p999s);
        series.put("consumerLag", lagSeries);
        series.put("serviceRssMiB", rssSeries);
        summary.put("series", series);

        Files.createDirectories(dir);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("summary.json").toFile(), summary);
        StringBuilder timeline = new StringBuilder("# the groups' members and their partitions, each time they changed\n");
        for (LagSampler.Assignment a : assignments) {
            timeline.append(String.format("%.1f s%n", (a.atMs() - t.startMs()) / 1000.0));
            a.members().forEach((member, parts) -> timeline.append("  ").append(member).append(' ').append(parts).append('\n'));
        }
        Files.writeString(dir.resolve("assignment.txt"), timeline);
        try (var out = Files.newOutputStream(dir.resolve("latency-histogram.hgrm"));
             var ps = new java.io.PrintStream(out)) {
            h.outputPercentileDistribution(ps, 1.0);
        }
        String line = String.format("scenario=%s offered=%.0f sustained=%.0f p50_ms=%.0f p99_ms=%.0f p999_ms=%.0f "
                + "cpu_s_per_1000=%s lost=%d duplicated=%d reordered=%d", s.name(), offered, sustained, p50, p99, p999,
                summary.getOrDefault("serviceCpuSecondsPer1000Trades", "n/a"), lost, duplicated, reordered);
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(s.name())
                .append(" — load test</title><style>body{font-family:sans-serif;margin:2em;max-width:1000px}"
                        + "td,th{padding:2px 10px;text-align:left}.fail{color:#b00}.pass{color:#070}</style></head><body>")
                .append("<h1>").append(s.name()).append(" <small>").append(t.run()).append("</small></h1>")
                .append("<p class=\"").append(failures.isEmpty() ? "pass\">PASSED" : "fail\">FAILED: " + String.join("; ", failures))
                .append("</p><pre>").append(line).append("</pre><table>");
        for (var e : summary.entrySet()) {
            if (!e.getKey().equals("series")) {
                html.append("<tr><th>").append(e.getKey()).append("</th><td>").append(e.getValue()).append("</td></tr>");
            }
        }
        html.append("</table>");
        html.append(chart("Throughput (trades/s)" + (events.isEmpty() ? "" : ", events marked"), "s",
                List.of(new Series("offered", "#888", offeredSeries), new Series("captured", "#06c", capturedSeries)),
                events));
        html.append(chart("Latency per second (ms, send → captured event)", "s", List.of(
                new Series("p50", "#090", p50s), new Series("p99", "#f80", p99s), new Series("p99.9", "#c00", p999s))));
        html.append(chart("Consumer lag (records)", "s", List.of(new Series("lag", "#609", lagSeries))));
        if (!replicas.isEmpty()) {
            List<Series> lines = new ArrayList<>();
            String[] colors = {"#06c", "#c60", "#090"};
            int c = 0;
            for (var e : replicas.byRegion().entrySet()) {
                String color = colors[c++ % colors.length];
                lines.add(new Series(e.getKey() + " desired", "#aaa", e.getValue().stream()
                        .map(x -> new double[] {x.atSeconds(), x.desired()}).toList()));
                lines.add(new Series(e.getKey() + " ready", color, e.getValue().stream()
                        .map(x -> new double[] {x.atSeconds(), x.ready()}).toList()));
            }
            html.append(chart("Replicas (the chart's KEDA rule: desired, and instances ready)", "s", lines, events));
        }
        if (!rssSeries.isEmpty()) {
            html.append(chart("Service RSS (MiB, all instances' max)", "s", List.of(new Series("rss", "#333", rssSeries))));
        }
        html.append("</body></html>");
        Files.writeString(dir.resolve("index.html"), html);

        System.out.println("report: " + dir.resolve("index.html"));
        if (!failures.isEmpty()) {
            System.out.println("FAILED: " + String.join("; ", failures));
        }
        System.out.println(line);
        return failures.isEmpty();
    }

    private static void check(List<String> failures, String name, double value, Double max) {
        if (max != null && value > max) {
            failures.add(name + " " + value + " ms > " + max + " ms");
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String chart(String title, String unit, List<Series> series) {
        return chart(title, unit, series, List.of());
    }

    private static String chart(String title, String unit, List<Series> series, List<Disruption.Event> marks) {
        double maxX = 1, maxY = 1;
        for (Series s : series) {
            for (double[] p : s.points()) {
                maxX = Math.max(maxX, p[0]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        int w = 900, hgt = 260, left = 70, bottom = 30;
        StringBuilder svg = new StringBuilder("<h2>").append(title).append("</h2><svg width=\"").append(w + 20)
                .append("\" height=\"").append(hgt + 20).append("\" style=\"border:1px solid #ddd\">");
        svg.append(String.format("<text x=\"4\" y=\"14\" font-size=\"11\">%.0f</text><text x=\"4\" y=\"%d\" font-size=\"11\">0</text>"
                        + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%.0f %s</text>", maxY, hgt - bottom, w - 60,
                hgt - 5, maxX, unit));
        svg.append(String.format("<line x1=\"%d\" y1=\"5\" x2=\"%d\" y2=\"%d\" stroke=\"#aaa\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#aaa\"/>",
                left, left, hgt - bottom, left, hgt - bottom, w, hgt - bottom));
        for (int i = 0; i < marks.size(); i++) {
            Disruption.Event e = marks.get(i);
            double x = left + (w - left) * Math.max(0, e.atSeconds()) / maxX;
            svg.append(String.format("<line x1=\"%.1f\" y1=\"5\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" "
                    + "stroke-dasharray=\"3,3\"/><text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#c00\">%s</text>", x, x,
                    hgt - bottom, x + 2, 30 + (i % 8) * 12, escape(e.label())));
        }
        int legend = 0;
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (double[] p : s.points()) {
                double x = left + (w - left) * p[0] / maxX;
                double y = (hgt - bottom) - (hgt - bottom - 5) * p[1] / maxY;
                pts.append(String.format("%.1f,%.1f ", x, y));
            }
            svg.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(s.color()).append("\" points=\"")
                    .append(pts).append("\"/>");
            svg.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>", left + 10 + legend * 90,
                    18, s.color(), s.name()));
            legend++;
        }
        return svg.append("</svg>").toString();
    }
}
