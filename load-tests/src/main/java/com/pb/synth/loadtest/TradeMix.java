package com.pb.synth.loadtest;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates the trades of a run, one at a time, and keeps what the service must end up with:
 * per key, the trades in order (sequence numbers 1, 2, ...) and the position they add up to.
 * Mix: NEW, CORRECT of a live trade (a new version), CANCEL of a live trade. Key popularity is
 * Zipf-skewed, so a few accounts and securities are hot, as on a real book.
 */
public final class TradeMix {

    static final String[] SECURITIES = {"US0378331005", "US5949181045", "US0231351067", "US02079K3059",
            "US30303M1027", "US88160R1014", "US67066G1040", "US4781601046", "US46625H1005", "US9311421039",
            "US7427181091", "US92826C8394", "US57636Q1040", "US4370761029", "US1912161007", "US7170811035",
            "US2546871060", "US4592001014", "US4581401001", "US17275R1023", "DE0007164600", "FR0000120271",
            "DE0007236101", "FR0000121014", "NL0010273215", "FR0000120578", "DE0008404005", "FR0000131104",
            "ES0113900J37", "IT0003128367", "DE0005557508", "FR0000120073", "GB0005405286", "GB0007980591",
            "GB00BP6MXD84", "GB0009895292", "GB0002374006", "GB00B10RZP78", "GB0007188757", "GB0031348658",
            "GB0009252882", "JP3633400001", "JP3435000009", "JP3902900004", "JP3436100006", "JP3788600009",
            "JP3756600007", "JP3496400007", "JP3890350006", "JP3802400006"};
    static final String[] REGIONS = {"us", "emea", "apac"};

    /** One key: its id, region, and everything the generator sent on it. */
    public static final class Key {
        final String id;
        final String region;
        final String currency;
        final List<Integer> ops = new ArrayList<>();      // op indexes, by sequence number - 1
        final Map<Integer, long[]> live = new HashMap<>(); // trade number -> {version, signed qty, signed notional cents}
        final List<Integer> liveTrades = new ArrayList<>();
        BigDecimal quantity = BigDecimal.ZERO;
        BigDecimal notional = BigDecimal.ZERO;

        Key(String id, String region, String currency) {
            this.id = id;
            this.region = region;
            this.currency = currency;
        }

        public int tradeCount() {
            return live.size();
        }
    }

    /** In a key's {@code ops}: the sequence number a poison record took (no trade is captured with it). */
    static final int POISON_SLOT = -1;

    /** One record to send. */
    public record Op(int index, Key key, int sequence, byte[] payload) {
    }

    private final String run;
    private final List<Key> keys = new ArrayList<>();
    private final Map<String, Key> byId = new HashMap<>();
    private final double[] cumulative;
    private final SplittableRandom random;
    private final int correctPercent;
    private final int cancelPercent;
    private int nextTrade;
    private int nextOp;

