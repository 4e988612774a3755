package com.pb.synth.loadtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Runs one scenario against running service instances: generates and sends the trades, watches
 * the captured events and the consumer lag, verifies the store, and writes the report. The last
 * line it prints is the one-line result; the exit code is 0 only for a correct run that met the
 * scenario's latency assertions.
 *
 * <p>Arguments: {@code --scenario FILE --out DIR --bootstrap HOST:PORT --db-url JDBC --db-user U
 * --db-password P [--multi-region] [--rss-file F] [--reference demo] [key=value overrides of the scenario]}
 * (JDBC: PostgreSQL or SQL Server; {@code --reference demo} writes the demo reference data through the admin
 * API first, for a store that has none).
 */
public final class LoadTest {

    static final String GROUP = "pb-synth-tradecapture-svc";
    static final Map<String, String> ZONES = Map.of("us", "America/New_York", "emea", "Europe/London",
            "apac", "Asia/Tokyo");

    private final Scenario scenario;
    private final Map<String, String> args;
    private final boolean multiRegion;
    private final String run = "LT" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36).toUpperCase();
    private final List<long[]> offeredPerSecond = new ArrayList<>();
    private final List<Map<String, Object>> steps = new ArrayList<>();
    private KafkaProducer<String, byte[]> producer;
    private CaptureWatcher watcher;
    private LagSampler lag;
    private long startMs;
    private int sent;
    private TradeMix mix;
    private final SplittableRandom chaosRandom = new SplittableRandom(7);
    /** An op to send again once {@code sent} reaches {@code at}. */
    private record Redelivery(int at, TradeMix.Op op) {
    }

    private final java.util.PriorityQueue<Redelivery> redeliveries =
            new java.util.PriorityQueue<>(java.util.Comparator.comparingInt(Redelivery::at));
    private int duplicatesSent;
    private int poisonSent;
    private long lagAtEnd = -1;
    private long locksLeft = -1;
    private History.Stored history;
    private PositionReads reads;

    LoadTest(Scenario scenario, Map<String, String> args) {
        this.scenario = scenario;
        this.args = args;
        this.multiRegion = args.containsKey("multi-region");
    }

    private static final java.util.Set<String> FLAGS = java.util.Set.of("multi-region");

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        Map<String, String> overrides = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].startsWith("--")) {
                // every option takes a value (a JDBC URL may hold '=') but the one flag
                String name = argv[i].substring(2);
                args.put(name, FLAGS.contains(name) ? "true" : argv[++i]);
            } else if (argv[i].contains("=")) {
                String[] kv = argv[i].split("=", 2);
                overrides.put(kv[0], kv[1]);
            }
        }
        Scenario scenario = Scenario.load(Path.of(args.get("scenario")), overrides);
        System.exit(new LoadTest(scenario, args).execute() ? 0 : 1);
    }

    static String inputTopic(String region, boolean multiRegion) {
        return multiRegion ? "pb-synth.trades.v1." + region : "pb-synth.trades.v1";
    }

    static String capturedTopic(String region, boolean multiRegion) {
        return multiRegion ? "pb-synth.trades.captured.v1." + region : "pb-synth.trades.captured.v1";
    }

    static String group(String region, boolean multiRegion) {
        return multiRegion ? GROUP + "-" + region : GROUP;
    }

    boolean execute() throws Exception {
        TradeMix mix = new TradeMix(run, scenario.keys(), scenario.zipf(), scenario.correctPercent(),
                scenario.cancelPercent(), scenario.regions(), scenario.seed());
        int capacity = capacity();
        Map<String, String> groups = new LinkedHashMap<>();
        List<String> capturedTopics = new ArrayList<>();
        List<String> dlqTopics = new ArrayList<>();
        for (String region : scenario.regions()) {
            groups.put(inputTopic(region, multiRegion), group(region, multiRegion));
            capturedTopics.add(capturedTopic(region, multiRegion));
            dlqTopics.add(multiRegion ? "pb-synth.trades.dlq.v1." + region : "pb-synth.trades.dlq.v1");
        }
        this.mix = mix;
        startMs = System.currentTimeMillis();
        Semaphore sequential = scenario.mode() == Scenario.Mode.SEQUENTIAL ? new Semaphore(0) : null;
        String bootstrap = args.get("bootstrap");
        watcher = new CaptureWatcher(bootstrap, capturedTopics, dlqTopics, run, mix, capacity, startMs, sequential);
        lag = new LagSampler(bootstrap, groups, startMs);
        Thread watcherThread = new Thread(watcher, "capture-watcher");
        Thread lagThread = new Thread(lag, "lag-sampler");
        watcherThread.start();
        lagThread.start();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("linger.ms", "5");
        p.put("batch.size", Integer.toString(256 * 1024));
        p.put("buffer.memory", Long.toString(128L * 1024 * 1024));
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        System.out.printf("run %s: scenario %s, mode %s, %d trades over %d keys, regions %s%n", run, scenario.name(),
                scenario.mode(), capacity, mix.keys().size(), scenario.regions());

        // --reference demo: the store has no demo reference data (SQL Server), so the run writes it first
        List<ReferenceData.Put> reference = new ArrayList<>("demo".equals(args.get("reference"))
                ? ReferenceData.demo() : List.of());
        reference.addAll(ReferenceData.books(TradeMix.extraBooks(scenario.keys(), scenario.regions())));
        if (!reference.isEmpty()) {
            List<Integer> managementPorts = new ArrayList<>();
            for (int i = 1; i <= Integer.parseInt(args.getOrDefault("instances", "1")); i++) {
                managementPorts.add(28080 + i);
            }
            ReferenceData.ensure(reference, args.get("api"), args.get("admin-token"), managementPorts, Duration.ofSeconds(60));
        }
        Map<String, Object[]> before = Map.of();
        if (scenario.history() > 0) {
            // a store a year old: earlier versions on the run's keys, before anything is sent
            history = History.insert(args.get("db-url"), args.get("db-user"), args.get("db-password"), mix.keys(),
                    scenario.history(), Math.min(scenario.historyHot(), (int) Math.min(Integer.MAX_VALUE, scenario.history())),
                    run);
            System.out.printf("history: %,d versions stored in %.1f s (%,d on %s)%n", history.versions(),
                    history.millis() / 1000.0, scenario.historyHot(), history.hotKey());
            before = History.positions(args.get("db-url"), args.get("db-user"), args.get("db-password"));
        }
        Thread readsThread = null;
        if (scenario.reads()) {
            if (history == null) {
                throw new IllegalArgumentException("reads=true reads the keys history=N stored: set history too");
            }
            reads = new PositionReads(args.get("api"), args.get("admin-token"), history, scenario.readsRate());
        }
        if (reads != null) {
            // the read path warms like the capture path: a production instance's is compiled
            reads.warm(Duration.ofSeconds(15));
        }
        if (scenario.warmup() > 0) {
            // A JVM that has just started runs its capture code interpreted for a while; production
            // instances are warm. Warm-up trades are verified like the rest but not measured.
            watcher.measureFrom(scenario.warmup(), startMs);
            paced(mix, scenario.warmup(), 0, null);
            if (scenario.warmupSeconds() > 0 && scenario.rate() > 0) {
                // then settle at the scenario's own rate: caches, plans and compiled code of steady state
                int settle = (int) (scenario.rate() * scenario.warmupSeconds());
                watcher.measureFrom(scenario.warmup() + settle, startMs);
                paced(mix, settle, scenario.rate(), null);
            }
            producer.flush();
            while (watcher.distinct() < sent && System.currentTimeMillis() - watcher.lastProgressMs() < 60_000) {
                Thread.sleep(50);
            }
            System.out.printf("warm-up: %d trades captured%n", watcher.distinct());
            offeredPerSecond.clear();
            if (sequential != null) {
                sequential.drainPermits();
            }
            startMs = System.currentTimeMillis();
            watcher.measureFrom(sent, startMs);
            lag.restart(startMs);
        }
        int measuredFrom = sent;
        if (reads != null) {
            readsThread = new Thread(reads, "position-reads");
            readsThread.start();
        }
        long sendStart = System.currentTimeMillis();
        if (args.containsKey("out")) {
            // the chaos driver of performance-test.sh times its events from this
            writeString(Path.of(args.get("out"), "sending-started"), Long.toString(sendStart));
        }
        switch (scenario.mode()) {
            case OPEN -> open(mix);
            case DRAIN -> paced(mix, scenario.trades(), 0, null);
            case SEQUENTIAL -> sequential(mix, sequential);
            case STEP -> stepped(mix);
            case DAY -> tradingDay(mix);
        }
        while (!redeliveries.isEmpty()) {
            TradeMix.Op op = redeliveries.poll().op();
            producer.send(new ProducerRecord<>(inputTopic(op.key().region, multiRegion), op.key().id, op.payload()));
            duplicatesSent++;
        }
        producer.flush();
        long sendEnd = System.currentTimeMillis();
        if (readsThread != null) {
            reads.stop();
            readsThread.join();
        }
        System.out.printf("sent %d trades in %.1f s (%.0f/s offered)%n", sent - measuredFrom,
                (sendEnd - sendStart) / 1000.0, (sent - measuredFrom) * 1000.0 / Math.max(1, sendEnd - sendStart));

        // Wait for every trade's captured event, or for 60 s without progress.
        while (watcher.distinct() < sent && System.currentTimeMillis() - watcher.lastProgressMs() < 60_000) {
            Thread.sleep(100);
        }
        Thread.sleep(1500); // late duplicates, if any, would arrive now
        // Offsets are committed once a second: the lag goes back to 0 shortly after the last capture.
        long lagDeadline = System.currentTimeMillis() + 30_000;
        while ((lagAtEnd = safeLag()) != 0 && System.currentTimeMillis() < lagDeadline) {
            Thread.sleep(500);
        }
        locksLeft = countLocksLeft();
        lag.stop();
        watcher.stop();
        watcherThread.join();
        lagThread.join();
        Verifier.Result db = Verifier.verify(args.get("db-url"), args.get("db-user"), args.get("db-password"), run, mix,
                before);
        // the lot books, booked behind capture, catching up
        lotQueue = LotQueue.await(args.get("db-url"), args.get("db-user"), args.get("db-password"), 600_000);
        if (reads != null && scenario.correctFirst()) {
            // once the run is verified: the worst re-flow, timed alone
            reads.correctFirst(producer, inputTopic(mix.keys().get(0).region, multiRegion), history);
        }
        producer.close();
        return Report.write(Path.of(args.get("out")), this, mix, db, measuredFrom, sendStart, sendEnd);
    }

    private int capacity() {
        return switch (scenario.mode()) {
            case STEP -> {
                int n = 0;
                for (double r = scenario.stepStart(); r <= scenario.stepMax(); r += scenario.stepIncrement()) {
                    n += (int) Math.round(r * scenario.stepSeconds());
                }
                yield n;
            }
            default -> scenario.trades();
        } + scenario.warmup() + (int) (scenario.rate() * scenario.warmupSeconds());
    }

    private long safeLag() {
        try {
            return lag.lag();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Partition locks still in Redis once everything is captured (a released batch leaves none; a
     * killed owner's expire within their TTL), counted by the stack script; -1 when it cannot say.
     */
    private long countLocksLeft() throws InterruptedException {
        String script = args.get("stack-script");
        if (script == null) {
            return -1;
        }
        long deadline = System.currentTimeMillis() + Long.parseLong(args.getOrDefault("lock-ttl-ms", "6000")) + 5_000;
        long n;
        do {
            n = -1;
            try {
                Process p = new ProcessBuilder(script, "redis-locks").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).trim();
                if (p.waitFor() == 0) {
                    n = Long.parseLong(out.substring(out.lastIndexOf('\n') + 1).trim());
                }
            } catch (Exception e) {
                n = -1;
            }
            if (n == 0) {
                return 0;
            }
            Thread.sleep(500);
        } while (System.currentTimeMillis() < deadline);
        return n;
    }

    private void send(TradeMix.Op op, long intendedMs) {
        watcher.sent(op.index(), intendedMs);
        String topic = inputTopic(op.key().region, multiRegion);
        int index = op.index();
        producer.send(new ProducerRecord<>(topic, op.key().id, op.payload()), (md, e) -> {
            if (md != null) {
                watcher.sentTo(index, md.partition());
            }
        });
        sent++;
        // A duplicate storm: some records go again a few sends later, as a producer retry or an
        // upstream replay would send them; each must come out as DUPLICATE, never captured twice.
        if (scenario.duplicatePercent() > 0 && chaosRandom.nextDouble() * 100 < scenario.duplicatePercent()) {
            redeliveries.add(new Redelivery(sent + 1 + chaosRandom.nextInt(50), op));
        }
        while (!redeliveries.isEmpty() && redeliveries.peek().at() <= sent) {
            TradeMix.Op again = redeliveries.poll().op();
            producer.send(new ProducerRecord<>(inputTopic(again.key().region, multiRegion), again.key().id,
                    again.payload()));
            duplicatesSent++;
        }
        // A poison storm: invalid records among the valid ones of the same keys.
        if (scenario.poisonPercent() > 0 && chaosRandom.nextDouble() * 100 < scenario.poisonPercent()) {
            producer.send(new ProducerRecord<>(topic, op.key().id, mix.poison(op.key(), poisonSent)));
            poisonSent++;
        }
        int second = (int) Math.max(0, (intendedMs - startMs) / 1000);
        while (offeredPerSecond.size() <= second) {
            offeredPerSecond.add(new long[1]);
        }
        offeredPerSecond.get(second)[0]++;
    }

    /** Sends {@code n} trades at {@code rate} per second on schedule (open model); rate 0 = as fast as possible. */
    private void paced(TradeMix mix, int n, double rate, String region) {
        long t0 = System.nanoTime();
        long base = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            TradeMix.Op op = mix.next(region);
            long intended;
            if (rate > 0) {
                long target = t0 + (long) (i * 1e9 / rate);
                waitUntil(target);
                intended = base + (target - t0) / 1_000_000;
            } else {
                intended = System.currentTimeMillis();
            }
            send(op, intended);
        }
    }

    /** The open model: the scenario's rate, and its burst if it has one (the trade count is the sum of both). */
    private void open(TradeMix mix) {
        if (scenario.burstSeconds() <= 0) {
            paced(mix, scenario.trades(), scenario.rate(), null);
            return;
        }
        int before = (int) Math.round(scenario.rate() * scenario.burstStart());
        int during = (int) Math.round(scenario.burstRate() * scenario.burstSeconds());
        System.out.printf("burst: %.0f trades/s for %d s from %d s%n", scenario.burstRate(), scenario.burstSeconds(),
                scenario.burstStart());
        paced(mix, before, scenario.rate(), null);
        paced(mix, during, scenario.burstRate(), null);
        paced(mix, Math.max(0, scenario.trades() - before - during), scenario.rate(), null);
    }

    /**
     * Parks until about {@code targetNanos}; never spins, so the generator leaves the cores to the
     * service. A trade may go out up to half a millisecond early; its latency still counts from
     * its intended time.
     */
    private static void waitUntil(long targetNanos) {
        long wait;
        while ((wait = targetNanos - System.nanoTime()) > 500_000) {
            LockSupport.parkNanos(wait - 250_000);
        }
    }

    /** One trade at a time: the next is sent once the previous one's captured event is seen. */
    private void sequential(TradeMix mix, Semaphore captured) throws InterruptedException {
        for (int i = 0; i < scenario.trades(); i++) {
            send(mix.next((String) null), System.currentTimeMillis());
            producer.flush();
            if (!captured.tryAcquire(30, TimeUnit.SECONDS)) {
                System.out.println("no captured event within 30 s: stopping the sequence");
                return;
            }
        }
    }

    /** Steps the offered rate up until the lag at the end of a step shows the service fell behind. */
    private void stepped(TradeMix mix) throws Exception {
        for (double rate = scenario.stepStart(); rate <= scenario.stepMax(); rate += scenario.stepIncrement()) {
            long before = System.currentTimeMillis();
            paced(mix, (int) Math.round(rate * scenario.stepSeconds()), rate, null);
            producer.flush();
            long lagAtEnd = lag.lag();
            double seconds = (System.currentTimeMillis() - before) / 1000.0;
            // Bounded: at most two seconds of this rate waiting when the step ends (offsets are
            // committed once a second, and a batch is in flight).
            boolean bounded = lagAtEnd <= 2 * rate;
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("offered", rate);
            step.put("seconds", seconds);
            step.put("lagAtEnd", lagAtEnd);
            step.put("bounded", bounded);
            steps.add(step);
            System.out.printf("step %.0f trades/s for %.1f s: lag at end %d -> %s%n", rate, seconds, lagAtEnd,
                    bounded ? "bounded" : "NOT bounded, stopping");
            if (!bounded) {
                return;
            }
        }
    }

    /**
     * The source document's day: each region trades at a base rate all day and at 8x from 3 to 5 PM
     * local; the day is replayed compressed by {@code compression} (0 = as fast as possible).
     */
    private void tradingDay(TradeMix mix) {
        ZoneId utc = ZoneOffset.UTC;
        LocalDateTime day = LocalDateTime.of(2026, 11, 24, 0, 0);
        double[][] weight = new double[scenario.regions().size()][24];
        double total = 0;
        for (int r = 0; r < weight.length; r++) {
            ZoneId zone = ZoneId.of(ZONES.get(scenario.regions().get(r)));
            for (int h = 0; h < 24; h++) {
                int local = day.plusHours(h).atZone(utc).withZoneSameInstant(zone).getHour();
                weight[r][h] = local == 15 || local == 16 ? 8 : 1;
                total += weight[r][h];
            }
        }
        SplittableRandom random = new SplittableRandom(scenario.seed());
        long t0 = System.nanoTime();
        long base = System.currentTimeMillis();
        double hourNanos = scenario.compression() > 0 ? 3600e9 / scenario.compression() : 0;
        int sentSoFar = 0;
        for (int h = 0; h < 24; h++) {
            double hourWeight = 0;
            for (double[] w : weight) {
                hourWeight += w[h];
            }
            int inHour = h == 23 ? scenario.trades() - sentSoFar
                    : (int) Math.round(scenario.trades() * hourWeight / total);
            for (int i = 0; i < inHour; i++) {
                double u = random.nextDouble() * hourWeight;
                int r = 0;
                while (r < weight.length - 1 && u >= weight[r][h]) {
                    u -= weight[r][h];
                    r++;
                }
                TradeMix.Op op = mix.next(scenario.regions().get(r));
                long intended;
                if (hourNanos > 0) {
                    long target = t0 + (long) (h * hourNanos + i * hourNanos / inHour);
                    waitUntil(target);
                    intended = base + (target - t0) / 1_000_000;
                } else {
                    intended = System.currentTimeMillis();
                }
                send(op, intended);
            }
            sentSoFar += inHour;
        }
    }

    int duplicatesSent() {
        return duplicatesSent;
    }

    int poisonSent() {
        return poisonSent;
    }

    long lagAtEnd() {
        return lagAtEnd;
    }

    long locksLeft() {
        return locksLeft;
    }

    Scenario scenario() {
        return scenario;
    }

    String run() {
        return run;
    }

    int sent() {
        return sent;
    }

    long startMs() {
        return startMs;
    }

    CaptureWatcher watcher() {
        return watcher;
    }

    private LotQueue.Drained lotQueue;

        LagSampler lagSampler() {
        return lag;
    }

    List<long[]> offeredPerSecond() {
        return offeredPerSecond;
    }

    List<Map<String, Object>> steps() {
        return steps;
    }

    Map<String, String> args() {
        return args;
    }

    /** What history=N stored before the run (null without it). */
    History.Stored history() {
        return history;
    }

    /** The reads made during the run (null without reads=true). */
    LotQueue.Drained lotQueue() {
        return lotQueue;
    }

        PositionReads reads() {
        return reads;
    }

    static void writeString(Path file, String text) throws java.io.IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
