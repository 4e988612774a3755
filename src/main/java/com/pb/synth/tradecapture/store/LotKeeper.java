package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.domain.FifoLots;
import com.pb.synth.tradecapture.domain.Lot;
import com.pb.synth.tradecapture.domain.LotBook;
import com.pb.synth.tradecapture.domain.Trade;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps each key's lot book ({@link LotBook}) in the transaction that changes its trades, under the
 * key's row lock: new trades book after the key's last lot, loading only the oldest open lots they
 * relieve; a correction, cancel or rejection of a trade with lots re-flows the key from the book
 * before that trade's first lot. A key whose position predates the books has none until it is built
 * from its stored versions ({@link #build}): capture asks for that ({@link LotsNotBuiltException})
 * before it changes the key, and {@code LotBuilder} builds the rest in the background.
 */
@Singleton
public class LotKeeper {

    /** Oldest open lots read with a batch's books when its trades may relieve them. */
    static final int HEADS = 4;
    /**
     * Further open lots read for a key when its reliefs reach past those read, four times as many each
     * round after (a key can hold thousands of open lots; most reliefs reach one or two).
     */
    static final int LOAD = 8;
    /** A re-flow of at least this many lots is logged with its time (a correction deep in a busy key). */
    static final int LARGE_REFLOW = 1_000;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LotKeeper.class);

    /** A trade's new lots on its key: {@code booking} null when it is no longer live. */
    public record Change(String key, String tradeId, LotBook.Booking booking) {
    }

    private final LotRepository lots;
    private final LiveTrades live;
    private final Pool pool;
    private final PositionRepository positions;

    public LotKeeper(LotRepository lots, LiveTrades live, @CaptureStore Pool pool, PositionRepository positions) {
        this.lots = lots;
        this.live = live;
        this.pool = pool;
        this.positions = positions;
    }

    /** A booking's capture time as the lot tables keep it (milliseconds, as SQL Server's DATETIMEOFFSET(3)). */
    public static Instant at(Instant at) {
        return at.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The keys' stored books (absent: none) and the first lot of each of the batch's trades that has lots. */
    public record Books(Map<String, LotRepository.KeyBook> books, Map<LotRepository.KeyTrade, Long> firsts) {
    }

    /**
     * The stored books of {@code trades}' keys, with the oldest open lots of those whose trades may
     * relieve them, and where the trades that may already have lots (versions after the first) start:
     * two statements sent together.
     * Read with the batch's row locks held, so no other writer changes them.
     */
    public Uni<Books> books(SqlConnection conn, Collection<Trade> trades) {
        Map<String, Integer> directions = new LinkedHashMap<>();
        List<LotRepository.KeyTrade> ids = new ArrayList<>(trades.size());
        for (Trade t : trades) {
            directions.merge(t.key().value(), direction(t), (a, b) -> a.equals(b) ? a : 0);
            // a first version that changes lots is the trade's first capture: it has none yet (one
            // already captured is a duplicate and changes nothing), so only later versions are looked up
            if (t.version() > 1) {
                ids.add(new LotRepository.KeyTrade(t.key().value(), t.tradeId()));
            }
        }
        return Uni.combine().all().unis(lots.books(conn, directions, HEADS), lots.firstLots(conn, ids))
                .with(Books::new);
    }

    /** 1 when every lot of the trade buys, -1 when every lot sells, 0 when both or neither. */
    private static int direction(Trade t) {
        int dir = 2;
        for (Lot lot : t.lots()) {
            int s = t.side().sign(lot.quantity()).signum();
            if (s != 0) {
                dir = dir == 2 ? s : dir == s ? dir : 0;
            }
        }
        return dir == 2 ? 0 : dir;
    }

    /** The change capturing {@code trade} makes to its key's lots at {@code capturedAt}. */
    public static Change change(Trade trade, boolean live, Instant capturedAt) {
        return new Change(trade.key().value(), trade.tradeId(), live ? LotBook.Booking.of(trade.tradeId(), trade.side(),
                trade.lots(), at(capturedAt)) : null);
    }

    /**
     * What takes a trade that is no longer live (a rejected approval) out of its key's lots: to be
     * written with {@link #write} and the key's position ({@link LotRepository.Writes#states()}).
     */
    public Uni<LotRepository.Writes> remove(SqlConnection conn, String key, String tradeId) {
        return Uni.combine().all().unis(lots.books(conn, Map.of(key, 0), HEADS),
                        lots.firstLots(conn, List.of(new LotRepository.KeyTrade(key, tradeId))))
                .with(Books::new).flatMap(books -> plan(conn, books, Set.of(key), List.of(new Change(key, tradeId, null))));
    }

    /** Writes the lots and reliefs of {@code writes} (their keys' states go with the positions). */
    public Uni<Integer> write(SqlConnection conn, LotRepository.Writes writes) {
        return lots.write(conn, writes);
    }

    /** One key's flow in the making. */
    private static final class KeyFlow {
        final String key;
        final LotBook.State start;
        final List<LotBook.Booking> bookings;
        final Long reflowFrom;
        final List<LotBook.LotRow> deque;
        boolean complete;
        LotBook.Flow flow;
        LotRepository.Reflow stored;

        KeyFlow(String key, LotBook.State start, List<LotBook.Booking> bookings, Long reflowFrom,
                List<LotBook.LotRow> deque, boolean complete) {
            this.key = key;
            this.start = start;
            this.bookings = bookings;
            this.reflowFrom = reflowFrom;
            this.deque = new ArrayList<>(deque);
            this.complete = complete;
        }

        long upTo() {
            return reflowFrom == null ? start.lotCount() : reflowFrom - 1;
        }
    }

    /**
     * Books the changes (in the order made) into their keys' books: what to write, with {@link #write}
     * and each key's state with its position. Reads only when a re-flow or a relief reaching past the
     * open lots read with {@code stored} needs more (in the common case it reads nothing). Fails with
     * {@link LotsNotBuiltException} when a changed key has a stored position ({@code positionKeys}) but
     * no book yet.
     */
    public Uni<LotRepository.Writes> plan(SqlConnection conn, Books stored, Set<String> positionKeys,
                                          List<Change> changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().item(LotRepository.Writes.NONE);
        }
        Map<String, LotRepository.KeyBook> books = stored.books();
        Map<String, LinkedHashMap<String, Change>> byKey = new LinkedHashMap<>();
        for (Change c : changes) {
            LinkedHashMap<String, Change> trades = byKey.computeIfAbsent(c.key(), k -> new LinkedHashMap<>());
            // the trade keeps its place among the batch's changes; its newest lots count
            trades.put(c.tradeId(), c);
        }
        Set<String> notBuilt = new TreeSet<>();
        for (String key : byKey.keySet()) {
            if (!books.containsKey(key) && positionKeys.contains(key)) {
                notBuilt.add(key);
            }
        }
        if (!notBuilt.isEmpty()) {
            return Uni.createFrom().failure(new LotsNotBuiltException(notBuilt));
        }
        List<KeyFlow> flows = new ArrayList<>();
        Map<String, Long> froms = new LinkedHashMap<>();
        Map<String, Map<String, LotBook.Booking>> replacedByKey = new LinkedHashMap<>();
        Map<String, List<LotBook.Booking>> appendedByKey = new LinkedHashMap<>();
        for (Map.Entry<String, LinkedHashMap<String, Change>> e : byKey.entrySet()) {
            String key = e.getKey();
            Map<String, LotBook.Booking> replaced = new LinkedHashMap<>();
            List<LotBook.Booking> appended = new ArrayList<>();
            long from = Long.MAX_VALUE;
            for (Change c : e.getValue().values()) {
                Long first = stored.firsts().get(new LotRepository.KeyTrade(key, c.tradeId()));
                if (first != null) {
                    replaced.put(c.tradeId(), c.booking());
                    from = Math.min(from, first);
                } else if (c.booking() != null) {
                    appended.add(c.booking());
                }
            }
            if (replaced.isEmpty()) {
                LotRepository.KeyBook book = books.getOrDefault(key,
                        new LotRepository.KeyBook(LotBook.State.EMPTY, List.of(), true));
                flows.add(new KeyFlow(key, book.state(), appended, null, book.heads(), book.complete()));
            } else {
                // from the checkpoint before the first lot that changes: the state stored there
                froms.put(key, LotBook.reflowStart(from));
                replacedByKey.put(key, replaced);
                appendedByKey.put(key, appended);
            }
        }
        long started = System.nanoTime();
        Uni<Void> reflows = froms.isEmpty() ? Uni.createFrom().voidItem()
                : reflows(conn, froms, replacedByKey, appendedByKey).invoke(flows::addAll).replaceWithVoid();
        return reflows.flatMap(v -> flowAll(conn, flows, LOAD)).map(v -> {
            LotRepository.Writes writes = new LotRepository.Writes();
            for (KeyFlow f : flows) {
                writes.add(f.key, f.flow, f.stored);
                if (f.reflowFrom != null && f.flow.lots().size() >= LARGE_REFLOW) {
                    LOG.infof("re-flowed %d lots of %s from lot %d (%d reliefs) in %d ms", f.flow.lots().size(),
                            f.key, f.reflowFrom, f.flow.reliefs().size(), (System.nanoTime() - started) / 1_000_000);
                }
            }
            return writes;
        });
    }

    /**
     * The re-flows of keys from their lots {@code froms}: the books before those lots and the lots and
     * reliefs from there (three statements sent together, whatever the number of keys). The open lots
     * before the start are loaded as the flows reach them, like a new trade's.
     */
    private Uni<List<KeyFlow>> reflows(SqlConnection conn, Map<String, Long> froms,
                                       Map<String, Map<String, LotBook.Booking>> replaced,
                                       Map<String, List<LotBook.Booking>> appended) {
        return lots.reflows(conn, froms).map(read -> {
            List<KeyFlow> flows = new ArrayList<>();
            for (Map.Entry<String, Long> e : froms.entrySet()) {
                String key = e.getKey();
                LotRepository.Reflow start = read.get(key);
                List<LotBook.Booking> bookings = LotBook.rebook(start.tail(), replaced.get(key), appended.get(key));
                LotBook.State s = start.start();
                KeyFlow flow = new KeyFlow(key, s, bookings, e.getValue(), List.of(), s.headOrdinal() == 0);
                flow.stored = start;
                flows.add(flow);
            }
            return flows;
        });
    }

    /** Lots booked in one batch past which the flows are computed on a worker thread, not the event loop. */
    static final int WORKER_BOOKINGS = 5_000;

    /** Flows every key, loading more open lots for those that ask, {@code limit} more each round and growing. */
    private Uni<Void> flowAll(SqlConnection conn, List<KeyFlow> flows, int limit) {
        int lots = 0;
        for (KeyFlow f : flows) {
            for (LotBook.Booking b : f.bookings) {
                lots += b.lots().size();
            }
        }
        // a re-flow deep in a busy key books its whole tail again (100,000 lots: ~0.5 s of CPU)
        Uni<List<LotRepository.Load>> flowed = Uni.createFrom().item(() -> flowOnce(flows));
        if (lots > WORKER_BOOKINGS) {
            flowed = flowed.runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        }
        return flowed.flatMap(needs -> {
            if (needs.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return loadMore(conn, flows, needs, limit);
        });
    }

    /** Flows the keys not flowed yet; the loads of those that need more open lots. */
    private static List<LotRepository.Load> flowOnce(List<KeyFlow> flows) {
        List<LotRepository.Load> needs = new ArrayList<>();
        for (KeyFlow f : flows) {
            if (f.flow != null && f.flow.complete()) {
                continue;
            }
            f.flow = LotBook.flow(f.start, f.deque, f.complete, f.bookings);
            if (!f.flow.complete()) {
                needs.add(new LotRepository.Load(f.key, f.flow.needAfter(), f.upTo()));
            }
        }
        return needs;
    }

    /** Loads more open lots for the keys that need them, then flows those keys again. */
    private Uni<Void> loadMore(SqlConnection conn, List<KeyFlow> flows, List<LotRepository.Load> needs, int limit) {
        Map<String, KeyFlow> byKey = new LinkedHashMap<>();
        flows.forEach(f -> byKey.put(f.key, f));
        return lots.load(conn, needs, limit).flatMap(loaded -> {
            for (LotRepository.Load need : needs) {
                KeyFlow f = byKey.get(need.key());
                List<LotBook.LotRow> more = loaded.getOrDefault(f.key, List.of());
                f.deque.addAll(more);
                f.complete = more.size() < limit || f.deque.size() >= f.start.openLotCount();
            }
            return flowAll(conn, flows, Math.min(limit * 4, 100_000));
        });
    }

    /**
     * Builds a key's book from its stored versions, once: in its own transaction, under the position's
     * row lock (so capture and a second builder wait), unless the key has one by then. Safe without
     * the key's partition lock: what it reads is committed and no writer changes it meanwhile.
     * Returns true when it built the book.
     */
    public Uni<Boolean> build(String key) {
        return pool.withTransaction(conn -> positions.lockAll(conn, List.of(key)).flatMap(locked -> {
            if (!locked.containsKey(key)) {
                return Uni.createFrom().item(false);
            }
            return lots.state(conn, key).flatMap(state -> state != null ? Uni.createFrom().item(false)
                    : live.read(conn, key).flatMap(trades -> {
                        List<LotBook.Booking> bookings = new ArrayList<>(trades.size());
                        Instant epoch = Instant.EPOCH;
                        for (FifoLots.TradeLots t : trades) {
                            bookings.add(LotBook.Booking.of(t.tradeId(), t.side(), t.lots(),
                                    at(t.capturedAt() == null ? epoch : t.capturedAt())));
                        }
                        LotBook.Flow flow = LotBook.flow(LotBook.State.EMPTY, List.of(), true, bookings);
                        LotRepository.Writes writes = new LotRepository.Writes();
                        writes.add(key, flow);
                        return Uni.combine().all().unis(lots.built(conn, key, flow.end()), lots.write(conn, writes))
                                .with((p, n) -> true);
                    }));
        }));
    }

    /** Builds the books of {@code keys}, one after the other. */
    public Uni<Void> buildAll(Collection<String> keys) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (String key : keys) {
            all = all.flatMap(v -> build(key).replaceWithVoid());
        }
        return all;
    }
}