    public TradeMix(String run, int keyCount, double zipf, int correctPercent, int cancelPercent, List<String> regions,
                    long seed) {
        this.run = run;
        this.random = new SplittableRandom(seed);
        this.correctPercent = correctPercent;
        this.cancelPercent = cancelPercent;
        // All demo keys (20 accounts x 10 books x 50 securities), shuffled, restricted to the regions run
        // when several run side by side (each region's trades go to its own topic); a single-region run
        // draws on every demo account, so it reaches 10,000 keys.
        // More keys than that take more books (BOOK-11, …), which the harness creates first (ReferenceData).
        List<String[]> all = new ArrayList<>();
        int books = books(keyCount, regions);
        for (int a = 1; a <= ACCOUNTS; a++) {
            String region = region(a, regions);
            if (!regions.contains(region)) {
                continue;
            }
            for (int b = 1; b <= books; b++) {
                for (String s : SECURITIES) {
                    all.add(new String[] {String.format("ACC-%03d_BOOK-%02d_%s", a, b, s), region, currency(s)});
                }
            }
        }
        for (int i = all.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String[] t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        int n = Math.min(keyCount, all.size());
        cumulative = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            Key k = new Key(all.get(i)[0], all.get(i)[1], all.get(i)[2]);
            keys.add(k);
            byId.put(k.id, k);
            sum += 1.0 / Math.pow(i + 1, zipf);
            cumulative[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= sum;
        }
    }

    /** The demo accounts (ACC-001…) and books (BOOK-01…) of the V2 migration. */
    static final int ACCOUNTS = 20;
    static final int DEMO_BOOKS = 10;

    private static String region(int account, List<String> regions) {
        return regions.size() == 1 ? regions.get(0) : REGIONS[(account - 1) % 3];
    }

    /** Books per account for {@code keyCount} keys over the regions' accounts: the demo ten, or more. */
    static int books(int keyCount, List<String> regions) {
        int accounts = 0;
        for (int a = 1; a <= ACCOUNTS; a++) {
            accounts += regions.contains(region(a, regions)) ? 1 : 0;
        }
        int perBook = Math.max(1, accounts) * SECURITIES.length;
        return Math.max(DEMO_BOOKS, (int) ((keyCount + (long) perBook - 1) / perBook));
    }

    /** The books beyond the demo ones that {@code keyCount} keys need: created by the harness before it sends. */
    static List<String> extraBooks(int keyCount, List<String> regions) {
        List<String> extra = new ArrayList<>();
        for (int b = DEMO_BOOKS + 1; b <= books(keyCount, regions); b++) {
            extra.add(String.format("BOOK-%02d", b));
        }
        return extra;
    }

    static String currency(String isin) {
        return switch (isin.substring(0, 2)) {
            case "US" -> "USD";
            case "GB" -> "GBP";
            case "JP" -> "JPY";
            default -> "EUR";
        };
    }

    public List<Key> keys() {
        return keys;
    }

    public Key key(String id) {
        return byId.get(id);
    }

    public int opCount() {
        return nextOp;
    }

    /** The next trade on a key drawn by popularity, or restricted to one region when {@code region} is set. */
    public Op next(String region) {
        Key key;
        do {
            double u = random.nextDouble();
            int lo = 0, hi = cumulative.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            key = keys.get(lo);
        } while (region != null && !region.equals(key.region));
        return next(key);
    }

    /** The next trade on a given key. */
    public Op next(Key key) {
        int roll = random.nextInt(100);
        int tradeNo;
        int version;
        String action;
        boolean sell;
        long qty = 1 + random.nextInt(5000);
        long priceCents = 1000 + random.nextInt(50000);
        if (roll < correctPercent + cancelPercent && !key.liveTrades.isEmpty()) {
            int pick = random.nextInt(key.liveTrades.size());
            tradeNo = key.liveTrades.get(pick);
            long[] prev = key.live.get(tradeNo);
            version = (int) prev[0] + 1;
            sell = prev[1] < 0;
            key.quantity = key.quantity.subtract(BigDecimal.valueOf(prev[1]));
            key.notional = key.notional.subtract(BigDecimal.valueOf(prev[2], 2));
            if (roll < correctPercent) {
                action = "CORRECT";
                apply(key, tradeNo, version, sell, qty, priceCents);
            } else {
                action = "CANCEL";
                key.live.remove(tradeNo);
                key.liveTrades.set(pick, key.liveTrades.get(key.liveTrades.size() - 1));
                key.liveTrades.remove(key.liveTrades.size() - 1);
            }
        } else {
            tradeNo = nextTrade++;
            version = 1;
            action = "NEW";
            sell = random.nextInt(4) == 0;
            key.liveTrades.add(tradeNo);
            apply(key, tradeNo, version, sell, qty, priceCents);
        }
        int index = nextOp++;
        int sequence;
        synchronized (key) {
            key.ops.add(index);
            sequence = key.ops.size();
        }
        return new Op(index, key, sequence, payload(key, run + "-" + tradeNo, version, action, sell, qty, priceCents,
                sequence));
    }

    /**
     * A record the service must set aside (DLQ and trade_exceptions) without holding up the key's
     * other trades: malformed JSON, an unknown security, a negative quantity or a price with more
     * decimals than the store keeps, in turn. Its trade id is {@code <run>-P<n>}, so the verifier can
     * find it in the DLQ. The last two are readable, so they take the key's next sequence number as an
     * upstream system numbers every record it sends, and the service must consume it (a gap would
     * hold the key's next trades and set them aside); the first two carry none (a record cut short,
     * or one whose security is not its key's, leaves a gap).
     */
    public byte[] poison(Key key, int n) {
        String tradeId = run + "-P" + n;
        String[] p = key.id.split("_");
        String head = "{\"tradeId\":\"" + tradeId + "\",\"accountId\":\"" + p[0] + "\",\"bookId\":\"" + p[1]
                + "\",\"securityId\":\"";
        String tail = "\"source\":\"AUTOMATED\",\"tradeDate\":\"2026-11-24\",\"tradeTimestamp\":\"2026-11-24T15:30:00Z\","
                + "\"counterpartyIds\":[\"CPTY-1\"],\"action\":\"NEW\",\"version\":1,\"side\":\"BUY\",\"tradeLots\":"
                + "[{\"lotIdentifier\":[{\"identifier\":\"" + tradeId + "-L1\",\"identifierType\":\"LOT_ID\"}],"
                + "\"priceQuantity\":[{\"quantity\":[{\"value\":%s,\"unit\":{\"financialUnit\":\"Share\"}}],"
                + "\"price\":[{\"value\":%s,\"unit\":{\"currency\":\"" + key.currency + "\"}}]}]}]}";
        String sequenced = "";
        if (n % 4 >= 2) {
            synchronized (key) {
                key.ops.add(POISON_SLOT);
                sequenced = "\"sequenceNumber\":" + key.ops.size() + ",";
            }
        }
        String json = switch (n % 4) {
            case 0 -> head + p[2] + "\",\"source\":";                                   // cut short
            case 1 -> head + "XX0000000000\"," + String.format(tail, "100", "10.00");      // no such security
            case 2 -> head + p[2] + "\"," + sequenced + String.format(tail, "-100", "10.00"); // negative quantity
            default -> head + p[2] + "\"," + sequenced + String.format(tail, "100", "10.123456789012"); // 12 decimals
        };
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static void apply(Key key, int tradeNo, int version, boolean sell, long qty, long priceCents) {
        long signedQty = sell ? -qty : qty;
        long signedNotionalCents = signedQty * priceCents;
        key.live.put(tradeNo, new long[] {version, signedQty, signedNotionalCents});
        key.quantity = key.quantity.add(BigDecimal.valueOf(signedQty));
        key.notional = key.notional.add(BigDecimal.valueOf(signedNotionalCents, 2));
    }

    private static byte[] payload(Key key, String tradeId, int version, String action, boolean sell, long qty,
                                  long priceCents, int sequence) {
        String[] p = key.id.split("_");
        String price = BigDecimal.valueOf(priceCents, 2).toPlainString();
        String json = "{\"tradeId\":\"" + tradeId + "\",\"accountId\":\"" + p[0] + "\",\"bookId\":\"" + p[1]
                + "\",\"securityId\":\"" + p[2] + "\",\"source\":\"AUTOMATED\",\"tradeDate\":\"2026-11-24\","
                + "\"tradeTimestamp\":\"2026-11-24T15:30:00Z\",\"counterpartyIds\":[\"CPTY-1\"],\"sequenceNumber\":"
                + sequence + ",\"action\":\"" + action + "\",\"version\":" + version + ",\"side\":\""
                + (sell ? "SELL" : "BUY") + "\",\"tradeLots\":[{\"lotIdentifier\":[{\"identifier\":\"" + tradeId
                + "-L1\",\"identifierType\":\"LOT_ID\"}],\"priceQuantity\":[{\"quantity\":[{\"value\":" + qty
                + ",\"unit\":{\"financialUnit\":\"Share\"}}],\"price\":[{\"value\":" + price
                + ",\"unit\":{\"currency\":\"" + key.currency + "\"}}]}]}]}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
