import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The local run's demo: sends a batch of trades over a few hundred keys of the demo reference
 * data (new trades, corrections, cancels, a few rejects), waits for their captured events and
 * prints what was captured. Run with the local stack's Kafka jars on the class path:
 * {@code java -cp 'target/local-stack/lib/*' deploy/local/DemoTrades.java BOOTSTRAP [TRADES] [KEYS]}.
 */
public class DemoTrades {

    static final String[] SECURITIES = {"US0378331005", "US5949181045", "US0231351067", "GB0005405286",
            "DE0007164600", "FR0000120271", "JP3633400001", "US02079K3059", "NL0010273215", "GB0007980591"};
    static final Map<String, String> CURRENCY = Map.of("US", "USD", "GB", "GBP", "DE", "EUR", "FR", "EUR",
            "NL", "EUR", "JP", "JPY");
    static final Pattern FIELD = Pattern.compile("\"(status|tradeId|partitionKey)\":\"([^\"]*)\"");
    static final Pattern POSITION = Pattern.compile("\"position\":\\{\"quantity\":([-0-9.E]+),\"notional\":([-0-9.E]+)");

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int trades = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int keys = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        String run = "DEMO-" + UUID.randomUUID().toString().substring(0, 8);
        Random random = new Random();

        List<String[]> records = new ArrayList<>();
        Map<String, List<String[]>> liveByKey = new HashMap<>();
        int rejects = 0;
        for (int i = 0; i < trades; i++) {
            String account = String.format("ACC-%03d", 1 + random.nextInt(20));
            String book = String.format("BOOK-%02d", 1 + random.nextInt(10));
            String security = SECURITIES[random.nextInt(SECURITIES.length)];
            String key = account + "_" + book + "_" + security;
            if (liveByKey.size() >= keys && !liveByKey.containsKey(key)) {
                key = new ArrayList<>(liveByKey.keySet()).get(random.nextInt(liveByKey.size()));
                String[] parts = key.split("_");
                account = parts[0];
                book = parts[1];
                security = parts[2];
            }
            List<String[]> live = liveByKey.computeIfAbsent(key, k -> new ArrayList<>());
            String currency = CURRENCY.get(security.substring(0, 2));
            int roll = random.nextInt(100);
            if (roll < 1) {
                rejects++;
                records.add(new String[] {key, "{\"tradeId\":\"" + run + "-bad-" + i + "\",\"accountId\":\"" + account
                        + "\",\"bookId\":\"" + book + "\",\"securityId\":\"" + security + "\"}"});
            } else if (roll < 8 && !live.isEmpty()) {
                String[] t = live.get(random.nextInt(live.size()));
                int version = Integer.parseInt(t[1]) + 1;
                t[1] = Integer.toString(version);
                records.add(new String[] {key, json(t[0], version, "CORRECT", t[2], account, book, security, currency,
                        random)});
            } else if (roll < 11 && !live.isEmpty()) {
                String[] t = live.remove(random.nextInt(live.size()));
                records.add(new String[] {key, json(t[0], Integer.parseInt(t[1]) + 1, "CANCEL", t[2], account, book,
                        security, currency, random)});
            } else {
                String id = run + "-" + i;
                String side = random.nextInt(4) == 0 ? "SELL" : "BUY";
                live.add(new String[] {id, "1", side});
                records.add(new String[] {key, json(id, 1, "NEW", side, account, book, security, currency, random)});
            }
        }

        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("linger.ms", "5");
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (String[] r : records) {
                sent.add(producer.send(new ProducerRecord<>("pb-synth.trades.v1", r[0], r[1])));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
        System.out.printf("sent %d trades over %d keys (%d deliberately malformed, expect them on the DLQ)%n",
                records.size(), liveByKey.size(), rejects);

        Map<String, Integer> byStatus = new TreeMap<>();
        Map<String, String[]> lastPosition = new LinkedHashMap<>();
        int expected = records.size() - rejects;
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("group.id", "demo-" + run);
        c.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor("pb-synth.trades.captured.v1").stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            int seen = 0;
            Instant deadline = Instant.now().plusSeconds(120);
            while (seen < expected && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    Map<String, String> f = new HashMap<>();
                    Matcher m = FIELD.matcher(r.value());
                    while (m.find()) {
                        f.putIfAbsent(m.group(1), m.group(2));
                    }
                    if (f.getOrDefault("tradeId", "").startsWith(run + "-")) {
                        seen++;
                        byStatus.merge(f.get("status"), 1, Integer::sum);
                        Matcher pos = POSITION.matcher(r.value());
                        if (pos.find()) {
                            lastPosition.put(f.get("partitionKey"), new String[] {pos.group(1), pos.group(2)});
                        }
                    }
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("captured %d of %d valid trades in %.1f s; by status: %s%n", seen, expected, secs, byStatus);
        }
        System.out.println("a few positions (from each key's latest captured event):");
        lastPosition.entrySet().stream().limit(5).forEach(e -> System.out.printf("  %-40s quantity %12s  notional %16s%n",
                e.getKey(), e.getValue()[0], e.getValue()[1]));
    }

    static String json(String id, int version, String action, String side, String account, String book,
                       String security, String currency, Random random) {
        BigDecimal qty = BigDecimal.valueOf(1 + random.nextInt(5000));
        BigDecimal price = BigDecimal.valueOf(1000 + random.nextInt(50000), 2).setScale(2, RoundingMode.UNNECESSARY);
        return "{\"tradeId\":\"" + id + "\",\"accountId\":\"" + account + "\",\"bookId\":\"" + book
                + "\",\"securityId\":\"" + security + "\",\"source\":\"AUTOMATED\",\"tradeDate\":\"2026-11-24\","
                + "\"action\":\"" + action + "\",\"version\":" + version + ",\"side\":\"" + side + "\","
                + "\"counterpartyIds\":[\"CPTY-1\"],\"tradeLots\":[{\"lotIdentifier\":[{\"identifier\":\"" + id
                + "-L1\",\"identifierType\":\"LOT_ID\"}],\"priceQuantity\":[{\"quantity\":[{\"value\":" + qty
                + ",\"unit\":{\"financialUnit\":\"Share\"}}],\"price\":[{\"value\":" + price
                + ",\"unit\":{\"currency\":\"" + currency + "\"}}]}]}]}";
    }
}
